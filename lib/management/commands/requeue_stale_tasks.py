"""Put tasks left RUNNING by a killed worker back in the queue.

django-tasks-db marks a row RUNNING when a worker claims it; if the worker dies (OOM, deploy,
power cut) the row stays RUNNING forever. Run this from cron every few minutes. Our tasks are
idempotent, so running one again after a half-finished attempt is safe. Running the command
twice is safe too: it is one UPDATE over rows still RUNNING.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from lib.task_queue import requeue_stale_tasks


class Command(BaseCommand):
    help = "Requeue tasks stuck in RUNNING (their worker was killed) for longer than N minutes."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=30,
            metavar="MINUTES",
            help="Only rows claimed more than this many minutes ago (default 30). Choose more "
            "than your longest task takes.",
        )

    def handle(self, *args, older_than: int, **options):
        if older_than < 1:
            raise CommandError("--older-than must be at least 1 minute")
        count = requeue_stale_tasks(timedelta(minutes=older_than))
        self.stdout.write(f"Requeued {count} stale task(s).")
