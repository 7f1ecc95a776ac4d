from django.db import migrations

from staff.roles import COMMUNICATIONS, grant, revoke

PARTNER_PERMS = [
    "add_partner",
    "change_partner",
    "view_partner",
    "add_partnertoken",
    "change_partnertoken",
    "view_partnertoken",
]
WEBHOOK_PERMS = ["view_webhooksubscription", "change_webhooksubscription", "view_webhookdelivery"]


def forwards(apps, schema_editor):
    # Communications manages partners, issues and revokes their tokens, reads webhook logs.
    grant(apps, COMMUNICATIONS, "campaigns", PARTNER_PERMS)
    grant(apps, COMMUNICATIONS, "api", WEBHOOK_PERMS)


def backwards(apps, schema_editor):
    revoke(apps, COMMUNICATIONS, "campaigns", PARTNER_PERMS)
    revoke(apps, COMMUNICATIONS, "api", WEBHOOK_PERMS)


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_webhooks"),
        ("campaigns", "0004_partners"),
        ("campaigns", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
