"""Encrypting the personal data already stored keeps every row and every value, both ways.

The database is migrated back to the last migrations before encryption at rest, filled the
way it was then (100,000 signatures in plain text, with sign-ons, commitment pledges,
donations, Stripe events and webhook deliveries naming people), then migrated forwards:
nothing is lost, the public list is the same, nothing readable is left of an email address
or an unlisted name, and the models read back what was stored. Backwards gives back the plain
values exactly; forwards again leaves the database at the latest state for the other tests.
"""

import json
import time

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from commitments.models import CommitmentPledge
from donations.models import Donation, StripeEvent
from lib.encryption import check_keys_open_stored_data, is_token
from lib.mailboxes import email_hash
from partners import services as partner_services
from partners.models import EventType, Partner, WebhookDelivery
from pledges.models import OrgPledge, Signature
from pledges.queries import public_signatures
from tests.commitments.helpers import create_drive
from tests.conftest import create_campaign
from tests.donations.stripe_events import charge_refunded, session_completed
from tests.quality.dump import columns_containing

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="encrypting 100,000 stored signatures in place is checked on PostgreSQL "
        "(run with DATABASE_URL=postgres://…, as CI does)",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# The last migration of each app before encryption at rest.
BEFORE = [
    ("pledges", "0011_hash_existing_contacts"),
    ("commitments", "0004_hash_existing_contacts"),
    ("donations", "0005_stripe_event_reason_gift_idempotency_key"),
    ("partners", "0001_partners_moved_in"),
]
SIGNATURES = 100_000
# Every person's address is at one of these domains, every name carries one of these marks:
# a search of every column for them finds what is left in plain text.
DOMAINS = ["@signers.example.org", "@contacts.example.org", "@donors.example.org"]
# (A space first: no Fernet token holds one, so a token can never match by chance.)
NAME_MARKS = [" Signer-", " Contact-", " Donor-"]
# Who may still be found in plain text: signers listed on the public page, by choice.
PUBLIC_COLUMN = "pledges_signature.listed_name"

# (table, encrypted columns) as stored after the migration.
ENCRYPTED = {
    "pledges_signature": ["name", "email"],
    "pledges_orgpledge": ["contact_name", "contact_email"],
    "commitments_commitmentpledge": ["contact_name", "contact_email"],
    "donations_donation": ["donor_name", "email"],
    "partners_webhookdelivery": ["payload"],
}
TABLES = [*ENCRYPTED, "donations_stripeevent"]

# Statuses by `i % 10`: two pending, six confirmed, one suspect, one withdrawn (after being
# confirmed). Listed when `i % 3 != 0`, updates wanted when `i % 4 == 0`; names in several
# scripts, quotes and an emoji; ten signatures whose address was never stored.
INSERT_SIGNATURES = """
INSERT INTO pledges_signature (
    campaign_id, status, name, email, email_hash, alias_duplicate, country, affiliation,
    language, show_publicly, updates_consent, ip_hash, created_at, confirmed_at, withdrawn_at,
    reminders_sent, shared_with_partner
)
SELECT
    %(campaign)s,
    CASE i %% 10 WHEN 0 THEN 'pending' WHEN 1 THEN 'pending' WHEN 8 THEN 'suspect'
        WHEN 9 THEN 'withdrawn' ELSE 'confirmed' END,
    (ARRAY['Amina', 'Zoë', 'Ōkubo', 'O''Brien "Bob"', 'علي', 'Nguyễn 🌍'])[1 + i %% 6]
        || ' Signer-' || i,
    CASE WHEN i %% 10000 = 7 THEN '' ELSE 'person.' || i || '@signers.example.org' END,
    encode(sha256(('signature ' || i)::bytea), 'hex'),
    false,
    (ARRAY['KE', 'PS', 'FR', 'BR'])[1 + i %% 4],
    CASE WHEN i %% 7 = 0 THEN 'Union ' || (i %% 50) ELSE '' END,
    (ARRAY['en', 'es', 'fr', 'ar', 'pt'])[1 + i %% 5],
    i %% 3 <> 0,
    i %% 4 = 0,
    '',
    now() - interval '3 days',
    CASE WHEN i %% 10 NOT IN (0, 1, 8) THEN now() - interval '2 days' END,
    CASE WHEN i %% 10 = 9 THEN now() - interval '1 day' END,
    0,
    false
FROM generate_series(1, %(count)s) AS i
"""


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    if targets == "head":
        targets = executor.loader.graph.leaf_nodes()
    executor.migrate(targets)


def _old_models():
    return MigrationExecutor(connection).loader.project_state(BEFORE).apps


def _fetch(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _plain_rows() -> dict[str, list[tuple]]:
    """What the tables hold, read with SQL (no model field decrypts anything)."""
    return {
        "signatures": _fetch(
            "SELECT id, status, name, email, email_hash, show_publicly, updates_consent "
            "FROM pledges_signature ORDER BY id"
        ),
        "org_pledges": _fetch(
            "SELECT id, status, contact_name, contact_email, contact_email_hash "
            "FROM pledges_orgpledge ORDER BY id"
        ),
        "commitment_pledges": _fetch(
            "SELECT id, status, contact_name, contact_email, contact_email_hash "
            "FROM commitments_commitmentpledge ORDER BY id"
        ),
        "donations": _fetch(
            "SELECT id, status, donor_name, email FROM donations_donation ORDER BY id"
        ),
        "deliveries": [
            (pk, json.loads(payload))
            for pk, payload in _fetch(
                "SELECT id, payload FROM partners_webhookdelivery ORDER BY id"
            )
        ],
    }


def _counts() -> dict[str, int]:
    return {table: _fetch(f"SELECT count(*) FROM {table}")[0][0] for table in TABLES}  # noqa: S608


def _status_counts() -> list[tuple]:
    return _fetch("SELECT status, count(*) FROM pledges_signature GROUP BY status ORDER BY status")


def _fill_old_database(campaign, drive, subscription) -> dict:
    """Rows as the code before encryption stored them, in plain text."""
    with connection.cursor() as cursor:
        cursor.execute(INSERT_SIGNATURES, {"campaign": campaign.pk, "count": SIGNATURES})
    old = _old_models()
    for number, status in enumerate(["unconfirmed", "awaiting_moderation", "approved"]):
        old.get_model("pledges", "OrgPledge").objects.create(
            campaign_id=campaign.pk,
            status=status,
            contact_name=f"Luz Pérez Contact-{number}",
            contact_email=f"luz.{number}@contacts.example.org",
            contact_email_hash=email_hash(f"luz.{number}@contacts.example.org"),
            contact_language="es",
        )
    for number, status in enumerate(["awaiting_moderation", "approved"]):
        old.get_model("commitments", "CommitmentPledge").objects.create(
            campaign_id=drive.pk,
            status=status,
            contact_name=f"Kofi Mensah Contact-c{number}",
            contact_email=f"kofi.{number}@contacts.example.org",
            contact_email_hash=email_hash(f"kofi.{number}@contacts.example.org"),
            contact_language="en",
        )
    OldDonation = old.get_model("donations", "Donation")
    paid = OldDonation.objects.create(
        amount_minor=2500,
        currency="EUR",
        status="succeeded",
        donor_name="Dana Donor-1",
        email="Dana.Donor+gift@donors.example.org",
    )
    OldDonation.objects.create(
        amount_minor=1000,
        currency="EUR",
        status="pending",
        donor_name="",
        email="anon.giver@donors.example.org",
    )
    OldDonation.objects.create(
        method="cash",
        amount_minor=5000,
        currency="EUR",
        status="succeeded",
        donor_name="Bank Giver Donor-3",
        email="",
    )
    checkout = json.loads(session_completed(paid))
    checkout["data"]["object"]["customer_details"].update(
        email="dana.donor+gift@donors.example.org", name="Dana Donor-1"
    )
    refund = json.loads(charge_refunded(payment_intent=f"pi_{paid.pk}", amount=2500, refunded=500))
    refund["data"]["object"].update(
        receipt_email="dana.donor+gift@donors.example.org",
        billing_details={"email": "dana.donor+gift@donors.example.org", "name": "Dana Donor-1"},
    )
    OldStripeEvent = old.get_model("donations", "StripeEvent")
    for event, outcome in [(checkout, "applied"), (refund, "applied")]:
        OldStripeEvent.objects.create(
            event_id=event["id"], type=event["type"], payload=event, outcome=outcome
        )
    signer_email = "person.2@signers.example.org"  # signature 2: confirmed, listed
    OldDelivery = old.get_model("partners", "WebhookDelivery")
    OldDelivery.objects.create(
        subscription_id=subscription.pk,
        event_type=EventType.SIGNATURE_CONFIRMED,
        payload={
            "id": "7d1c9d2e-0000-4000-8000-000000000001",
            "type": EventType.SIGNATURE_CONFIRMED,
            "campaign": campaign.slug,
            "data": {
                "shared_with_partner": True,
                "signer": {
                    "id": 2,
                    "name": "Ōkubo Signer-2",
                    "email": signer_email,
                    "country": "PS",
                    "language": "ar",
                },
            },
        },
    )
    OldDelivery.objects.create(
        subscription_id=subscription.pk,
        event_type=EventType.GOAL_REACHED,
        payload={"type": EventType.GOAL_REACHED, "data": {"figure": "signatures"}},
        status="succeeded",
        delivered_at=campaign.created_at,
    )
    return {"signer_email": signer_email}


class Clock:
    """Wall time of each phase, printed at the end (`pytest -s`) to watch the budget."""

    def __init__(self):
        self.started = self.last = time.monotonic()
        self.phases: list[str] = []

    def lap(self, phase: str) -> None:
        now = time.monotonic()
        self.phases.append(f"{phase} {now - self.last:.1f}s")
        self.last = now

    def report(self) -> str:
        return f"{', '.join(self.phases)}; total {time.monotonic() - self.started:.1f}s"


def test_encrypting_stored_personal_data_keeps_every_row_and_value_both_ways():
    clock = Clock()
    campaign = create_campaign(slug="encrypt-me")
    drive = create_drive("encrypt-drive")
    partner = Partner.objects.create(name="Ally", ref="ally")
    subscription = partner_services.subscribe_webhook(
        partner,
        url="https://hooks.example.org/in",
        events=[EventType.SIGNATURE_CONFIRMED, EventType.GOAL_REACHED],
    )

    _migrate(BEFORE)
    clock.lap("back")
    known = _fill_old_database(campaign, drive, subscription)
    plain = _plain_rows()
    counts = _counts()
    statuses = _status_counts()
    assert counts["pledges_signature"] == SIGNATURES
    assert {status for status, _ in statuses} == {"pending", "confirmed", "suspect", "withdrawn"}
    public = _fetch(
        "SELECT id, name FROM pledges_signature "
        "WHERE campaign_id = %s AND status = 'confirmed' AND show_publicly ORDER BY id",
        [campaign.pk],
    )
    assert len(public) == SIGNATURES * 4 // 10  # six in ten confirmed, two in three listed
    by_id = {row[0]: row for row in plain["signatures"]}
    assert any(
        "dana.donor" in p for (p,) in _fetch("SELECT payload::text FROM donations_stripeevent")
    )
    clock.lap("fill")

    _migrate("head")
    ContentType.objects.clear_cache()
    clock.lap("forwards")

    # Nothing lost, nothing moved.
    assert _counts() == counts
    assert _status_counts() == statuses
    listed_now = public_signatures(campaign).order_by("id").values_list("id", "listed_name")
    assert list(listed_now) == public
    # A name is kept in plain text only for a confirmed signer who chose to be listed (the
    # services fill it on confirmation and blank it on withdrawal; the migration agrees).
    listed = _fetch("SELECT id, listed_name FROM pledges_signature WHERE listed_name <> ''")
    assert sorted(listed) == [
        (pk, name)
        for pk, status, name, _email, _hash, shown, _updates in plain["signatures"]
        if shown and status == "confirmed"
    ]

    # Every name and address is stored as a token; blanks stay blank.
    for table, columns in ENCRYPTED.items():
        for column in columns:
            stored = [v for (v,) in _fetch(f"SELECT {column} FROM {table}") if v]  # noqa: S608
            assert stored, f"{table}.{column} holds nothing"
            assert all(is_token(value) for value in stored), f"{table}.{column} not encrypted"
    blank = _fetch("SELECT count(*) FROM pledges_signature WHERE email = ''")[0][0]
    assert blank == SIGNATURES // 10_000
    # No column of any table still reads as an address or an unlisted name.
    assert columns_containing(DOMAINS + NAME_MARKS) == {
        **{needle: [] for needle in DOMAINS + NAME_MARKS},
        " Signer-": [PUBLIC_COLUMN],
    }
    assert check_keys_open_stored_data() == []
    clock.lap("stored-values checks")

    # The models read back what was stored: a sample of signatures, every other row.
    sample = [*by_id][:: SIGNATURES // 200] + [max(by_id)]
    read = Signature.objects.filter(pk__in=sample).values_list("id", "name", "email", "email_hash")
    assert len(read) == len(sample)
    for pk, name, email, hashed in read:
        assert (name, email, hashed) == by_id[pk][2:5]
    for model, key in [(OrgPledge, "org_pledges"), (CommitmentPledge, "commitment_pledges")]:
        contacts = model.objects.order_by("id").values_list(
            "id", "status", "contact_name", "contact_email", "contact_email_hash"
        )
        assert list(contacts) == plain[key]
    donations = Donation.objects.order_by("id").values_list("id", "status", "donor_name", "email")
    assert list(donations) == plain["donations"]
    # Gifts are counted by the keyed hash of the donor's mailbox now.
    for pk, _status, _name, email in plain["donations"]:
        assert Donation.objects.get(pk=pk).email_hash == (email_hash(email) if email else "")
    # Deliveries: the same payloads, and the signer's mailbox noted for erasure.
    deliveries = {delivery.pk: delivery for delivery in WebhookDelivery.objects.all()}
    for pk, payload in plain["deliveries"]:
        assert deliveries[pk].payload == payload
        signer = payload["data"].get("signer")
        assert deliveries[pk].person_hash == (email_hash(signer["email"]) if signer else "")
    assert email_hash(known["signer_email"]) in {d.person_hash for d in deliveries.values()}
    # Our copies of Stripe's events keep what the ledger reads, not who paid.
    for event in StripeEvent.objects.all():
        stored = event.payload["data"]["object"]
        assert stored["id"] and stored["object"] in {"checkout.session", "charge"}
        for key in ("customer_details", "billing_details", "receipt_email"):
            assert stored.get(key) is None, (event.type, key)
    clock.lap("model checks")

    _migrate(BEFORE)
    clock.lap("backwards")
    # Plain text again, exactly as inserted (the Stripe customer details stay dropped).
    assert _plain_rows() == plain
    assert _counts() == counts
    with connection.cursor() as cursor:
        table = connection.introspection.get_table_description(cursor, "pledges_signature")
    assert "listed_name" not in {column.name for column in table}
    events = _fetch("SELECT payload::text FROM donations_stripeevent")
    assert not any("dana.donor" in payload for (payload,) in events)

    # Back to the latest state for the other tests. The signatures were checked both ways:
    # all but a thousand go first, to keep within the time budget.
    kept = sorted(by_id)[:1000]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM pledges_signature WHERE id > %s", [kept[-1]])
    _migrate("head")
    ContentType.objects.clear_cache()
    assert sorted(Signature.objects.values_list("id", "name", "email")) == [
        by_id[pk][:1] + by_id[pk][2:4] for pk in kept
    ]
    clock.lap("forwards again")
    print(f"\nencryption migration of {SIGNATURES} signatures: {clock.report()}")
