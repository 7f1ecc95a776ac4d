"""Races that only a real database with real connections can show."""

import threading

import pytest
from django.conf import settings
from django.db import connection

from pledges.models import Organisation, OrgPledge, Signature, StatementVersion
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
    results = run_together(
        32,
        lambda: services.sign(campaign, signature_data(email=spellings[threading.get_ident() % 3])),
    )
    assert Signature.objects.filter(campaign=campaign).count() == 1
    emails = PledgeEmail.objects.filter(kind="signature-confirm").count()
    assert emails == 5
    assert sum(r.outcome in ("new", "resent") for r in results) == 5
