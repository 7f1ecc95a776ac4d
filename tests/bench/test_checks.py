"""The harness's database reads (bench/checks.py) on rows made through our services."""

import pytest
from django.conf import settings
from django.db import connection
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from bench import checks, harness
from lib.encryption import decrypt
from lib.mailboxes import email_hash
from pledges.models import PledgeEmail, Signature
from tests.conftest import create_campaign, run_tasks
from tests.pledges.conftest import sign, signed_and_confirmed

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="the task reads use PostgreSQL's jsonb functions, as the bench database does",
)


def wrk_email(prefix: str, n: int, run: str = harness.RUN_ID, thread: int = 1) -> str:
    """An address as bench/lua/sign.lua writes it."""
    return f"{prefix}-{run}-t{thread}-{n}@d{n % 997}.bench.example"


def confirmation_task(signature: Signature) -> DBTaskResult:
    email = PledgeEmail.objects.get(object_id=signature.pk, kind="signature-confirm")
    tasks = [
        t
        for t in DBTaskResult.objects.filter(task_path="pledges.tasks.send_pledge_email")
        if t.args_kwargs["args"][0] == email.pk
    ]
    assert len(tasks) == 1
    return tasks[0]


def test_sign_addresses_are_every_address_each_wrk_thread_sent():
    assert checks.sign_addresses("solo", [2, 0, 1], run="r1") == [
        "solo-r1-t1-1@d1.bench.example",
        "solo-r1-t1-2@d2.bench.example",
        "solo-r1-t3-1@d1.bench.example",
    ]
    assert checks.sign_addresses("solo", [998])[-1] == wrk_email("solo", 998)
    assert checks.run_hashes("solo", [1]) == [email_hash(wrk_email("solo", 1))]


def test_run_signatures_counts_this_runs_rows_mailboxes_statuses_and_email_tasks():
    campaign, other = create_campaign("bench-00"), create_campaign("bench-01")
    for n in range(1, 5):
        sign(campaign, email=wrk_email("solo", n))
    sign(campaign, email=wrk_email("solo", 1, thread=2))
    sign(other, email=wrk_email("solo", 1).upper().replace("SOLO", "solo"))  # the same person
    sign(campaign, email=wrk_email("badge", 2))  # another scenario
    sign(campaign, email=wrk_email("solo", 2, run="earlier"))  # another run
    sign(campaign, email=wrk_email("solo", 9))  # not among what wrk reports it sent
    untasked = Signature.objects.get(email_hash=email_hash(wrk_email("solo", 3)))
    confirmation_task(untasked).delete()
    # Thread 1 sent 5 (its 5th went unstored), thread 2 one; 4 read-only threads sent nothing.
    hashes = checks.run_hashes("solo", [5, 1])
    assert len(hashes) == 6

    assert checks.count_run_signatures(hashes) == 6
    assert checks.run_signatures(hashes) == {
        "rows": 6,
        "distinct": 5,
        "statuses": {"pending": 6},
        "with_task": 5,
    }
    assert checks.run_signatures(checks.run_hashes("badge", [2]))["with_task"] == 1
    assert checks.count_signatures() == 9


def test_run_signatures_reads_hashes_in_chunks(monkeypatch):
    monkeypatch.setattr(checks, "CHUNK", 2)
    campaign = create_campaign("bench-00")
    for n in range(1, 6):
        sign(campaign, email=wrk_email("solo", n))
    hashes = checks.run_hashes("solo", [7])
    assert checks.count_run_signatures(hashes) == 5
    found = checks.run_signatures(hashes)
    assert (found["rows"], found["distinct"], found["with_task"]) == (5, 5, 5)


def test_signatory_cursor_is_the_public_signatory_so_far_down_the_list():
    campaign = create_campaign("bench-00")
    listed = [signed_and_confirmed(campaign, email=f"s{n}@example.org").pk for n in range(10)]
    signed_and_confirmed(campaign, email="hidden@example.org", show_publicly=False)
    sign(campaign, email="pending@example.org")
    newest_first = sorted(listed, reverse=True)
    assert checks.signatory_cursor("bench-00", tenths=9) == newest_first[9]
    assert checks.signatory_cursor("bench-00", tenths=5) == newest_first[5]


def test_export_copy_sql_selects_every_signature_with_the_export_columns_by_id():
    campaign = create_campaign("bench-00")
    first = signed_and_confirmed(campaign, email="first@example.org", affiliation="Union")
    second = sign(campaign, email="second@example.org").signature
    query = checks.export_copy_sql()
    assert f'FROM "{Signature._meta.db_table}"' in query
    with connection.cursor() as cursor:
        cursor.execute(query)
        rows = cursor.fetchall()
    # Names and emails as stored: tokens, which psql cannot open (the export decrypts them).
    assert [(*row[:3], decrypt(row[3]), decrypt(row[4]), row[5]) for row in rows] == [
        (first.pk, "bench-00", "confirmed", "Amina Yusuf", "first@example.org", "KE"),
        (second.pk, "bench-00", "pending", "Amina Yusuf", "second@example.org", "KE"),
    ]
    assert rows[0][6:11] == ("Union", "en", True, False, 1)
    assert len(rows[0]) == 13


def test_task_counts_follow_the_queue_and_finished_tasks_can_be_cleared():
    campaign = create_campaign("bench-00")
    DBTaskResult.objects.all().delete()  # publishing queues its own tasks: count the emails only
    for n in range(3):
        sign(campaign, email=f"q{n}@example.org")
    assert checks.count_ready_tasks() == checks.count_unfinished_tasks() == 3
    claimed = DBTaskResult.objects.first()
    DBTaskResult.objects.filter(pk=claimed.pk).update(status=TaskResultStatus.RUNNING)
    assert (checks.count_ready_tasks(), checks.count_unfinished_tasks()) == (2, 3)
    DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED
    )
    checks.delete_finished_tasks()
    assert DBTaskResult.objects.count() == 2
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {TaskResultStatus.READY}


@postgres_only
def test_task_runs_and_claiming_workers_after_a_worker_ran_the_queue():
    campaign = create_campaign("bench-00")
    DBTaskResult.objects.all().delete()  # publishing queues its own tasks: count the emails only
    for n in range(3):
        sign(campaign, email=f"q{n}@example.org")
    run_tasks()
    sign(campaign, email="late@example.org")
    assert checks.task_runs() == [("READY", 0, 1), ("SUCCESSFUL", 1, 3)]
    assert checks.count_claiming_workers() == 1
