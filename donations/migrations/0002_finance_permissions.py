from django.db import migrations

from staff.roles import FINANCE, grant, revoke

FINANCE_PERMS = [
    "view_donation",
    "view_donation_reports",
    "add_offlinegift",
    "view_offlinegift",
    "add_exchangerate",
    "change_exchangerate",
    "view_exchangerate",
    "view_stripeevent",
]


def grant_finance(apps, schema_editor):
    grant(apps, FINANCE, "donations", FINANCE_PERMS)


def revoke_finance(apps, schema_editor):
    revoke(apps, FINANCE, "donations", FINANCE_PERMS)


class Migration(migrations.Migration):
    dependencies = [
        ("donations", "0001_donations_ledger"),
        ("campaigns", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant_finance, revoke_finance)]
