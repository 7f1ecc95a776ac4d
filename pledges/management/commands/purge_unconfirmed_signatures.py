from django.core.management.base import BaseCommand, CommandError

from pledges import services


class Command(BaseCommand):
    help = (
        "Delete signatures (and organisational sign-ons) never confirmed within N days, "
        "and old rate-limit counters. Safe to run twice; run it daily from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Age in days (default: the PLEDGE_PURGE_UNCONFIRMED_DAYS setting, 30).",
        )

    def handle(self, *args, days=None, **options):
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1")
        deleted = services.purge_unconfirmed(days=days)
        self.stdout.write(f"{deleted} unconfirmed signature(s) deleted.")
