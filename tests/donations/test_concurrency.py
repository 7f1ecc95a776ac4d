"""Races only a real database with real connections shows: one offline-gift form posted by
several requests at the same moment records one gift (issue "Hardening", finding 3)."""

import threading
import uuid
from datetime import date

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from donations import services
from donations.models import Donation
from tests.conftest import verified_login
from tests.donations.conftest import submission_key
from tests.donations.test_offline_gifts import ADD, GIFT

postgres_only = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL: SQLite serialises writers, so there is no race to test",
)
transactional = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run_together(count: int, func) -> tuple[list, list]:
    """Run `func` in `count` threads, each with its own connection, at once: (results, errors)."""
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list = []

    def worker(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = func()
        except Exception as exc:  # collected for the test to look at
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results, errors


@postgres_only
@transactional
def test_simultaneous_posts_of_one_form_record_one_gift(finance):
    client = verified_login(Client(), finance)
    key = submission_key(client.get(ADD))
    cookies = client.cookies

    def post():
        # One browser, several requests in flight: each its own client, the same session.
        thread_client = Client()
        thread_client.cookies = cookies
        return thread_client.post(ADD, {**GIFT, "submission_key": key})

    responses, errors = run_together(4, post)

    assert not errors, errors
    assert [r.status_code for r in responses] == [302] * 4
    gift = Donation.objects.get()
    assert gift.idempotency_key == uuid.UUID(key)
    shown = sorted(r["Location"] for r in responses)
    change = f"/staff/admin/donations/offlinegift/{gift.pk}/change/"
    assert shown.count(change) == 3  # the repeats show the gift the first one recorded


@postgres_only
@transactional
def test_simultaneous_service_calls_with_one_key_record_one_gift(db):
    key = uuid.uuid4()

    def record():
        return services.record_offline_gift(
            method=Donation.Method.CASH,
            amount_minor=2000,
            currency="EUR",
            received_on=date(2026, 11, 2),
            by=None,
            idempotency_key=key,
        )

    results, errors = run_together(6, record)

    gift = Donation.objects.get()
    assert [r for r in results if r is not None] == [gift]
    assert len(errors) == 5
    assert all(isinstance(e, services.GiftAlreadyRecorded) for e in errors), errors
    assert {e.gift for e in errors} == {gift}
