"""Encrypt the webhook payloads already stored and note whose mailbox each one names.
Reversible."""

import json

from django.db import migrations

from lib.encryption import rewrite_rows, seal, unseal
from lib.mailboxes import email_hash


def _person_hash(stored: str) -> str:
    data = json.loads(unseal(stored) or "{}").get("data") or {}
    email = (data.get("signer") or {}).get("email") or ""
    return email_hash(email) if email else ""


def forwards(apps, schema_editor):
    rewrite_rows(
        schema_editor,
        "partners_webhookdelivery",
        ["payload"],
        lambda row: {"person_hash": _person_hash(row["payload"]), "payload": seal(row["payload"])},
    )


def backwards(apps, schema_editor):
    rewrite_rows(
        schema_editor,
        "partners_webhookdelivery",
        ["payload"],
        lambda row: {"payload": unseal(row["payload"])},
    )


class Migration(migrations.Migration):
    dependencies = [("partners", "0002_encrypt_delivery_payloads")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
