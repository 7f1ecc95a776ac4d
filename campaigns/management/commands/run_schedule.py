from django.core.management.base import BaseCommand

from campaigns.services import run_schedule


class Command(BaseCommand):
    help = "Launch scheduled campaigns that are due and close those past their close time."

    def handle(self, *args, **options):
        launched, closed = run_schedule()
        self.stdout.write(f"launched {launched}, closed {closed}")
