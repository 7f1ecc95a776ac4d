"""Public counts kept as tallies: writers leave change rows, the counting job adds them up.

Figures are read through the services and the public API, as partners read them; the tallies
must equal a true COUNT of the rows after any mix of confirmations, withdrawals, erasures,
concurrent writers, late commits and a reconcile.
"""

import logging
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from campaigns import counters
from campaigns.models import Tally, TallyChange
from campaigns.progress import compute_progress
from pledges import services
from pledges.models import Signature
from tests.conftest import create_campaign
from tests.pledges.conftest import sign, signed_and_confirmed
from tests.pledges.test_concurrency import postgres_only, run_together

pytestmark = pytest.mark.django_db

CONFIRMED = Signature.Status.CONFIRMED


def true_counts(campaign) -> dict[str, int]:
    rows = (
        Signature.objects.filter(campaign=campaign, status=CONFIRMED)
        .values_list("country")
        .annotate(n=Count("pk"))
        .values_list("country", "n")
    )
    return dict(rows)


def tallies(campaign) -> dict[str, int]:
    rows = Tally.objects.filter(campaign=campaign, figure="signatures", value__gt=0)
    return dict(rows.values_list("country", "value"))


def test_a_confirmation_counts_at_once_and_the_job_moves_it_into_the_tally(campaign):
    signed_and_confirmed(campaign, email="a@example.org", country="KE")
    signed_and_confirmed(campaign, email="b@example.org", country="KE")
    signed_and_confirmed(campaign, email="c@example.org", country="PS")
    sign(campaign, email="pending@example.org")  # not confirmed: not counted
    # Read before the job ran: the changes owed are added to the (empty) tally.
    assert compute_progress(campaign).signatures == 3
    assert counters.by_country(campaign.pk, "signatures") == {"KE": 2, "PS": 1}
    assert tallies(campaign) == {}

    result = counters.count()
    assert result.changes == 3
    assert not TallyChange.objects.exists()
    assert tallies(campaign) == {"KE": 2, "PS": 1} == true_counts(campaign)
    assert compute_progress(campaign).signatures == 3
    assert compute_progress(campaign).pending_signatures == 1
    assert counters.count().changes == 0  # nothing counted twice


def test_withdrawals_and_erasures_take_signatures_off_the_tally(campaign):
    first = signed_and_confirmed(campaign, email="a@example.org", country="KE")
    signed_and_confirmed(campaign, email="b@example.org", country="KE")
    other = create_campaign("other")
    signed_and_confirmed(other, email="b@example.org", country="KE")
    sign(campaign, email="c@example.org")  # pending: erasing it moves no tally
    counters.count()

    services.withdraw_signature(first.pk)
    services.withdraw_signature(first.pk)  # twice: taken off once
    services.erase_personal_data("b@example.org")
    services.erase_personal_data("c@example.org")
    assert counters.total(campaign.pk, "signatures") == 0
    counters.count()
    assert tallies(campaign) == {} == true_counts(campaign)
    assert tallies(other) == {} == true_counts(other)
    # Signing again after withdrawing and confirming counts again.
    again = sign(campaign, email="a@example.org", country="UG").signature
    services.confirm_signature(again.pk)
    counters.count()
    assert tallies(campaign) == {"UG": 1} == true_counts(campaign)


def test_the_public_api_and_the_signatory_list_read_the_tallies(client, campaign):
    for n, country in enumerate(["KE", "KE", "BR"]):
        signed_and_confirmed(campaign, email=f"s{n}@example.org", country=country)
    counters.count()
    progress = client.get(f"/api/v1/campaigns/{campaign.slug}/progress/").json()
    assert progress["total_signatures"] == 3
    page = client.get(f"/c/{campaign.slug}/signatories/").content.decode()
    assert "Kenya" in page and "Brazil" in page


def test_reconcile_fixes_drift_and_says_so(campaign, caplog):
    signed_and_confirmed(campaign, email="a@example.org", country="KE")
    signed_and_confirmed(campaign, email="b@example.org", country="KE")
    counters.count()
    Tally.objects.filter(campaign=campaign).update(value=7)  # drifted, e.g. a restored backup
    Tally.objects.create(campaign=campaign, figure="signatures", country="FR", value=2)
    signed_and_confirmed(campaign, email="c@example.org", country="KE")  # owed, not counted yet

    with caplog.at_level(logging.WARNING, logger="campaigns.counters"):
        drifts = counters.reconcile()
    assert sorted((d.country, d.held, d.true) for d in drifts) == [("FR", 2, 0), ("KE", 8, 3)]
    assert "counter drift fixed" in caplog.text
    assert counters.by_country(campaign.pk, "signatures") == {"KE": 3}
    counters.count()  # the change owed is counted once, on top of the corrected tally
    assert tallies(campaign) == {"KE": 3} == true_counts(campaign)
    assert counters.reconcile() == []


def test_reconcile_starts_tallies_for_rows_written_around_the_services(campaign):
    signature = sign(campaign, email="bulk@example.org", country="KE").signature
    # As a bulk load (COPY) writes them: confirmed, without the services.
    Signature.objects.filter(pk=signature.pk).update(status=CONFIRMED, confirmed_at=timezone.now())
    assert counters.total(campaign.pk, "signatures") == 0
    (drift,) = counters.reconcile()
    assert (drift.held, drift.true) == (0, 1)
    assert counters.total(campaign.pk, "signatures") == 1


def test_the_job_checks_goals_once_a_run_not_once_a_confirmation(db):
    small = create_campaign("small", signature_goal=100)

    def check_tasks() -> int:
        return DBTaskResult.objects.filter(task_path__endswith="check_goals").count()

    for n in range(3):
        signed_and_confirmed(small, email=f"s{n}@example.org")
    assert check_tasks() == 0
    counters.count()
    assert check_tasks() == 1
    counters.count()  # nothing moved since: no check
    assert check_tasks() == 1


def test_a_failed_confirmation_leaves_no_change_behind(campaign):
    signature = sign(campaign).signature
    with pytest.raises(RuntimeError), transaction.atomic():
        services.confirm_signature(signature.pk)
        raise RuntimeError
    assert not TallyChange.objects.exists()
    assert counters.total(campaign.pk, "signatures") == 0


def test_the_command_counts_and_reconciles(campaign, capsys):
    signed_and_confirmed(campaign, email="a@example.org", country="KE")
    call_command("count_figures", "--once")
    assert "counted 1 change(s)" in capsys.readouterr().out
    Tally.objects.filter(campaign=campaign).update(value=5)
    call_command("count_figures", "--reconcile")
    assert "1 drift(s) fixed" in capsys.readouterr().out
    assert tallies(campaign) == {"KE": 1}


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_confirmations_while_the_job_runs_leave_tally_equal_to_count():
    campaign = create_campaign("race")
    pending = [sign(campaign, email=f"r{n}@example.org", country="KE").signature for n in range(24)]
    queue = iter(pending)
    lock = threading.Lock()
    stop = threading.Event()

    def next_signature():
        with lock:
            return next(queue)

    def keep_counting():
        try:
            while not stop.is_set():
                counters.count()
        finally:
            connection.close()

    counter = threading.Thread(target=keep_counting)
    counter.start()
    try:
        # 8 threads, 3 confirmations each, while the job counts in a loop beside them.
        run_together(8, lambda: [services.confirm_signature(next_signature().pk) for _ in range(3)])
    finally:
        stop.set()
        counter.join(timeout=30)
    counters.count()
    assert tallies(campaign) == {"KE": 24} == true_counts(campaign)
    assert not TallyChange.objects.exists()
    assert counters.reconcile() == []


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_confirmation_committed_late_is_counted_on_the_next_run():
    campaign = create_campaign("late")
    early = sign(campaign, email="early@example.org").signature
    late = sign(campaign, email="late@example.org").signature
    services.confirm_signature(early.pk)
    inside, release = threading.Event(), threading.Event()

    def slow_confirmation():
        try:
            with transaction.atomic():
                services.confirm_signature(late.pk)
                inside.set()
                release.wait(timeout=10)  # still uncommitted while the job runs
        finally:
            connection.close()

    thread = threading.Thread(target=slow_confirmation)
    thread.start()
    assert inside.wait(timeout=10)
    assert counters.count().changes == 1  # only the committed one
    release.set()
    thread.join(timeout=10)
    assert counters.count().changes == 1  # the late one, on the next run
    assert tallies(campaign) == {"KE": 2} == true_counts(campaign)


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reconcile_while_people_confirm_counts_each_of_them_once():
    campaign = create_campaign("busy")
    # 20 threads at once: 5 reconcile, 15 confirm.
    pending = [sign(campaign, email=f"b{n}@example.org").signature for n in range(15)]
    queue = iter(pending)
    lock = threading.Lock()

    def confirm_next():
        with lock:
            signature = next(queue)
        services.confirm_signature(signature.pk)

    def reconcile_or_confirm(index: int):
        return counters.reconcile() if index % 4 == 0 else confirm_next()

    indexes = iter(range(20))
    index_lock = threading.Lock()

    def work():
        with index_lock:
            index = next(indexes)
        return reconcile_or_confirm(index)

    results = run_together(20, work)
    counters.count()
    assert tallies(campaign) == {"KE": 15} == true_counts(campaign)
    # No reconcile saw drift: each saw the rows and the changes in one snapshot.
    assert all(result in (None, []) for result in results)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_starts_the_tallies_from_the_rows():
    campaign = create_campaign("migrated")
    for n, country in enumerate(["KE", "KE", "PS"]):
        signed_and_confirmed(campaign, email=f"m{n}@example.org", country=country)
    sign(campaign, email="pending@example.org")
    executor = MigrationExecutor(connection)
    executor.migrate(
        [
            ("pledges", "0014_signature_public_list_index"),
            ("campaigns", "0006_fundraising_currency_is_real"),
        ]
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert tallies(campaign) == {"KE": 2, "PS": 1} == true_counts(campaign)
    assert not TallyChange.objects.exists()
    assert counters.reconcile() == []


def test_healthz_reports_a_stopped_counting_job(client, campaign):
    signed_and_confirmed(campaign)
    assert client.get("/healthz").json()["counters"]["ok"] is True
    TallyChange.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    body = client.get("/healthz").json()
    assert body["status"] == "degraded"
    assert body["counters"] == {"ok": False, "oldest_change_seconds": 300}
    counters.count()
    assert client.get("/healthz").json()["counters"]["oldest_change_seconds"] == 0
