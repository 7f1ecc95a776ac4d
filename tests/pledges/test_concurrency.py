"""Races that only a real database with real connections can show."""

import threading

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from lib.hashing import keyed_hash
from lib.mailboxes import email_hash
from pledges.abuse import Client, record_attempt
from pledges.models import Organisation, OrgPledge, RateCount, Signature, StatementVersion
from tests.conftest import create_campaign
from tests.pledges.conftest import org_data, signature_data

postgres_only = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL: SQLite serialises writers, so there is no race to test",
)


def run_together(count: int, func) -> list:
    """Run `func` in `count` threads, each with its own database connection, at once."""
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list = []

    def worker(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = func()
        except Exception as exc:  # collected and re-raised in the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return results


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_signatures_with_the_same_email_leave_one_row():
    from pledges import services

    campaign = create_campaign("race")
    results = run_together(
        4, lambda: services.sign(campaign, signature_data(email="Same@Example.org"))
    )
    assert Signature.objects.filter(campaign=campaign).count() == 1
    assert sorted(r.outcome for r in results) == ["new", "resent", "resent", "resent"]
    assert StatementVersion.objects.filter(campaign=campaign).count() == 1


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_sign_ons_of_one_organisation_leave_one_record():
    from pledges import services

    campaign = create_campaign("race")
    run_together(3, lambda: services.sign_on(campaign, org_data()))
    assert OrgPledge.objects.filter(campaign=campaign).count() == 1
    assert Organisation.objects.count() == 0  # a record only once the contact confirms


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_contacts_of_one_new_organisation_confirming_at_once_leave_one_record():
    from pledges import contact, services

    campaign = create_campaign("race")
    pledges = [
        services.sign_on(campaign, org_data(contact_email=f"c{n}@redcomunitaria.example")).pledge
        for n in range(3)
    ]
    queue = iter(pledges)
    results = run_together(3, lambda: contact.confirm_contact(next(queue)))
    assert Organisation.objects.count() == 1
    assert OrgPledge.objects.filter(campaign=campaign).count() == 1
    # Each confirmer sees the page of a confirmed sign-on: nobody learns they were not first.
    assert [outcome for _pledge, outcome in results] == ["confirmed"] * 3


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_racing_signs_of_one_mailbox_send_no_more_emails_than_the_limit():
    """32 simultaneous submissions of one address: the per-email limit (5 an hour) holds,
    aliases of the mailbox included."""
    from pledges import services
    from pledges.models import PledgeEmail

    campaign = create_campaign("flood")
    spellings = ["amina.yusuf@gmail.com", "aminayusuf+x@googlemail.com", "AminaYusuf@gmail.com"]
    now = timezone.now()  # one rate-limit window for all, even at the turn of an hour
    results = run_together(
        32,
        lambda: services.sign(
            campaign, signature_data(email=spellings[threading.get_ident() % 3]), now=now
        ),
    )
    (signature,) = Signature.objects.filter(campaign=campaign)
    emails = PledgeEmail.objects.filter(kind="signature-confirm").count()
    # The counters are taken before the signing transaction: the attempts under the limit
    # (the first five counted) all get a link, unless an attempt over it won the INSERT
    # first; then the row is suspect and nobody gets one. Never more than five.
    assert emails == (5 if signature.status == Signature.Status.PENDING else 0)
    assert signature.status in (Signature.Status.PENDING, Signature.Status.SUSPECT)
    assert sum(r.outcome in ("new", "resent") for r in results) == emails
    assert RateCount.objects.get(scope="email").count == 32


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_racing_attempts_of_one_address_each_get_their_own_count():
    """The upsert's row lock orders them: 24 at once count 1…24 on each counter, and exactly
    those past the per-email limit (5 an hour) are over it."""
    now = timezone.now()
    results = run_together(
        24, lambda: record_attempt(Client(ip_hash="office"), "Kofi@Bulk.example", now=now)
    )
    assert sorted(results) == [False] * 5 + [True] * 19
    assert dict(RateCount.objects.values_list("scope", "count")) == {
        "email": 24,
        "domain": 24,
        "ip": 24,
    }
    assert set(RateCount.objects.values_list("key", flat=True)) == {
        email_hash("kofi@bulk.example"),
        keyed_hash("bulk.example", purpose="domain"),
        "office",
    }


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_racing_signers_of_one_mailbox_leave_one_row_without_a_savepoint(settings):
    """Eight at once through the snapshot's path (a known statement version): one INSERT
    wins, the others wait for it and answer as repeat signings."""
    from pledges import services

    settings.PLEDGE_RATE_LIMITS = {"email": (100, 3600)}  # which attempt inserts is luck
    campaign = create_campaign("race")
    version = services.record_statement_version(campaign)
    results = run_together(
        8,
        lambda: services.sign(
            campaign,
            signature_data(email="same@example.org"),
            statement_version_id=version.pk,
            client=Client(ip_hash=f"ip-{threading.get_ident()}"),
        ),
    )
    (signature,) = Signature.objects.filter(campaign=campaign)
    assert signature.statement_version == version
    assert sorted(r.outcome for r in results) == ["new"] + ["resent"] * 7
    assert all(r.signature.pk == signature.pk for r in results)
