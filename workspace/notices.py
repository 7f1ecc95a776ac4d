"""Telling moderators what waits: who gets the daily digest and the "first item" alerts, and
the listener that notices an empty queue getting its first item.

The emails themselves are sent by the tasks in `workspace.tasks`, once per person (a
`staff.models.StaffNotice` row each), to moderators who have not switched them off on
"My notifications".
"""

from django.contrib.auth import get_user_model
from django.db import models

from staff.roles import MODERATORS
from workspace import moderation


def moderators() -> models.QuerySet:
    """Active staff in the Moderators group who have an email address."""
    return (
        get_user_model()
        .objects.filter(groups__name=MODERATORS, is_active=True, is_staff=True)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def digest_recipients() -> models.QuerySet:
    # No preference row means the defaults: everything on.
    return moderators().exclude(notification_preference__moderation_digest=False)


def alert_recipients() -> models.QuerySet:
    return moderators().exclude(notification_preference__moderation_alerts=False)


def item_arrived(obj: models.Model) -> None:
    """Listener of `staff.waiting`: runs in the transaction that made `obj` wait.

    When nothing else waited in its queue, enqueue the alert to the moderators (the task row
    commits, or vanishes, with the item). Two first items arriving in the same instant may
    both find the queue empty: then the moderators hear twice, never not at all.
    """
    from workspace.tasks import send_first_item_alert

    queue = moderation.queue_for(obj)
    if queue is None:
        return
    moderation.forget_counts()
    if queue.waiting().exclude(pk=obj.pk).exists():
        return
    send_first_item_alert.enqueue(queue.slug, obj.pk)
