"""`manage.py reencrypt_fields`: after a new key is put first, every stored value is rewritten
under it, so the old key can then be removed without losing anyone's name or address."""

import io

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import TextField
from django.db.models.functions import Cast

from commitments.models import CommitmentPledge
from donations.models import Donation
from partners import services as partner_services
from partners.models import Partner, WebhookDelivery
from pledges import services
from pledges.models import OrgPledge, PledgeEmail, Signature
from tests.commitments.helpers import create_drive, pledge
from tests.donations.conftest import pending_donation
from tests.pledges.conftest import org_data, sign, signature_data, signed_and_confirmed

pytestmark = pytest.mark.django_db

KEY_A, KEY_B, KEY_C = (Fernet.generate_key() for _ in range(3))

# Every encrypted column, as `model label.field`.
COLUMNS = {
    Signature: ["name", "email"],
    OrgPledge: ["contact_name", "contact_email"],
    CommitmentPledge: ["contact_name", "contact_email"],
    Donation: ["donor_name", "email"],
    PledgeEmail: ["address"],
    WebhookDelivery: ["payload"],
}


def stored(model, field: str) -> dict[int, str]:
    """pk → the value as the database holds it, for rows where it is not blank."""
    rows = model.objects.annotate(raw=Cast(field, TextField())).values_list("pk", "raw")
    return {pk: raw for pk, raw in rows if raw}


def read_back() -> dict:
    """Everything encrypted, read through the models (decrypted)."""
    return {
        (model._meta.label, field, obj.pk): getattr(obj, field)
        for model, fields in COLUMNS.items()
        for obj in model.objects.order_by("pk")
        for field in fields
    }


def report(*args: str) -> str:
    out = io.StringIO()
    call_command("reencrypt_fields", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def world(campaign, receiver, settings):
    """Personal data of every kind, stored while KEY_B was the only key."""
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]
    partner = Partner.objects.create(name="Allies", ref="allies")
    partner.campaigns.add(campaign)
    partner_services.subscribe_webhook(partner, url=receiver.url, events=["signature.confirmed"])
    shared = services.sign(
        campaign,
        signature_data(name="Shared Signer", email="shared@example.org", shared_with_partner=True),
        partner=partner,
    ).signature
    services.confirm_signature(shared.pk)  # a webhook delivery naming the signer
    for n in range(3):
        signed_and_confirmed(campaign, name=f"Signer {n}", email=f"s{n}@example.org")
    sign(campaign, name="Signer 0", email="s0@example.org")  # "already signed", to this address
    services.sign_on(campaign, org_data(contact_name="Luz Pérez"))
    pledge(create_drive(), contact_name="Ana Commit", contact_email="ana@commit.example")
    pending_donation(email="donor@example.net", donor_name="Kofi Mensah")
    before = read_back()
    assert before[("pledges.Signature", "name", shared.pk)] == "Shared Signer"
    assert any(
        value and value.get("data", {}).get("signer", {}).get("email") == "shared@example.org"
        for (label, _, _), value in before.items()
        if label == "partners.WebhookDelivery"
    )
    assert any(
        v == "s0@example.org" for (label, *_), v in before.items() if label.endswith("Email")
    )
    return before


def test_rotation_rewrites_everything_so_the_old_key_can_go(world, settings, campaign):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A, KEY_B]
    under_a = signed_and_confirmed(campaign, name="Already New", email="new@example.org")
    tokens_under_a = {f: stored(Signature, f)[under_a.pk] for f in ("name", "email")}
    expected = read_back()
    assert {k: expected[k] for k in world} == world

    output = report("--batch", "2")

    # Values already under the first key are left as they are.
    assert {f: stored(Signature, f)[under_a.pk] for f in ("name", "email")} == tokens_under_a
    assert "pledges.Signature.name: 4 re-encrypted" in output
    assert "pledges.Signature.email: 4 re-encrypted" in output
    assert "pledges.PledgeEmail.address: 1 re-encrypted" in output
    assert "partners.WebhookDelivery.payload: 1 re-encrypted" in output
    for model, fields in COLUMNS.items():
        for field in fields:
            assert output.count(f"{model._meta.label}.{field}:") == 1, output
            for token in stored(model, field).values():
                Fernet(KEY_A).decrypt(token.encode())
                with pytest.raises(InvalidToken):
                    Fernet(KEY_B).decrypt(token.encode())

    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]  # the old key removed
    assert read_back() == expected
    assert Signature.objects.get(pk=under_a.pk).email == "new@example.org"
    # The deployment check agrees: the remaining key opens the stored data.
    call_command("check", "--database", "default", stdout=io.StringIO())


def test_running_it_again_rewrites_nothing(world, settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A, KEY_B]
    report()
    tokens = {(m, f): stored(m, f) for m, fields in COLUMNS.items() for f in fields}
    assert report().strip().endswith("0 value(s) re-encrypted")
    assert {(m, f): stored(m, f) for m, fields in COLUMNS.items() for f in fields} == tokens


def test_a_value_no_key_opens_stops_the_command_with_a_clear_error(world, settings, campaign):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_C]
    orphan = signed_and_confirmed(campaign, name="Orphan Key", email="orphan@example.org")
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A, KEY_B]
    with pytest.raises(CommandError) as failed:
        report()
    message = str(failed.value)
    assert message == f"pledges.Signature.name #{orphan.pk}: no key opens it"
    # Nothing readable was lost on the way.
    after = read_back()
    assert {key: after[key] for key in world} == world


def test_batch_must_be_positive(db):
    with pytest.raises(CommandError, match="--batch must be at least 1"):
        report("--batch", "0")
