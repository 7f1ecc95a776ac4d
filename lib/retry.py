"""Retry with backoff for tasks: the database task backend has no automatic retries."""

from datetime import timedelta

from django.utils import timezone

MAX_ATTEMPTS = 8


def backoff(attempt: int) -> timedelta:
    """1 min, 2 min, 4 min … capped at 2 hours."""
    return timedelta(seconds=min(60 * 2 ** (attempt - 1), 7200))


def retry_later(task, attempt: int, *args, **kwargs) -> bool:
    """Enqueue `task` again after a backoff; False once the attempts are used up."""
    if attempt >= MAX_ATTEMPTS:
        return False
    task.using(run_after=timezone.now() + backoff(attempt)).enqueue(
        *args, attempt=attempt + 1, **kwargs
    )
    return True
