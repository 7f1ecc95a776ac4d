from django.core.management.base import BaseCommand

from pledges import services


class Command(BaseCommand):
    help = (
        "Remind signers who have not confirmed: at most two reminders, two days apart. "
        "Safe to run twice; run it from cron, e.g. hourly."
    )

    def handle(self, *args, **options):
        sent = services.send_reminders()
        self.stdout.write(f"{sent} reminder(s) queued.")
