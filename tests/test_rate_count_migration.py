"""Rate limits moved from a log of attempts to fixed-window counters (pledges 0016): the last
hour of the log becomes counts per window, domains keyed as their hash, and the migration runs
backwards (the log comes back empty) and forwards again."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from lib.hashing import keyed_hash
from lib.mailboxes import email_hash
from pledges.models import RateCount

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("pledges", "0015_signature_tallies")]
NOW = datetime(2026, 12, 1, 14, 20, tzinfo=UTC)
THIS_HOUR, LAST_HOUR = datetime(2026, 12, 1, 14, tzinfo=UTC), datetime(2026, 12, 1, 13, tzinfo=UTC)


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    if targets == "head":
        targets = executor.loader.graph.leaf_nodes()
    executor.migrate(targets)


def _tables() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def test_the_last_hour_of_attempts_becomes_counts_per_window_both_ways():
    _migrate(BEFORE)
    old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    Attempt = old.get_model("pledges", "SigningAttempt")
    kofi, amina = email_hash("kofi@bulk.example"), email_hash("amina@gmail.com")
    attempts = [
        (kofi, "bulk.example", "office", NOW - timedelta(minutes=m)) for m in (1, 5, 10)
    ] + [
        (kofi, "bulk.example", "office", NOW - timedelta(minutes=50)),  # 13:30: last window
        (kofi, "bulk.example", "office", NOW - timedelta(minutes=70)),  # over an hour: gone
        (amina, "gmail.com", "", NOW - timedelta(minutes=2)),  # no IP address known
    ]
    Attempt.objects.bulk_create(
        [
            Attempt(email_hash=e, email_domain=d, ip_hash=ip, created_at=at)
            for e, d, ip, at in attempts
        ]
    )

    with time_machine.travel(NOW, tick=False):
        _migrate("head")

    assert "pledges_signingattempt" not in _tables()
    bulk, gmail = (
        keyed_hash("bulk.example", purpose="domain"),
        keyed_hash("gmail.com", purpose="domain"),
    )
    assert {(r.scope, r.key, r.window_start): r.count for r in RateCount.objects.all()} == {
        ("email", kofi, THIS_HOUR): 3,
        ("domain", bulk, THIS_HOUR): 3,
        ("ip", "office", THIS_HOUR): 3,
        ("email", kofi, LAST_HOUR): 1,
        ("domain", bulk, LAST_HOUR): 1,
        ("ip", "office", LAST_HOUR): 1,
        ("email", amina, THIS_HOUR): 1,
        ("domain", gmail, THIS_HOUR): 1,
    }
    assert not RateCount.objects.filter(key__contains=".example").exists()  # no plain domain

    _migrate(BEFORE)  # backwards: the log's table again, empty; the counters' table gone
    tables = _tables()
    assert "pledges_signingattempt" in tables and "pledges_ratecount" not in tables
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pledges_signingattempt")
        assert cursor.fetchone() == (0,)

    _migrate("head")
    assert "pledges_ratecount" in _tables() and not RateCount.objects.exists()
