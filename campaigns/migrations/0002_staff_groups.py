from django.db import migrations

from staff.roles import COMMUNICATIONS, FINANCE, MODERATORS, STAFF_GROUPS, grant

COMMUNICATIONS_PERMS = [
    "add_campaign",
    "change_campaign",
    "view_campaign",
    "publish_campaign",
    "add_campaigntranslation",
    "change_campaigntranslation",
    "delete_campaigntranslation",
    "view_campaigntranslation",
    "add_target",
    "change_target",
    "view_target",
]


def create_groups(apps, schema_editor):
    grant(apps, COMMUNICATIONS, "campaigns", COMMUNICATIONS_PERMS)
    # Moderators and Finance see campaigns to do their work on them.
    grant(apps, MODERATORS, "campaigns", ["view_campaign", "view_target"])
    grant(apps, FINANCE, "campaigns", ["view_campaign"])


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=STAFF_GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
