from django.core.management.base import BaseCommand

from campaigns import replies


class Command(BaseCommand):
    help = (
        "Tell Communications which targets' replies are due within REPLY_DUE_SOON_DAYS and "
        "which are overdue. One email of each per request: safe to run twice. Run daily from "
        "cron."
    )

    def handle(self, *args, **options):
        queued = replies.send_reply_reminders()
        self.stdout.write(
            f"{queued[replies.DUE_SOON]} due-soon and {queued[replies.OVERDUE_REMINDER]} "
            "overdue reminder(s) queued."
        )
