"""`manage.py take_signatures`: the intake job (`pledges.intake`).

    manage.py take_signatures            # every INTAKE_INTERVAL_MS, until stopped
    manage.py take_signatures --once     # sign what is waiting, then exit

Run one looping process per site beside the task worker; a second one is harmless (a standby:
it finds the job's advisory lock taken and tries again on its next run). A database outage is
logged and waited out; the loop never exits on one.
"""

import logging
import os

from django.conf import settings
from django.core.management.base import BaseCommand

from lib import jobs
from pledges import intake

logger = logging.getLogger("pledges.intake")


class Command(BaseCommand):
    help = "Turn the waiting sign submissions into signatures (and their emails)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Take what waits, then exit.")
        parser.add_argument(
            "--every",
            type=float,
            default=None,
            help="Seconds between runs (default: INTAKE_INTERVAL_MS / 1000).",
        )

    def handle(self, *args, once=False, every=None, **options):
        if once:
            taken = intake.take_all()
            self.stdout.write(
                f"signed {taken.signed}, dropped {taken.dropped}, failed {taken.failed}"
            )
            return
        interval = settings.INTAKE_INTERVAL_MS / 1000 if every is None else every
        # Below the web workers in the CPU's queue: under a spike, people get their answer
        # first and the job catches up as soon as the machine has a moment (a backlog is safe:
        # nothing waiting is lost, /healthz shows it).
        os.nice(settings.INTAKE_NICE)
        jobs.run_every(interval, self._take, logger=logger)

    def _take(self) -> None:
        taken = intake.take_all()
        if taken.signed or taken.dropped or taken.failed:
            logger.debug("took %s", taken)
