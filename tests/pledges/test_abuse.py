"""Rate limits as fixed-window counters (pledges/abuse.py): one statement per submission,
keyed hashes only, purged after a day, erased with the mailbox."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from lib.hashing import keyed_hash
from lib.mailboxes import email_hash
from pledges import services
from pledges.abuse import Client, record_attempt, window_start
from pledges.models import RateCount
from tests.pledges.conftest import sign, signature_data

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 1, 13, 42, 7, tzinfo=UTC)


def counts() -> dict[tuple[str, str], int]:
    return {(r.scope, r.key): r.count for r in RateCount.objects.all()}


def test_a_window_starts_at_the_epoch_floored_to_its_length():
    assert window_start(NOW, 3600) == datetime(2026, 12, 1, 13, 0, tzinfo=UTC)
    assert window_start(NOW, 600) == datetime(2026, 12, 1, 13, 40, tzinfo=UTC)
    assert window_start(NOW, 86400) == datetime(2026, 12, 1, tzinfo=UTC)
    epoch = int(NOW.timestamp())
    assert window_start(NOW, 7).timestamp() == epoch // 7 * 7


def test_one_statement_counts_the_mailbox_its_domain_and_the_address(
    django_assert_num_queries,
):
    with django_assert_num_queries(1):
        assert not record_attempt(Client(ip_hash="ip-1"), "Kofi@Bulk.example", now=NOW)
    assert counts() == {
        ("email", email_hash("kofi@bulk.example")): 1,
        ("domain", keyed_hash("bulk.example", purpose="domain")): 1,
        ("ip", "ip-1"): 1,
    }
    assert set(RateCount.objects.values_list("window_start", flat=True)) == {
        datetime(2026, 12, 1, 13, 0, tzinfo=UTC)
    }


def test_no_domain_or_address_is_stored_in_plain_text():
    record_attempt(Client(ip_hash=keyed_hash("192.0.2.7", purpose="ip")), "a@bulk.example", now=NOW)
    stored = " ".join(RateCount.objects.values_list("key", flat=True))
    assert "bulk.example" not in stored and "192.0.2.7" not in stored
    assert all(len(key) == 64 for key in RateCount.objects.values_list("key", flat=True))


def test_shared_mail_providers_and_a_missing_address_are_not_counted():
    record_attempt(Client(), "amina@gmail.com", now=NOW)
    assert [scope for scope, _key in counts()] == ["email"]


def test_aliases_of_one_mailbox_add_to_one_counter():
    for spelling in ["amina.yusuf@gmail.com", "AminaYusuf+x@googlemail.com"]:
        record_attempt(Client(), spelling, now=NOW)
    assert counts() == {("email", email_hash("aminayusuf@gmail.com")): 2}


def test_over_the_limit_once_a_count_passes_its_scope_limit(rate_limits):
    # rate_limits: 3 per email, 5 per domain, 3 per IP an hour.
    over = [record_attempt(Client(), "kofi@bulk.example", now=NOW) for _ in range(4)]
    assert over == [False, False, False, True]
    over = [record_attempt(Client(), f"u{n}@bulk.example", now=NOW) for n in range(2)]
    assert over == [False, True]  # the domain's 5th and 6th
    over = [
        record_attempt(Client(ip_hash="office"), f"p{n}@p{n}.example", now=NOW) for n in range(4)
    ]
    assert over == [False, False, False, True]


def test_a_new_window_starts_from_nothing(rate_limits):
    for _ in range(3):
        record_attempt(Client(), "kofi@bulk.example", now=NOW)
    assert record_attempt(Client(), "kofi@bulk.example", now=NOW.replace(minute=59, second=59))
    assert not record_attempt(Client(), "kofi@bulk.example", now=NOW.replace(hour=14, minute=0))
    assert RateCount.objects.filter(scope="email").count() == 2


def test_each_scope_keeps_its_own_window(settings):
    settings.PLEDGE_RATE_LIMITS = {"email": (5, 600), "ip": (60, 86400)}
    record_attempt(Client(ip_hash="office"), "kofi@bulk.example", now=NOW)
    starts = dict(RateCount.objects.values_list("scope", "window_start"))
    assert starts == {
        "email": datetime(2026, 12, 1, 13, 40, tzinfo=UTC),
        "domain": datetime(2026, 12, 1, 13, 0, tzinfo=UTC),
        "ip": datetime(2026, 12, 1, tzinfo=UTC),
    }


def test_a_signature_that_fails_was_still_an_attempt(campaign):
    with pytest.raises(ValidationError):
        services.sign(campaign, signature_data(name="x" * 500))
    assert counts()[("email", email_hash("amina@example.org"))] == 1
    assert not campaign.signatures.exists()


def test_purge_removes_windows_older_than_a_day_only(campaign):
    now = datetime.now(UTC)
    for moment in (now - timedelta(days=3), now - timedelta(hours=25), now):
        record_attempt(Client(ip_hash="office"), "kofi@bulk.example", now=moment)
    services.purge_unconfirmed(now=now)
    assert set(RateCount.objects.values_list("window_start", flat=True)) == {
        window_start(now, 3600)
    }
    assert RateCount.objects.count() == 3  # this hour's email, domain and IP counters


def test_purge_keeps_a_window_longer_than_a_day_while_it_lasts(settings):
    settings.PLEDGE_RATE_LIMITS = {"ip": (1000, 7 * 86400)}
    # Weeks start on Thursdays (as 1 January 1970 did): 3 December 2026 is one.
    thursday = datetime(2026, 12, 3, tzinfo=UTC)
    record_attempt(Client(ip_hash="office"), "kofi@bulk.example", now=thursday + timedelta(days=1))
    services.purge_unconfirmed(now=thursday + timedelta(days=3))
    assert list(RateCount.objects.values_list("scope", flat=True)) == ["ip"]
    services.purge_unconfirmed(now=thursday + timedelta(days=7, seconds=1))
    assert not RateCount.objects.exists()


def test_erasure_removes_the_mailboxs_counters_and_no_one_elses(campaign):
    sign(campaign, email="gone@bulk.example", ip="office")
    sign(campaign, email="stays@bulk.example", ip="office")
    services.erase_personal_data("Gone+x@bulk.example")
    assert counts() == {
        ("email", email_hash("stays@bulk.example")): 1,
        ("domain", keyed_hash("bulk.example", purpose="domain")): 2,
        ("ip", "office"): 2,
    }
