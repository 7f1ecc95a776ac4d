"""The loop of a periodic job run as its own process (`count_figures`, `take_signatures`).

Every `interval` seconds it runs `step()` with fresh database connections; a database outage
is logged and waited out (the loop never exits on one); SIGTERM and SIGINT end it after the
current step.
"""

import logging
import signal
import time
from collections.abc import Callable

from django.db import DatabaseError, close_old_connections


def run_every(interval: float, step: Callable[[], None], *, logger: logging.Logger) -> None:
    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while not stopping:
        started = time.monotonic()
        close_old_connections()
        try:
            step()
        except DatabaseError:
            logger.exception("the job failed; trying again in %s s", interval)
        time.sleep(max(0.0, interval - (time.monotonic() - started)))
