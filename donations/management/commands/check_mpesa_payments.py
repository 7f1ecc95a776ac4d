"""`manage.py check_mpesa_payments`: ask Daraja again about M-Pesa gifts still pending.

Each gift's own checks retry with a backoff and give up after `lib.retry.MAX_ATTEMPTS`; a gift
whose checks never reached Daraja (a long outage, a lost worker) stays pending. Run this from
cron (e.g. every 15 minutes): it enqueues one more check for each such gift, which counts it,
marks it failed, or lets it expire. Running it twice only asks twice.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand

from donations import services


class Command(BaseCommand):
    help = "Enqueue an STK push query for every M-Pesa gift still pending after some minutes."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-minutes",
            type=int,
            default=10,
            help="only gifts pushed at least this long ago (default 10)",
        )

    def handle(self, *args, **options):
        minutes = max(0, options["older_than_minutes"])
        count = services.check_mpesa_payments(older_than=timedelta(minutes=minutes))
        self.stdout.write(f"Enqueued {count} M-Pesa check(s).")
