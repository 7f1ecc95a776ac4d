"""The task queue's own upkeep: tasks a killed worker left RUNNING go back to the queue.

django-tasks-db marks a row RUNNING when a worker claims it; if the worker dies (OOM, deploy,
power cut) the row stays RUNNING forever. Our tasks are idempotent, so running one again after
a half-finished attempt is safe. Every worker does this when it starts (`manage.py db_worker`
here wraps the library's), and `manage.py requeue_stale_tasks` does it from cron.
"""

from datetime import timedelta

from django.conf import settings
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult


def stale_after() -> timedelta:
    """How long a claimed task may run before it counts as abandoned (longer than any task)."""
    return timedelta(minutes=getattr(settings, "TASK_STALE_MINUTES", 10))


def requeue_stale_tasks(older_than: timedelta) -> int:
    """Move RUNNING rows claimed more than `older_than` ago back to READY; return how many."""
    cutoff = timezone.now() - older_than
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=cutoff
    ).update(status=TaskResultStatus.READY, started_at=None)
