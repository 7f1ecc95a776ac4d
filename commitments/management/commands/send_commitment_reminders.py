from django.core.management.base import BaseCommand

from commitments import services as commitment_services


class Command(BaseCommand):
    help = (
        "Email contacts about BDS commitment deadlines: a reminder 14 days before, a follow-up "
        "once passed. One of each per commitment: safe to run twice. Run daily from cron."
    )

    def handle(self, *args, **options):
        reminders, followups = commitment_services.send_commitment_reminders()
        self.stdout.write(f"{reminders} reminder(s) and {followups} follow-up(s) queued.")
