"""What the harness reads from the bench database, through the ORM.

The harness process is not a Django process: `connect()` configures Django in it once, with
the environment gunicorn and the workers run with (`config.settings`, DATABASE_URL of the
bench database), so these reads see what the site wrote. Every other function is one named
read; the models are imported inside them because they can only be imported after `connect()`.
"""

import os

import django
from django.apps import apps
from django.db.models import BigIntegerField, Count, Exists, F, Func, IntegerField, OuterRef
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Lower
from django.tasks import TaskResultStatus

from bench import harness

CONFIRMATION = "signature-confirm"  # the PledgeEmail kind a new signature gets


def connect() -> None:
    """Configure Django in this process for the bench database (no connection is opened yet)."""
    if apps.ready:
        return
    os.environ.update(harness.bench_env(DJANGO_SETTINGS_MODULE="config.settings"))
    django.setup()


def _run_signatures(prefix: str):
    """The signatures wrk's sign.lua made in this run with this prefix (by their email)."""
    from pledges.models import Signature

    return Signature.objects.filter(email__startswith=f"{prefix}-{harness.RUN_ID}-")


def count_run_signatures(prefix: str) -> int:
    return _run_signatures(prefix).count()


def run_signatures(prefix: str) -> dict:
    """Rows, distinct emails, rows per status, and rows that have their confirmation email task.

    A row has its task when a `PledgeEmail` of kind signature-confirm points at it and a
    `DBTaskResult` of `send_pledge_email` carries that email's id as its first argument.
    """
    from django.contrib.contenttypes.models import ContentType
    from django_tasks_db.models import DBTaskResult

    from pledges.models import PledgeEmail, Signature
    from pledges.tasks import send_pledge_email

    signatures = _run_signatures(prefix)
    tasks = DBTaskResult.objects.annotate(
        email_id=Cast(KT("args_kwargs__args__0"), BigIntegerField())
    ).filter(task_path=send_pledge_email.module_path, email_id=OuterRef("pk"))
    emails = PledgeEmail.objects.filter(
        content_type=ContentType.objects.get_for_model(Signature),
        object_id=OuterRef("pk"),
        kind=CONFIRMATION,
    ).filter(Exists(tasks))
    return {
        "rows": signatures.count(),
        "distinct": signatures.aggregate(n=Count(Lower("email"), distinct=True))["n"],
        "statuses": dict(
            signatures.order_by()
            .values("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        ),
        "with_task": signatures.filter(Exists(emails)).count(),
    }


def count_signatures() -> int:
    from pledges.models import Signature

    return Signature.objects.count()


def signatory_cursor(slug: str, tenths: int) -> int:
    """The id `tenths`/10 of the way down a campaign's public signatory list (newest first).

    Listed as the signatory page lists them (`pledges.queries.public_signatures`).
    """
    from campaigns.models import Campaign
    from pledges.queries import public_signatures

    listed = public_signatures(Campaign.objects.get(slug=slug))
    skip = listed.count() * tenths // 10
    return listed.order_by("-pk").values_list("pk", flat=True)[skip]


def export_copy_sql() -> str:
    """SQL for psql's `\\copy`: every signature with the columns the export writes, by id.

    Compiled from the ORM, so table and column names come from the models.
    """
    from pledges.models import Signature

    fields = ("pk", "campaign__slug", "status", "name", "email", "country", "affiliation",
              "language", "show_publicly", "updates_consent", "statement_version__number",
              "created_at", "confirmed_at")  # fmt: skip
    query = Signature.objects.order_by("pk").values_list(*fields).query
    sql, params = query.sql_with_params()
    assert not params, params
    return sql


# Tasks -----------------------------------------------------------------------------------------


def _tasks():
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.all()


def delete_finished_tasks() -> None:
    _tasks().filter(status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED]).delete()


def count_ready_tasks() -> int:
    return _tasks().filter(status=TaskResultStatus.READY).count()


def count_unfinished_tasks() -> int:
    return _tasks().filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]).count()


def task_runs() -> list[tuple[str, int, int]]:
    """(status, how many workers claimed the task, tasks) over every task."""
    runs = Func(F("worker_ids"), function="jsonb_array_length", output_field=IntegerField())
    return list(
        _tasks()
        .annotate(runs=runs)
        .order_by("status", "runs")
        .values("status", "runs")
        .annotate(n=Count("pk"))
        .values_list("status", "runs", "n")
    )


def count_claiming_workers() -> int:
    """Distinct worker ids among the tasks' first claims."""
    return _tasks().aggregate(n=Count(KT("worker_ids__0"), distinct=True))["n"]
