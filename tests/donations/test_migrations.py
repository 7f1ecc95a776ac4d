"""The hardening migration keeps every stored donation and Stripe event, back and forth."""

import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from donations import services
from donations.models import Donation, ExchangeRate, StripeEvent
from tests.donations.conftest import pending_donation
from tests.donations.stripe_events import post_event, session_completed, session_expired

BEFORE = [("donations", "0004_donation_partner_moved")]


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    if targets == "head":
        targets = executor.loader.graph.leaf_nodes()
    executor.migrate(targets)


def _columns(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return {c.name for c in connection.introspection.get_table_description(cursor, table)}


def _rows() -> dict:
    return {
        "donations": sorted(
            Donation.objects.values_list("pk", "status", "amount_minor", "currency", "method")
        ),
        "events": sorted(StripeEvent.objects.values_list("event_id", "type", "outcome")),
        "rates": sorted(ExchangeRate.objects.values_list("base", "quote", "rate")),
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_hardening_migration_keeps_rows_both_ways(client, stripe_keys, fundraiser):
    paid = pending_donation(fundraiser, amount_minor=2500)
    post_event(client, session_completed(paid))
    post_event(client, session_expired(paid, event_id="evt_refused"))
    key = uuid.uuid4()
    services.record_offline_gift(
        method=Donation.Method.CASH,
        amount_minor=1000,
        currency="EUR",
        received_on=date(2026, 11, 2),
        by=None,
        idempotency_key=key,
    )
    ExchangeRate.objects.create(
        base="USD", quote="EUR", rate=Decimal("0.9"), valid_from=date(2026, 1, 1)
    )
    before = _rows()
    assert StripeEvent.objects.get(event_id="evt_refused").reason

    _migrate(BEFORE)
    assert "reason" not in _columns("donations_stripeevent")
    assert "idempotency_key" not in _columns("donations_donation")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM donations_donation")
        assert cursor.fetchone()[0] == len(before["donations"])
        cursor.execute("SELECT count(*) FROM donations_stripeevent")
        assert cursor.fetchone()[0] == len(before["events"])

    _migrate("head")
    assert _rows() == before
    # The new columns come back empty: no key on old gifts, no reason on old events.
    assert not Donation.objects.filter(idempotency_key__isnull=False).exists()
    assert set(StripeEvent.objects.values_list("reason", flat=True)) == {""}
    # And the constraint is there again: a key records one gift.
    services.record_offline_gift(
        method=Donation.Method.CASH,
        amount_minor=1000,
        currency="EUR",
        received_on=date(2026, 11, 2),
        by=None,
        idempotency_key=key,
    )
    with pytest.raises(services.GiftAlreadyRecorded):
        services.record_offline_gift(
            method=Donation.Method.CASH,
            amount_minor=1000,
            currency="EUR",
            received_on=date(2026, 11, 2),
            by=None,
            idempotency_key=key,
        )
