"""Signatures gain a channel and a phone hash (pledges 0019), with rows in the table: existing
signatures come through as web signatures with every dedupe rule intact, phone signatures made
at the head survive a trip back to 0018 (the old one-per-mailbox rule) and forward again."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from campaigns import counters
from lib.mailboxes import email_hash
from pledges import services
from pledges.models import Signature
from tests.conftest import create_campaign
from tests.pledges.phone_payloads import AMINA, KOFI

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="migrations are checked on PG"),
]

BEFORE = [("pledges", "0018_sign_intake_submissions")]


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    if targets == "head":
        targets = executor.loader.graph.leaf_nodes()
    executor.migrate(targets)


def _old_models():
    return MigrationExecutor(connection).loader.project_state(BEFORE).apps


def test_existing_signatures_become_web_signatures_and_phone_ones_go_back_and_forth():
    campaign = create_campaign("refuse")
    _migrate(BEFORE)
    OldSignature = _old_models().get_model("pledges", "Signature")
    for n in range(3):
        OldSignature.objects.create(
            campaign_id=campaign.pk,
            status="confirmed" if n else "pending",
            confirmed_at="2026-11-30T10:00:00Z" if n else None,
            name="",
            email="",
            email_hash=email_hash(f"signer{n}@example.org"),
            country="KE",
            language="en",
        )

    _migrate("head")
    rows = list(Signature.objects.order_by("pk").values_list("channel", "phone_hash"))
    assert rows == [("web", "")] * 3
    # The mailbox rule still holds for them.
    with pytest.raises(IntegrityError), transaction.atomic():
        Signature.objects.create(
            campaign=campaign, email_hash=email_hash("signer1@example.org"), country="KE",
            language="en", name="",
        )  # fmt: skip
    # Phone signatures: no mailbox, one per number.
    for number in (AMINA, KOFI):
        services.sign_by_phone(
            campaign, phone=number, name="A", country="KE", language="en", channel="ussd"
        )
    phone_rows = Signature.objects.exclude(phone_hash="")
    assert set(phone_rows.values_list("email_hash", flat=True)) == {""}
    hashes = dict(phone_rows.values_list("pk", "phone_hash"))

    _migrate(BEFORE)  # the old rule: unique (campaign, email_hash) for every row
    old = _old_models().get_model("pledges", "Signature")
    assert old.objects.count() == 5
    stand_ins = {old.objects.get(pk=pk).email_hash for pk in hashes}
    assert len(stand_ins) == 2 and all(h.startswith("phone:ussd:") for h in stand_ins)

    _migrate("head")
    assert Signature.objects.count() == 5
    for pk, phone_hash in hashes.items():
        signature = Signature.objects.get(pk=pk)
        assert (signature.email_hash, signature.phone_hash) == ("", phone_hash)
        assert signature.channel == "ussd"
    assert Signature.objects.filter(channel="web").count() == 3
    # Still one signature per number.
    again = services.sign_by_phone(
        campaign, phone=AMINA, name="A", country="KE", language="en", channel="sms"
    )
    assert again.outcome == "already-signed"
    # Rows written by the old models moved no tally; the nightly recount counts every
    # confirmed row, by phone or not: 2 confirmed web signatures and 2 phone ones.
    assert counters.total(campaign.pk, "signatures") == 2
    counters.reconcile()
    assert counters.total(campaign.pk, "signatures") == 2 + 2
