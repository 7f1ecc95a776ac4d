"""Finance turns M-Pesa on and off per donate page, and can read the callbacks received."""

from django.db import migrations

from staff.roles import FINANCE, grant, revoke

FINANCE_PERMS = [
    "add_mpesasetting",
    "change_mpesasetting",
    "delete_mpesasetting",
    "view_mpesasetting",
    "view_mpesacallback",
]


def grant_finance(apps, schema_editor):
    grant(apps, FINANCE, "donations", FINANCE_PERMS)


def revoke_finance(apps, schema_editor):
    revoke(apps, FINANCE, "donations", FINANCE_PERMS)


class Migration(migrations.Migration):
    dependencies = [
        ("donations", "0010_mpesa_donations"),
        ("campaigns", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant_finance, revoke_finance)]
