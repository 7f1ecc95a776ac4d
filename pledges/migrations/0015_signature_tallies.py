"""Start the signature tallies (campaigns.counters) from the rows: confirmed signatures per
campaign and country. From here on, confirming, withdrawing and erasing move them."""

from django.db import migrations
from django.db.models import Count


def seed(apps, schema_editor):
    Signature = apps.get_model("pledges", "Signature")
    Tally = apps.get_model("campaigns", "Tally")
    rows = (
        Signature.objects.filter(status="confirmed")
        .values_list("campaign_id", "country")
        .annotate(n=Count("pk"))
        .values_list("campaign_id", "country", "n")
        .order_by()
    )
    Tally.objects.bulk_create(
        [
            Tally(campaign_id=campaign_id, figure="signatures", country=country or "", value=n)
            for campaign_id, country, n in rows
        ],
        batch_size=2000,
    )
    # Nothing counted yet may be owed twice.
    apps.get_model("campaigns", "TallyChange").objects.filter(figure="signatures").delete()


def unseed(apps, schema_editor):
    apps.get_model("campaigns", "Tally").objects.filter(figure="signatures").delete()
    apps.get_model("campaigns", "TallyChange").objects.filter(figure="signatures").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0007_tallies"),
        ("pledges", "0014_signature_public_list_index"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
