"""`manage.py count_figures`: the counting job (`campaigns.counters`).

    manage.py count_figures                  # every COUNTER_INTERVAL_SECONDS, reconciling daily
    manage.py count_figures --once           # one run, for cron
    manage.py count_figures --reconcile      # compare every tally with a true COUNT, then exit

Run one looping process per site (a second one is harmless: the advisory lock makes it wait
its turn). A database outage is logged and waited out; the loop never exits on one.
"""

import logging
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from campaigns import counters
from lib import jobs

logger = logging.getLogger("campaigns.counters")


class Command(BaseCommand):
    help = "Add the confirmations since the last run to the public counters (and reconcile)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Count once and exit.")
        parser.add_argument(
            "--reconcile", action="store_true", help="Reconcile every tally, then exit."
        )
        parser.add_argument(
            "--every",
            type=float,
            default=None,
            help="Seconds between runs (default: COUNTER_INTERVAL_SECONDS).",
        )

    def handle(self, *args, once=False, reconcile=False, every=None, **options):
        if reconcile:
            drifts = counters.reconcile()
            self.stdout.write(f"reconciled: {len(drifts)} drift(s) fixed")
            return
        if once:
            counted = counters.count()
            self.stdout.write(f"counted {counted.changes} change(s)")
            return
        interval = settings.COUNTER_INTERVAL_SECONDS if every is None else every
        self._reconcile_every = settings.COUNTER_RECONCILE_SECONDS
        self._next_reconcile = time.monotonic()  # once at start: a restart after drift fixes it
        jobs.run_every(interval, self._count, logger=logger)

    def _count(self) -> None:
        now = time.monotonic()
        if self._reconcile_every and now >= self._next_reconcile:
            counters.reconcile()
            self._next_reconcile = now + self._reconcile_every
        counted = counters.count()
        if counted.changes:
            logger.debug("counted %d change(s)", counted.changes)
