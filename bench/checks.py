"""What the harness reads from the bench database, through the ORM.

The harness process is not a Django process: `connect()` configures Django in it once, with
the environment gunicorn and the workers run with (`config.settings`, DATABASE_URL of the
bench database), so these reads see what the site wrote. Every other function is one named
read; the models are imported inside them because they can only be imported after `connect()`.
"""

import os
from collections import Counter

import django
from django.apps import apps
from django.db.models import BigIntegerField, Count, Exists, F, Func, IntegerField, OuterRef
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.tasks import TaskResultStatus

from bench import harness

CONFIRMATION = "signature-confirm"  # the PledgeEmail kind a new signature gets


def connect() -> None:
    """Configure Django in this process for the bench database (no connection is opened yet)."""
    if apps.ready:
        return
    os.environ.update(harness.bench_env(DJANGO_SETTINGS_MODULE="config.settings"))
    django.setup()


# The signatures a wrk run of bench/lua/sign.lua made ------------------------------------------
#
# Their emails are encrypted (lib/encryption.py), so they cannot be picked out by what the
# address says. The harness knows every address it sent (thread t's n-th request signs as
# `<prefix>-<RUN_ID>-t<t>-<n>@d<n % 997>.bench.example`, and wrk reports how many each thread
# sent): the run's rows are those with the keyed hash of one of these addresses, read on the
# `email_hash` index. Aliases of one mailbox share a hash, so a doubled signature still shows.

CHUNK = 2000  # hashes per query


def sign_addresses(prefix: str, sent_by_thread: list[int], run: str = harness.RUN_ID) -> list[str]:
    """Every address bench/lua/sign.lua wrote in one wrk run, given what each thread sent."""
    return [
        f"{prefix}-{run}-t{tid}-{n}@d{n % 997}.bench.example"
        for tid, sent in enumerate(sent_by_thread, start=1)
        for n in range(1, sent + 1)
    ]


def run_hashes(prefix: str, sent_by_thread: list[int], run: str = harness.RUN_ID) -> list[str]:
    """The keyed hashes (`email_hash`) of those addresses, as the site stores them."""
    from lib.mailboxes import email_hash, normalise_email

    return [email_hash(normalise_email(a)) for a in sign_addresses(prefix, sent_by_thread, run)]


def _run_signatures(hashes: list[str]):
    """The signatures with one of these email hashes, one query set per chunk of hashes."""
    from pledges.models import Signature

    for start in range(0, len(hashes), CHUNK):
        yield Signature.objects.filter(email_hash__in=hashes[start : start + CHUNK])


def count_run_signatures(hashes: list[str]) -> int:
    return sum(signatures.count() for signatures in _run_signatures(hashes))


def run_signatures(hashes: list[str]) -> dict:
    """Rows, distinct mailboxes, rows per status, and rows that have their confirmation email task.

    A row has its task when a `PledgeEmail` of kind signature-confirm points at it and a
    `DBTaskResult` of `send_pledge_email` carries that email's id as its first argument.
    """
    from django.contrib.contenttypes.models import ContentType
    from django_tasks_db.models import DBTaskResult

    from pledges.models import PledgeEmail, Signature
    from pledges.tasks import send_pledge_email

    tasks = DBTaskResult.objects.annotate(
        email_id=Cast(KT("args_kwargs__args__0"), BigIntegerField())
    ).filter(task_path=send_pledge_email.module_path, email_id=OuterRef("pk"))
    emails = PledgeEmail.objects.filter(
        content_type=ContentType.objects.get_for_model(Signature),
        object_id=OuterRef("pk"),
        kind=CONFIRMATION,
    ).filter(Exists(tasks))
    rows = [
        row
        for signatures in _run_signatures(hashes)
        for row in signatures.annotate(has_task=Exists(emails))
        .order_by()
        .values_list("email_hash", "status", "has_task")
    ]
    return {
        "rows": len(rows),
        "distinct": len({hashed for hashed, _, _ in rows}),
        "statuses": dict(Counter(status for _, status, _ in rows)),
        "with_task": sum(has_task for _, _, has_task in rows),
    }


def count_waiting_submissions() -> int:
    """Sign submissions the intake job has not taken yet (`pledges.intake`)."""
    from pledges.models import Submission

    return Submission.objects.count()


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

    Compiled from the ORM, so table and column names come from the models. Names and emails
    come out as stored, Fernet tokens: the staff export decrypts them, psql cannot.
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
