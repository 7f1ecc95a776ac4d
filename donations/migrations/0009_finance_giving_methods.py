"""Finance sets the offline ways to give: it adds and changes them (and their translations).

Nobody deletes a way to give: Finance unticks "shown on the donate pages" instead, so the
admin history of what donors were told stays. A wrong translation may be deleted.
"""

from django.db import migrations

from staff.roles import FINANCE, grant, revoke

FINANCE_PERMS = [
    "add_givingmethod",
    "change_givingmethod",
    "view_givingmethod",
    "add_givingmethodtranslation",
    "change_givingmethodtranslation",
    "delete_givingmethodtranslation",
    "view_givingmethodtranslation",
]


def grant_finance(apps, schema_editor):
    grant(apps, FINANCE, "donations", FINANCE_PERMS)


def revoke_finance(apps, schema_editor):
    revoke(apps, FINANCE, "donations", FINANCE_PERMS)


class Migration(migrations.Migration):
    dependencies = [
        ("donations", "0008_giving_methods"),
        ("campaigns", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant_finance, revoke_finance)]
