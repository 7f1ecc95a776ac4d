"""Each staff member's notification choices: read with defaults, written by their owner."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from staff.models import NotificationPreference


@dataclass(frozen=True)
class Notifications:
    moderation_digest: bool = True
    moderation_alerts: bool = True


def notification_preferences(user: AbstractBaseUser) -> Notifications:
    """`user`'s choices; everything on until they switch something off."""
    row = NotificationPreference.objects.filter(user=user).first()
    if row is None:
        return Notifications()
    return Notifications(
        moderation_digest=row.moderation_digest, moderation_alerts=row.moderation_alerts
    )


def set_notification_preferences(
    user: AbstractBaseUser, choices: Notifications
) -> NotificationPreference:
    """Store `user`'s choices (only they change them: the page edits the requester's own)."""
    with transaction.atomic():
        row, _ = NotificationPreference.objects.select_for_update().get_or_create(user=user)
        row.moderation_digest = choices.moderation_digest
        row.moderation_alerts = choices.moderation_alerts
        row.full_clean()
        row.save()
    return row
