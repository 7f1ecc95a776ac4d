from django.core.management.base import BaseCommand

from api import open_data


class Command(BaseCommand):
    help = "Regenerate the open-data files (CSV and JSON, CC BY 4.0). Run from cron."

    def handle(self, *args, **options):
        for name in open_data.regenerate():
            self.stdout.write(f"wrote {name}")
