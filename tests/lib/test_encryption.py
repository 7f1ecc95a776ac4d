"""Personal data is encrypted at rest: the database holds Fernet tokens, the models read back
plain text, a key can be rotated, a missing key is noticed, production refuses bad keys."""

import base64
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings as django_settings
from django.contrib.auth.models import Permission
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from donations.models import Donation
from lib.encryption import mask_email
from lib.mailboxes import email_hash
from pledges import services
from pledges.models import OrgPledge, Signature
from tests.conftest import stored, verified_login
from tests.donations.conftest import pending_donation
from tests.pledges.conftest import org_data, sign, signed_and_confirmed

pytestmark = pytest.mark.django_db

# Fixed test keys (32 bytes each, url-safe base64): test ids must be the same in every run.
KEY_A, KEY_B, KEY_C = (
    base64.urlsafe_b64encode(f"tests-only-encryption-key-{n}".ljust(32, "!").encode())
    for n in "abc"
)
ROOT = Path(__file__).resolve().parents[2]


def opens_with(key: bytes, token: str) -> str:
    return Fernet(key).decrypt(token.encode()).decode()


def test_names_and_emails_are_stored_as_tokens_and_read_back_as_typed(campaign):
    signature = signed_and_confirmed(campaign, name="Amina Yusuf", email="Amina@Example.org")
    pledge = services.sign_on(campaign, org_data(contact_email="luz@red.example")).pledge
    gift = pending_donation(email="donor@example.net", donor_name="Kofi Mensah")

    rows = [
        (Signature, signature.pk, {"name": "Amina Yusuf", "email": "amina@example.org"}),
        (OrgPledge, pledge.pk, {"contact_name": "Luz Pérez", "contact_email": "luz@red.example"}),
        (Donation, gift.pk, {"donor_name": "Kofi Mensah", "email": "donor@example.net"}),
    ]
    for model, pk, values in rows:
        fresh = model.objects.get(pk=pk)
        for field, plain in values.items():
            raw = stored(model, field, pk)
            assert plain not in raw, (model, field)
            assert getattr(fresh, field) == plain
            # A token under the first configured key.
            assert opens_with(django_settings.FIELD_ENCRYPTION_KEYS[0], raw) == plain


def test_the_same_value_is_a_different_token_every_time(campaign):
    first = signed_and_confirmed(campaign, name="Same Name", email="one@example.org")
    second = signed_and_confirmed(campaign, name="Same Name", email="two@example.org")
    assert stored(Signature, "name", first.pk) != stored(Signature, "name", second.pk)


def test_blank_stays_blank_in_the_database(db):
    gift = pending_donation(email="", donor_name="")
    assert stored(Donation, "email", gift.pk) == ""
    assert stored(Donation, "donor_name", gift.pk) == ""
    assert Donation.objects.filter(email="").get() == gift


def test_encrypted_columns_refuse_comparisons_that_could_never_match(campaign):
    signature = signed_and_confirmed(campaign)
    for lookup in [
        {"email": "amina@example.org"},
        {"email__in": ["amina@example.org"]},
        {"name": "Amina Yusuf"},
        {"email__icontains": "amina"},
        {"name__startswith": "Amina"},
    ]:
        with pytest.raises(FieldError):
            list(Signature.objects.filter(**lookup))
    # What can be asked: is it blank? And the keyed hash finds the address.
    assert not Signature.objects.filter(email="").exists()
    assert not Signature.objects.filter(email__in=["", None]).exists()
    assert not Signature.objects.filter(email__isnull=True).exists()
    assert Signature.objects.exclude(email="").get() == signature
    assert Signature.objects.get(email_hash=email_hash("AMINA@example.org")) == signature


def test_values_under_a_decrypt_only_key_still_read_and_new_writes_use_the_first(
    campaign, settings
):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]
    old = signed_and_confirmed(campaign, name="Old Key", email="old@example.org")
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A, KEY_B]
    new = signed_and_confirmed(campaign, name="New Key", email="new@example.org")

    assert Signature.objects.get(pk=old.pk).name == "Old Key"
    assert Signature.objects.get(pk=old.pk).email == "old@example.org"
    assert opens_with(KEY_A, stored(Signature, "email", new.pk)) == "new@example.org"
    with pytest.raises(InvalidToken):
        opens_with(KEY_B, stored(Signature, "email", new.pk))


def test_a_value_no_key_opens_reads_blank_and_survives_a_save(
    campaign, settings, client, django_user_model, caplog
):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]
    signature = signed_and_confirmed(campaign, name="Lost Key", email="lost@example.org")
    token = stored(Signature, "name", signature.pk)

    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]  # KEY_B removed too early
    with caplog.at_level(logging.ERROR, logger="lib.encryption"):
        unreadable = Signature.objects.get(pk=signature.pk)
    assert unreadable.name == "" and unreadable.email == ""
    assert "pledges.Signature.name" in caplog.text
    assert token not in caplog.text and "Lost Key" not in caplog.text

    # Staff pages still open (the change page decrypts name and email).
    staff = django_user_model.objects.create_user("keyholder", password="x", is_staff=True)
    staff.user_permissions.add(
        Permission.objects.get(codename="view_signature"),
        Permission.objects.get(codename="export_personal_data"),
    )
    verified_login(client, staff)
    page = client.get(f"/staff/admin/pledges/signature/{signature.pk}/change/")
    assert page.status_code == 200

    unreadable.country = "GH"
    unreadable.save()
    assert stored(Signature, "name", signature.pk) == token

    settings.FIELD_ENCRYPTION_KEYS = [KEY_A, KEY_B]  # the key is put back
    restored = Signature.objects.get(pk=signature.pk)
    assert (restored.name, restored.email, restored.country) == (
        "Lost Key",
        "lost@example.org",
        "GH",
    )


@pytest.mark.parametrize(
    ("email", "masked"),
    [
        ("amina@example.org", "a…@example.org"),
        ("Z@x.example", "Z…@x.example"),
        ("", ""),
        ("not-an-address", "…"),
    ],
)
def test_mask_email_shows_the_first_letter_and_the_domain_only(email, masked):
    assert mask_email(email) == masked


def test_database_check_passes_with_the_keys_the_data_was_written_with(campaign):
    sign(campaign)
    call_command("check", "--database", "default", stdout=open(os.devnull, "w"))  # noqa: SIM115


def test_database_check_fails_when_no_key_opens_the_stored_data(campaign, settings):
    sign(campaign)
    pending_donation(email="donor@example.net")
    settings.FIELD_ENCRYPTION_KEYS = [KEY_C]
    with pytest.raises(SystemCheckError) as failed:
        call_command("check", "--database", "default")
    message = str(failed.value)
    assert "lib.E001" in message
    assert "pledges.Signature.email" in message
    assert "donations.Donation.email" in message
    assert message.count("donations.Donation.email:") == 1, "one error per column"
    assert "gAAAA" not in message


def test_database_check_passes_with_new_keys_on_an_empty_database(db, settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_C]
    call_command("check", "--database", "default", stdout=open(os.devnull, "w"))  # noqa: SIM115


# Production settings -------------------------------------------------------------------------

LOCAL_DEV_KEY = "bG9jYWwtZGV2ZWxvcG1lbnQtb25seS1maWVsZC1rZXk="
GOOD = KEY_A.decode()
OTHER_GOOD = KEY_B.decode()


def start_production(keys: str | None, **extra: str) -> subprocess.CompletedProcess:
    """Import the real settings in a fresh interpreter, as a production start would."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "SECRET_KEY": "production-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "HASH_KEY": "production-hash-key-0123456789",
        **extra,
    }
    if keys is not None:
        env["FIELD_ENCRYPTION_KEYS"] = keys
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", "import config.settings"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        (None, "FIELD_ENCRYPTION_KEYS is required when DEBUG is off"),
        ("", "FIELD_ENCRYPTION_KEYS is required when DEBUG is off"),
        (" , ", "FIELD_ENCRYPTION_KEYS is required when DEBUG is off"),
        ("not-a-fernet-key", "FIELD_ENCRYPTION_KEYS: key 1 is not a Fernet key"),
        (GOOD[:-2], "FIELD_ENCRYPTION_KEYS: key 1 is not a Fernet key"),
        (f"{GOOD},{OTHER_GOOD[:20]}", "FIELD_ENCRYPTION_KEYS: key 2 is not a Fernet key"),
        (LOCAL_DEV_KEY, "Set real FIELD_ENCRYPTION_KEYS when DEBUG is off"),
        (f"{GOOD},{LOCAL_DEV_KEY}", "Set real FIELD_ENCRYPTION_KEYS when DEBUG is off"),
    ],
)
def test_production_refuses_to_start_without_real_keys(keys, message):
    result = start_production(keys)
    assert result.returncode != 0
    assert f"ImproperlyConfigured: {message}" in result.stderr
    # A rejected key is not echoed into the logs.
    for part in (keys or "").split(","):
        if len(part.strip()) > 8:
            assert part.strip() not in result.stderr


@pytest.mark.parametrize(
    ("keys", "extra"),
    [(GOOD, {}), (f" {GOOD} , {OTHER_GOOD} ", {}), (None, {"DEBUG": "1"})],
)
def test_production_starts_with_real_keys_and_debug_runs_with_the_local_one(keys, extra):
    result = start_production(keys, **extra)
    assert result.returncode == 0, result.stderr
