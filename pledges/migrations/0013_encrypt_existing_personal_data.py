"""Encrypt the names and emails already stored, in batches, and fill the public list's names.

Reversible: backwards decrypts them again (with the same FIELD_ENCRYPTION_KEYS)."""

from django.db import migrations

from lib.encryption import rewrite_rows, seal, unseal


def forwards(apps, schema_editor):
    rewrite_rows(
        schema_editor,
        "pledges_signature",
        ["name", "email", "show_publicly", "status"],
        lambda row: {
            "listed_name": (
                unseal(row["name"]) if row["show_publicly"] and row["status"] == "confirmed" else ""
            ),
            "name": seal(row["name"]),
            "email": seal(row["email"]),
        },
    )
    rewrite_rows(
        schema_editor,
        "pledges_orgpledge",
        ["contact_name", "contact_email"],
        lambda row: {"contact_name": seal(row["contact_name"]), "contact_email": seal(row["contact_email"])},
    )


def backwards(apps, schema_editor):
    rewrite_rows(
        schema_editor,
        "pledges_signature",
        ["name", "email"],
        lambda row: {"name": unseal(row["name"]), "email": unseal(row["email"])},
    )
    rewrite_rows(
        schema_editor,
        "pledges_orgpledge",
        ["contact_name", "contact_email"],
        lambda row: {
            "contact_name": unseal(row["contact_name"]),
            "contact_email": unseal(row["contact_email"]),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("pledges", "0012_encrypt_personal_fields")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
