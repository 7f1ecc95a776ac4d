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


BEFORE_GIVING_METHODS = [("donations", "0007_encrypt_existing_donors")]


def _finance_codenames() -> set[str]:
    from django.contrib.auth.models import Group

    from staff.roles import FINANCE

    return set(
        Group.objects.get(name=FINANCE)
        .permissions.filter(content_type__app_label="donations")
        .values_list("codename", flat=True)
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_giving_methods_migrate_back_and_forth_keeping_every_gift(stripe_keys, fundraiser):
    from donations.models import GivingMethod

    services.record_offline_gift(
        method=Donation.Method.BANK_TRANSFER,
        amount_minor=4200,
        currency="EUR",
        received_on=date(2026, 11, 2),
        campaign=fundraiser,
        by=None,
    )
    GivingMethod.objects.create(
        kind=GivingMethod.Kind.EMAIL, label="Write to us", email="finance@coalition.example"
    )
    before = _rows()
    assert {"add_givingmethod", "change_givingmethod"} <= _finance_codenames()
    assert "delete_givingmethod" not in _finance_codenames()

    _migrate(BEFORE_GIVING_METHODS)
    assert "donations_givingmethod" not in connection.introspection.table_names()
    assert "add_givingmethod" not in _finance_codenames()
    assert "add_offlinegift" in _finance_codenames()  # the older grants stay

    _migrate("head")
    assert _rows() == before
    assert not GivingMethod.objects.exists()  # Finance sets them again: nothing is guessed
    assert {"add_givingmethod", "change_givingmethod", "view_givingmethod"} <= (
        _finance_codenames()
    )
