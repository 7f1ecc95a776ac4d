"""Blank the stored email addresses nothing is owed to any more (daily, from cron)."""

from django.core.management.base import BaseCommand

from lib.personal_data import forget_spent_addresses, retention_days


class Command(BaseCommand):
    help = (
        "Blank the encrypted email addresses nothing more is owed to, EMAIL_RETENTION_DAYS "
        "after the last email owed; only their keyed hashes stay. Safe to run twice."
    )

    def handle(self, *args, **options):
        forgotten = forget_spent_addresses()
        for name, count in forgotten.items():
            self.stdout.write(f"{name}: {count} address(es) forgotten")
        self.stdout.write(f"(kept for {retention_days()} days after the last email owed)")
