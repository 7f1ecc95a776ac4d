from django.db import migrations

from staff.roles import COMMUNICATIONS, MODERATORS, grant, revoke

# Communications and Moderators record paper sheets, correct and void them.
PERMS = ["add_paperbatch", "change_paperbatch", "view_paperbatch", "void_paperbatch"]


def grant_permissions(apps, schema_editor):
    grant(apps, COMMUNICATIONS, "paper", PERMS)
    grant(apps, MODERATORS, "paper", PERMS)


def revoke_permissions(apps, schema_editor):
    revoke(apps, COMMUNICATIONS, "paper", PERMS)
    revoke(apps, MODERATORS, "paper", PERMS)


class Migration(migrations.Migration):
    dependencies = [
        ("paper", "0001_paper_batches"),
        ("campaigns", "0002_staff_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant_permissions, revoke_permissions)]
