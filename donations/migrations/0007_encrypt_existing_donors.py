"""Hash and encrypt the donor names and emails already stored, in batches, and drop the
customer's details from our copies of Stripe's events. Reversible (the dropped details do
not come back: the ledger never read them)."""

from django.db import migrations

from lib.encryption import rewrite_rows, seal, unseal
from lib.mailboxes import email_hash


def forwards(apps, schema_editor):
    from donations.stripe_payloads import without_personal_details

    StripeEvent = apps.get_model("donations", "StripeEvent")
    for event in StripeEvent.objects.order_by("pk").iterator(chunk_size=500):
        scrubbed = without_personal_details(event.payload)
        if scrubbed != event.payload:
            StripeEvent.objects.filter(pk=event.pk).update(payload=scrubbed)
    rewrite_rows(
        schema_editor,
        "donations_donation",
        ["donor_name", "email"],
        lambda row: {
            "email_hash": email_hash(unseal(row["email"])) if row["email"] else "",
            "donor_name": seal(row["donor_name"]),
            "email": seal(row["email"]),
        },
    )


def backwards(apps, schema_editor):
    rewrite_rows(
        schema_editor,
        "donations_donation",
        ["donor_name", "email"],
        lambda row: {"donor_name": unseal(row["donor_name"]), "email": unseal(row["email"])},
    )


class Migration(migrations.Migration):
    dependencies = [("donations", "0006_encrypt_donor_fields")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
