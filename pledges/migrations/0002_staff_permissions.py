from django.db import migrations

from staff.roles import COMMUNICATIONS, MODERATORS, grant, revoke

# Personal-data export (`export_personal_data`) is granted to nobody by default:
# an administrator gives it to the few people who need it.
COMMUNICATIONS_PERMS = [
    "view_signature",
    "view_orgpledge",
    "view_organisation",
    "view_statementversion",
    "export_pledges",
    "add_updatemailing",
    "change_updatemailing",
    "view_updatemailing",
    "send_updatemailing",
]
MODERATORS_PERMS = [
    "view_signature",
    "review_signature",
    "view_orgpledge",
    "moderate_orgpledge",
    "view_organisation",
    "change_organisation",
    "view_statementversion",
]


def grant_permissions(apps, schema_editor):
    grant(apps, COMMUNICATIONS, "pledges", COMMUNICATIONS_PERMS)
    grant(apps, MODERATORS, "pledges", MODERATORS_PERMS)


def revoke_permissions(apps, schema_editor):
    revoke(apps, COMMUNICATIONS, "pledges", COMMUNICATIONS_PERMS)
    revoke(apps, MODERATORS, "pledges", MODERATORS_PERMS)


class Migration(migrations.Migration):
    dependencies = [
        ("pledges", "0001_signatures_organisations"),
        ("campaigns", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant_permissions, revoke_permissions)]
