"""The demo's own emails, handled before any worker sees them.

The demo builds its signatures, sign-ons and campaigns through the same services as real
people, so the services queue the same emails: confirmation links for `amina@example.org`,
"campaign launched" notes and moderation alerts for the demo's staff logins. Printed by the
console backend, they would bury the first email a newcomer triggers themselves. Inside
`held_back()` the email tasks enqueued are recorded; on the way out, in the same transaction,
what each would send is marked as sent (as the task itself would have stored it) and the task
row goes, so the worker has nothing of the demo's to run. What real people get is unchanged:
only the tasks this process enqueued inside the block are touched, and any other kind of task
stays queued.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.apps import apps
from django.db import transaction
from django.tasks import TaskResult, TaskResultStatus
from django.tasks.signals import task_enqueued
from django.utils import timezone

from campaigns.models import Campaign
from pledges.models import PledgeEmail


def _pledge_emails_sent(ids: list) -> None:
    PledgeEmail.objects.filter(pk__in=ids, sent_at__isnull=True).update(
        sent_at=timezone.now(), context={}, address=""
    )


def _launches_notified(ids: list) -> None:
    Campaign.objects.filter(pk__in=ids, launch_notified_at__isnull=True).update(
        launch_notified_at=timezone.now()
    )


# Each email task the demo's services enqueue, and how to mark what it owes as sent, given
# the first argument of each task (None: the task stores nothing until it sends, so dropping
# it is all).
SETTLE: dict[str, Callable[[list], None] | None] = {
    "pledges.tasks.send_pledge_email": _pledge_emails_sent,
    "campaigns.tasks.notify_campaign_launched": _launches_notified,
    # The "first item in an empty queue" alert for the demo's own pending signature and
    # sign-on: the demo's items stay waiting, so no later item is a first one either.
    "workspace.tasks.send_first_item_alert": None,
}


@contextmanager
def held_back() -> Iterator[list[TaskResult]]:
    """Settle the email tasks enqueued inside the block (which must be in a transaction)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("held_back() settles tasks in the transaction that enqueued them")
    enqueued: list[TaskResult] = []

    def record(sender, task_result: TaskResult, **kwargs) -> None:
        if task_result.task.module_path in SETTLE:
            enqueued.append(task_result)

    task_enqueued.connect(record, weak=False, dispatch_uid="demo-emails-held-back")
    try:
        yield enqueued
    finally:
        task_enqueued.disconnect(dispatch_uid="demo-emails-held-back")
    settle(enqueued)


def settle(enqueued: list[TaskResult]) -> None:
    """Mark what the tasks would send as sent and drop the tasks themselves."""
    for path, mark in SETTLE.items():
        ids = [r.args[0] for r in enqueued if r.task.module_path == path]
        if ids and mark is not None:
            mark(ids)
    # The marked tasks are idempotent, so with another task backend they would now run and
    # send nothing; with the database backend (the default) their rows go and the worker
    # stays quiet.
    if enqueued and apps.is_installed("django_tasks_db"):
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.filter(
            id__in=[r.id for r in enqueued], status=TaskResultStatus.READY
        ).delete()
