"""Anonymise the signers of campaigns closed long enough ago (daily, from cron)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from pledges import anonymisation
from pledges.tasks import anonymise_campaign


class Command(BaseCommand):
    help = (
        "Enqueue the anonymisation of every campaign closed ANONYMISE_AFTER_CLOSE_DAYS ago or "
        "more and not yet done (it resumes where it stopped). --now runs it here instead. "
        "Safe to run twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", action="store_true", help="run the batches in this process, not a worker"
        )
        parser.add_argument(
            "--max-batches",
            type=int,
            default=None,
            help="with --now: stop after this many batches per campaign (resume later)",
        )

    def handle(self, *args, now=False, max_batches=None, **options):
        due = list(anonymisation.due_campaigns())
        for campaign in due:
            if now:
                rows = anonymisation.anonymise(campaign, max_batches=max_batches)
                self.stdout.write(f"{campaign.slug}: {rows} signature(s) anonymised")
            else:
                with transaction.atomic():
                    anonymise_campaign.enqueue(campaign.pk)
                self.stdout.write(f"{campaign.slug}: anonymisation enqueued")
        if not due:
            self.stdout.write("no campaign is due for anonymisation")
