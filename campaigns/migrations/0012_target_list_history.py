"""The target list's history starts: each existing target gets an initial "added" change,
dated from its creation when the admin log recorded it (else from the first campaign that
lists it, else now), and the staff groups get the right-of-reply permissions.

Reversible: the initial changes go, and the permissions are taken back.
"""

from django.db import migrations
from django.utils import timezone

from staff.roles import COMMUNICATIONS, MODERATORS, grant, revoke

COMMUNICATIONS_PERMS = [
    "add_replyrequest",
    "change_replyrequest",
    "view_replyrequest",
    "add_targetreply",
    "view_targetreply",
    "view_targetchange",
]
MODERATOR_PERMS = [
    "view_replyrequest",
    "view_targetreply",
    "moderate_targetreply",
    "view_targetchange",
]
ADDITION = 1  # django.contrib.admin.models.ADDITION


def _created_at(target, added_in_admin: dict, now):
    if target.pk in added_in_admin:
        return added_in_admin[target.pk]
    first = target.campaigns.order_by("created_at").values_list("created_at", flat=True).first()
    return first or now


def start_history(apps, schema_editor):
    Target = apps.get_model("campaigns", "Target")
    TargetChange = apps.get_model("campaigns", "TargetChange")
    ContentType = apps.get_model("contenttypes", "ContentType")
    LogEntry = apps.get_model("admin", "LogEntry")
    now = timezone.now()
    added_in_admin: dict[int, object] = {}
    content_type = ContentType.objects.filter(app_label="campaigns", model="target").first()
    if content_type is not None:
        for object_id, at in (
            LogEntry.objects.filter(content_type=content_type, action_flag=ADDITION)
            .order_by("action_time")
            .values_list("object_id", "action_time")
        ):
            if object_id and object_id.isdigit():
                added_in_admin.setdefault(int(object_id), at)
    TargetChange.objects.bulk_create(
        TargetChange(
            target=target,
            kind="added",
            category=target.category,
            initial=True,
            changed_at=_created_at(target, added_in_admin, now),
        )
        for target in Target.objects.filter(changes__isnull=True).order_by("pk")
    )
    grant(apps, COMMUNICATIONS, "campaigns", COMMUNICATIONS_PERMS)
    grant(apps, MODERATORS, "campaigns", MODERATOR_PERMS)


def forget_history(apps, schema_editor):
    revoke(apps, COMMUNICATIONS, "campaigns", COMMUNICATIONS_PERMS)
    revoke(apps, MODERATORS, "campaigns", MODERATOR_PERMS)
    apps.get_model("campaigns", "TargetChange").objects.filter(initial=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0011_right_of_reply_and_target_list"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(start_history, forget_history)]
