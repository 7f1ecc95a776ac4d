from django.core.management.base import BaseCommand

from commitments import services as commitment_services


class Command(BaseCommand):
    help = (
        "Lapse open BDS commitments whose deadline passed (plus COMMITMENT_LAPSE_GRACE_DAYS) and "
        "tell the organisation. Safe to run twice. Run daily from cron."
    )

    def handle(self, *args, **options):
        lapsed = commitment_services.lapse_overdue_commitments()
        self.stdout.write(f"{lapsed} commitment(s) lapsed.")
