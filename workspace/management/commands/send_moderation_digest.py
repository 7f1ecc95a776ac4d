"""Queue today's moderation digest for the task worker (run daily from cron)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from workspace.tasks import send_moderation_digest


class Command(BaseCommand):
    help = (
        "Queue today's digest of what waits for moderation: one email per moderator who wants "
        "it, only if something waits, and once a day however often this runs."
    )

    def handle(self, *args, **options):
        day = timezone.localdate().isoformat()
        send_moderation_digest.enqueue(day)
        self.stdout.write(f"Moderation digest of {day} queued.")
