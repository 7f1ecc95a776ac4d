"""Encrypt the contact people already stored, in batches. Reversible."""

from django.db import migrations

from lib.encryption import rewrite_rows, seal, unseal


def _rewrite(schema_editor, how):
    rewrite_rows(
        schema_editor,
        "commitments_commitmentpledge",
        ["contact_name", "contact_email"],
        lambda row: {"contact_name": how(row["contact_name"]), "contact_email": how(row["contact_email"])},
    )


def forwards(apps, schema_editor):
    _rewrite(schema_editor, seal)


def backwards(apps, schema_editor):
    _rewrite(schema_editor, unseal)


class Migration(migrations.Migration):
    dependencies = [("commitments", "0005_encrypt_contact_fields")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
