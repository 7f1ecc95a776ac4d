"""The dated target list: the only code that adds, removes or re-categorises a target.

Each change is one `TargetChange` row (who, when, why) written in the same transaction as the
target, audited, and announced to the apps above (partners send `target.list_changed`) through
`on_target_event`; the public changelog and the open data read those rows.
"""

from collections.abc import Callable
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns import pages
from campaigns.models import Campaign, Target, TargetChange
from staff import audit

Kind = TargetChange.Kind
Status = Target.Status

# The event names partners know these announcements by (partners.models.EventType).
LIST_CHANGED = "target.list_changed"
REPLY_RECORDED = "target.reply_recorded"

# Apps above (partners) register here from their AppConfig.ready: listener(event, payload,
# campaign) runs inside the change's transaction. campaigns imports none of them.
TargetListener = Callable[[str, dict, Campaign | None], object]
_listeners: list[TargetListener] = []


def on_target_event(listener: TargetListener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def announce(event: str, payload: dict, *, campaign: Campaign | None = None) -> None:
    """Tell the listeners (inside the caller's transaction) that `event` happened."""
    for listener in list(_listeners):
        listener(event, payload, campaign)


def may_change_list(user: AbstractBaseUser | None) -> bool:
    return user is None or user.has_perm("campaigns.change_target")


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why: the reason is published in the changelog.")})
    return reason


def _record(
    target: Target,
    kind: str,
    *,
    by: AbstractBaseUser | None,
    reason: str,
    from_category: str = "",
    now: datetime,
) -> TargetChange:
    from campaigns.representation import target_change_payload

    change = TargetChange(
        target=target,
        kind=kind,
        from_category=from_category,
        category=target.category,
        reason=reason,
        changed_at=now,
        changed_by=by if by is not None and by.is_authenticated else None,
    )
    change.full_clean()
    change.save()
    audit.record(
        f"target.{kind}",
        actor=by,
        target=target,
        details={
            "slug": target.slug,
            "category": target.category,
            "from_category": from_category,
        },
    )
    announce(LIST_CHANGED, target_change_payload(change))
    pages.changed()
    return change


def add_target(
    target: Target, *, by: AbstractBaseUser | None, reason: str, now: datetime | None = None
) -> Target:
    """Put a new target on the list (saving it), or a removed one back on it."""
    now = now or timezone.now()
    reason = _reason(reason)
    if not may_change_list(by):
        raise PermissionDenied
    with transaction.atomic():
        if target.pk is not None:
            target = Target.objects.select_for_update().get(pk=target.pk)
            if target.status == Status.LISTED:
                raise ValidationError(_("This target is on the list already."))
        target.status = Status.LISTED
        target.full_clean()
        target.save()
        _record(target, Kind.ADDED, by=by, reason=reason, now=now)
    return target


def remove_target(
    target: Target, *, by: AbstractBaseUser | None, reason: str, now: datetime | None = None
) -> Target:
    """Take a target off the list. It stays, readable, with its history and its page."""
    now = now or timezone.now()
    reason = _reason(reason)
    if not may_change_list(by):
        raise PermissionDenied
    with transaction.atomic():
        target = Target.objects.select_for_update().get(pk=target.pk)
        if target.status == Status.REMOVED:
            raise ValidationError(_("This target is off the list already."))
        target.status = Status.REMOVED
        target.save(update_fields=["status"])
        _record(target, Kind.REMOVED, by=by, reason=reason, now=now)
    return target


def recategorise_target(
    target: Target,
    category: str,
    *,
    by: AbstractBaseUser | None,
    reason: str,
    now: datetime | None = None,
) -> Target:
    """Move a target to another category (consumer boycott, divestment, pressure …)."""
    now = now or timezone.now()
    reason = _reason(reason)
    if not may_change_list(by):
        raise PermissionDenied
    if category not in Target.Category.values:
        raise ValidationError({"category": _("Choose one of the categories.")})
    with transaction.atomic():
        target = Target.objects.select_for_update().get(pk=target.pk)
        previous = target.category
        if previous == category:
            raise ValidationError({"category": _("The target is in this category already.")})
        target.category = category
        target.save(update_fields=["category"])
        _record(target, Kind.RECATEGORISED, by=by, reason=reason, from_category=previous, now=now)
    return target


# Reads ---------------------------------------------------------------------------------------


def public_changes() -> QuerySet[TargetChange]:
    """Every change to the list of targets that a public drive lists, newest first."""
    from campaigns.queries import public_campaigns

    return (
        TargetChange.objects.filter(target__campaigns__in=public_campaigns())
        .select_related("target")
        .distinct()
        .order_by("-changed_at", "-pk")
    )


def target_history(target: Target) -> list[TargetChange]:
    """The target's changes, oldest first."""
    return list(target.changes.order_by("changed_at", "pk"))


def removal(history: list[TargetChange]) -> TargetChange | None:
    """The change that took the target off the list, if it is off it now."""
    last = next((c for c in reversed(history) if c.kind != Kind.RECATEGORISED), None)
    return last if last is not None and last.kind == Kind.REMOVED else None
