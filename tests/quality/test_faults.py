"""The site keeps its promises when the things around it fail."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.db.utils import InterfaceError, OperationalError
from django.tasks import TaskResultStatus
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from campaigns.models import Campaign
from campaigns.tasks import notify_campaign_launched
from lib.retry import backoff
from tests.conftest import create_campaign, run_tasks
from tests.quality.mail_providers import ProviderDownBackend

pytestmark = pytest.mark.django_db

TASK_PATH = "campaigns.tasks.notify_campaign_launched"


def launch_rows():
    return DBTaskResult.objects.filter(task_path=TASK_PATH).order_by("enqueued_at")


# Email provider down ----------------------------------------------------------------------


@pytest.fixture
def provider_down(settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.quality.mail_providers.ProviderDownBackend"}}
    ProviderDownBackend.calls = 0

    def down_for(failures: int) -> None:
        ProviderDownBackend.failures_left = failures

    yield down_for
    ProviderDownBackend.failures_left = 0


def run_worker(capture) -> None:
    """Run the worker, then the task's on-commit callbacks (where the retry is enqueued)."""
    with capture(execute=True):
        run_tasks()


def test_launch_email_is_retried_with_backoff_until_the_provider_recovers(
    comms, provider_down, django_capture_on_commit_callbacks
):
    provider_down(2)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        campaign = create_campaign("outage")
        run_worker(django_capture_on_commit_callbacks)
        assert mail.outbox == []
        retry = launch_rows().filter(status=TaskResultStatus.READY).get()
        assert retry.run_after == start + backoff(1)
        assert retry.args_kwargs["kwargs"] == {"attempt": 2}
        # Not before its time.
        run_worker(django_capture_on_commit_callbacks)
        assert ProviderDownBackend.calls == 1

    with time_machine.travel(start + backoff(1), tick=False):
        run_worker(django_capture_on_commit_callbacks)
        assert ProviderDownBackend.calls == 2 and mail.outbox == []
        retry = launch_rows().filter(status=TaskResultStatus.READY).get()
        assert retry.run_after == start + backoff(1) + backoff(2)

    with time_machine.travel(start + backoff(1) + backoff(2), tick=False):
        run_worker(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [comms.email]
    campaign.refresh_from_db()
    assert campaign.launch_notified_at is not None

    # Later runs, or the same task enqueued again, send nothing more.
    with time_machine.travel(start + timedelta(days=1), tick=False):
        notify_campaign_launched.enqueue(campaign.pk)
        run_worker(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    assert not launch_rows().filter(status=TaskResultStatus.READY).exists()


def test_launch_email_gives_up_after_the_last_attempt(
    comms, provider_down, django_capture_on_commit_callbacks
):
    from lib.retry import MAX_ATTEMPTS

    provider_down(1000)
    start = timezone.now()
    create_campaign("never")
    elapsed = timedelta(0)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        with time_machine.travel(start + elapsed, tick=False):
            run_worker(django_capture_on_commit_callbacks)
        elapsed += backoff(attempt)
    assert ProviderDownBackend.calls == MAX_ATTEMPTS
    assert not launch_rows().filter(status=TaskResultStatus.READY).exists()
    assert mail.outbox == []


# Database unavailable -----------------------------------------------------------------------


@pytest.fixture
def database_down():
    """Every query on this connection fails as if the server had gone away."""

    def refuse(execute, sql, params, many, context):
        raise OperationalError("server closed the connection unexpectedly")

    with connection.execute_wrapper(refuse):
        yield


@pytest.fixture
def visitor():
    """A client that gets the error page, as a browser would, instead of the exception."""
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("url", ["/", "/c/refuse/", "/ar/c/refuse/", "/es/"])
def test_pages_answer_a_friendly_503_while_the_database_is_down(visitor, campaign, url):
    def refuse(*args):
        raise OperationalError("connection refused")

    with connection.execute_wrapper(refuse):
        response = visitor.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert "<h1>" in body and "Traceback" not in body and "OperationalError" not in body
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    if url.startswith("/ar/"):
        assert 'lang="ar" dir="rtl"' in body


def test_a_lost_connection_is_a_503_too(visitor, campaign):
    def lost(*args):
        raise InterfaceError("connection already closed")

    with connection.execute_wrapper(lost):
        assert visitor.get("/c/refuse/").status_code == 503


def test_healthz_says_503_while_the_database_is_down(visitor, database_down):
    response = visitor.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == {"ok": False, "error": "OperationalError"}
    assert response.json()["status"] == "unavailable"


def test_other_errors_stay_500(visitor, campaign):
    def broken(*args):
        raise ZeroDivisionError

    with connection.execute_wrapper(broken):
        response = visitor.get("/c/refuse/")
    assert response.status_code == 500
    assert "Traceback" not in response.content.decode()


def test_database_connections_are_pooled_or_health_checked(settings):
    """A broken connection never serves a request twice: PostgreSQL's pool drops it, and
    without a pool (SQLite) Django checks a reused connection first."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.postgresql":
        assert "pool" in db["OPTIONS"] and db["CONN_MAX_AGE"] == 0
    else:
        assert db["CONN_HEALTH_CHECKS"] is True


# Worker killed mid-task -----------------------------------------------------------------------


def kill_worker_mid_task() -> DBTaskResult:
    """What a killed worker leaves behind: its claimed row, RUNNING for ever."""
    row = launch_rows().filter(status=TaskResultStatus.READY).get()
    row.claim("killed-worker")
    return row


def test_sweeper_requeues_a_task_whose_worker_died_and_it_runs_once(comms):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        create_campaign("killed")
        row = kill_worker_mid_task()
        run_tasks()  # other workers leave a RUNNING row alone
        assert mail.outbox == []

    with time_machine.travel(start + timedelta(minutes=10), tick=False):
        call_command("requeue_stale_tasks", "--older-than", "15", stdout=None)
        row.refresh_from_db()
        assert row.status == TaskResultStatus.RUNNING, "too recent: it may still be running"

    with time_machine.travel(start + timedelta(minutes=20), tick=False):
        call_command("requeue_stale_tasks", "--older-than", "15")
        call_command("requeue_stale_tasks", "--older-than", "15")  # safe twice
        row.refresh_from_db()
        assert row.status == TaskResultStatus.READY
        run_tasks()
        row.refresh_from_db()
        assert row.status == TaskResultStatus.SUCCESSFUL
        assert row.worker_ids[0] == "killed-worker" and len(row.worker_ids) == 2
    assert len(mail.outbox) == 1


def test_a_starting_worker_requeues_what_a_killed_worker_left_running(comms, settings):
    settings.TASK_STALE_MINUTES = 10
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        create_campaign("restarted")
        row = kill_worker_mid_task()
    with time_machine.travel(start + timedelta(minutes=5), tick=False):
        run_tasks()  # a restart soon after: the task may still be running elsewhere
        row.refresh_from_db()
        assert row.status == TaskResultStatus.RUNNING
    with time_machine.travel(start + timedelta(minutes=11), tick=False):
        run_tasks()  # no cron needed: the starting worker requeues it and runs it
        row.refresh_from_db()
        assert row.status == TaskResultStatus.SUCCESSFUL
    assert len(mail.outbox) == 1


def test_a_task_killed_after_its_effect_does_not_repeat_it(comms):
    """The worker died after sending but before recording success: the rerun sends nothing."""
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        campaign = create_campaign("half-done")
        row = kill_worker_mid_task()
        notify_campaign_launched.call(campaign.pk)  # the effect happened
        assert len(mail.outbox) == 1
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        call_command("requeue_stale_tasks", "--older-than", "30")
        run_tasks()
    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL and row.return_value is False
    assert len(mail.outbox) == 1
    assert Campaign.objects.get(pk=campaign.pk).launch_notified_at is not None


def test_sweeper_rejects_a_nonsense_age():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("requeue_stale_tasks", "--older-than", "0")


def test_the_api_answers_a_database_outage_in_its_json_error_shape(visitor, campaign):
    def refuse(*args):
        raise OperationalError("connection refused")

    with connection.execute_wrapper(refuse):
        response = visitor.get("/api/v1/campaigns/refuse/progress/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["status"] == 503
    assert response["Retry-After"] == "30"


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_unknown_api_paths_answer_json_404_for_every_method(method):
    response = getattr(Client(enforce_csrf_checks=True), method)("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
