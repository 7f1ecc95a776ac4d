from django.db import migrations

from staff.roles import COMMUNICATIONS, MODERATORS, grant, revoke

COMMUNICATIONS_PERMS = [
    "view_commitmentpledge",
    "view_commitment",
    "view_commitmentupdate",
]
MODERATORS_PERMS = [
    "view_commitmentpledge",
    "moderate_commitmentpledge",
    "view_commitment",
    "view_commitmentupdate",
    "review_commitmentupdate",
    "post_commitmentupdate",
]


def grant_permissions(apps, schema_editor):
    grant(apps, COMMUNICATIONS, "pledges", COMMUNICATIONS_PERMS)
    grant(apps, MODERATORS, "pledges", MODERATORS_PERMS)


def revoke_permissions(apps, schema_editor):
    revoke(apps, COMMUNICATIONS, "pledges", COMMUNICATIONS_PERMS)
    revoke(apps, MODERATORS, "pledges", MODERATORS_PERMS)


class Migration(migrations.Migration):
    dependencies = [("pledges", "0003_commitments")]

    operations = [migrations.RunPython(grant_permissions, revoke_permissions)]
