"""The benchmark's loader writes rows the current models accept (it COPYs straight into the
tables, so a new column without a database default would break it), holding what the models
store: tokens in the encrypted columns, plain text where the site keeps it plain."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.db import connection

from bench import load
from lib.encryption import decrypt, is_token
from lib.mailboxes import email_hash
from pledges.models import Organisation, OrgPledge, Signature

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="the loader uses PostgreSQL's COPY, as the bench database does",
    ),
]


def raw_rows(model, *columns: str) -> list[tuple]:
    """The columns as stored (the model fields would decrypt them), by id."""
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {names} FROM {table} ORDER BY id")  # noqa: S608 - names quoted
        return cursor.fetchall()


def required_columns(model) -> set[str]:
    """The columns a COPY must write: NOT NULL in the database, with no default there."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO'",
            [model._meta.db_table],
        )
        return {column for (column,) in cursor.fetchall()}


@pytest.mark.parametrize(
    ("model", "fields"),
    [
        (Signature, load.SIGNATURE_FIELDS),
        (Organisation, load.ORGANISATION_FIELDS),
        (OrgPledge, load.ORG_PLEDGE_FIELDS),
    ],
)
def test_every_copy_writes_every_not_null_column(model, fields):
    written = {model._meta.get_field(name).column for name in fields}
    assert required_columns(model) - written == set()


def test_a_small_data_set_loads_into_the_current_tables():
    rng = random.Random(7)
    campaigns = load.make_campaigns()
    load.copy_organisations(campaigns, 6, rng)
    load.copy_signatures(campaigns, 60, rng)
    assert Organisation.objects.count() == 6
    assert OrgPledge.objects.filter(status="approved").count() >= 6
    assert Signature.objects.filter(status="confirmed").count() == 60
    signature = Signature.objects.exclude(email="").first()
    assert signature.email_hash == email_hash(signature.email)
    assert OrgPledge.objects.first().proposed_organisation == {}


def test_signatures_hold_tokens_the_public_name_and_only_the_addresses_still_kept():
    load.copy_signatures(load.make_campaigns(), 60, random.Random(7))
    stored = raw_rows(Signature, "name", "listed_name", "email", "email_hash", "show_publicly",
                      "updates_consent", "confirmed_at")  # fmt: skip
    cutoff = datetime.now(UTC) - timedelta(days=settings.EMAIL_RETENTION_DAYS)
    for name, listed_name, email, hashed, show_publicly, updates, confirmed_at in stored:
        assert is_token(name)
        assert listed_name == (decrypt(name) if show_publicly else "")
        if updates or confirmed_at >= cutoff:
            assert is_token(email)
            assert hashed == email_hash(decrypt(email))
        else:
            assert email == ""  # dropped a week after confirming (pledges/retention.py)
        assert len(hashed) == 64
    assert {bool(row[1]) for row in stored} == {True, False}
    assert {bool(row[2]) for row in stored} == {True, False}
    # The models read them back.
    listed = Signature.objects.exclude(listed_name="").first()
    assert listed.name == listed.listed_name


def test_org_pledge_contacts_are_tokens_of_their_own_address():
    load.copy_organisations(load.make_campaigns(), 6, random.Random(7))
    for name, email, hashed in raw_rows(
        OrgPledge, "contact_name", "contact_email", "contact_email_hash"
    ):
        assert decrypt(name) == "Contact person"
        assert hashed == email_hash(decrypt(email))
    pledge = OrgPledge.objects.select_related("organisation").first()
    assert pledge.contact_email == f"contact@org{pledge.organisation_id}.example.net"
