"""Existing contacts get the keyed hash of their mailbox (a migration of its own: the column's
index is built in the one before, never in the transaction that updates every row)."""

from django.db import migrations

from lib.mailboxes import email_hash


def hash_contacts(apps, schema_editor):
    """Every existing contact gets the hash of their mailbox; nothing else changes."""
    Pledge = apps.get_model("commitments", "CommitmentPledge")
    rows = list(Pledge.objects.exclude(contact_email="").only("pk", "contact_email"))
    for row in rows:
        row.contact_email_hash = email_hash(row.contact_email)
    Pledge.objects.bulk_update(rows, ["contact_email_hash"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("commitments", "0003_contact_email_hash")]

    operations = [migrations.RunPython(hash_contacts, migrations.RunPython.noop)]
