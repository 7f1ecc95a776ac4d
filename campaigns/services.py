"""The only code that changes campaigns: one function per use case, each atomic."""

from collections.abc import Callable
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from campaigns import pages
from campaigns.models import Campaign
from campaigns.tasks import notify_campaign_launched
from lib.transitions import InvalidTransition
from staff import audit

Status = Campaign.Status

TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.SCHEDULED, Status.LIVE},
    Status.SCHEDULED: {Status.DRAFT, Status.LIVE},
    Status.LIVE: {Status.CLOSED},
    Status.CLOSED: {Status.LIVE},
}


# What the audit log calls each move.
AUDIT_ACTIONS = {
    Status.LIVE: "campaign.launch",
    Status.CLOSED: "campaign.close",
    Status.SCHEDULED: "campaign.schedule",
    Status.DRAFT: "campaign.return_to_draft",
}


def transition(
    campaign: Campaign, to: str, *, by: AbstractBaseUser | None, now: datetime | None = None
) -> Campaign:
    """Move a campaign to status `to`, or raise InvalidTransition."""
    now = now or timezone.now()
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if to not in TRANSITIONS[campaign.status]:
            raise InvalidTransition(campaign, to)
        previous = campaign.status
        campaign.status = to
        if to == Status.LIVE:
            if campaign.launched_at is None:
                campaign.launched_at = now
                notify_campaign_launched.enqueue(campaign.pk)
            if campaign.close_at and campaign.close_at <= now:
                campaign.close_at = None
            campaign.closed_at = None
        elif to == Status.CLOSED:
            campaign.closed_at = now
        campaign.full_clean()
        campaign.save()
        pages.changed()
        reopened = previous == Status.CLOSED and to == Status.LIVE
        audit.record(
            "campaign.reopen" if reopened else AUDIT_ACTIONS[to],
            actor=by,
            target=campaign,
            details={"slug": campaign.slug, "from": previous, "to": to},
        )
    return campaign


def publish(campaign: Campaign, *, by: AbstractBaseUser | None) -> Campaign:
    return transition(campaign, Status.LIVE, by=by)


def schedule(
    campaign: Campaign, *, launch_at: datetime | None = None, by: AbstractBaseUser | None
) -> Campaign:
    """Schedule for `launch_at` (or the campaign's own launch time, which must be ahead)."""
    when = launch_at or campaign.launch_at
    if when is None or when <= timezone.now():
        raise ValidationError({"launch_at": "Set a launch time in the future to schedule."})
    with transaction.atomic():
        Campaign.objects.filter(pk=campaign.pk).update(launch_at=when)
        campaign.launch_at = when
        return transition(campaign, Status.SCHEDULED, by=by)


def close(campaign: Campaign, *, by: AbstractBaseUser | None) -> Campaign:
    return transition(campaign, Status.CLOSED, by=by)


def unpublish_to_draft(campaign: Campaign, *, by: AbstractBaseUser | None) -> Campaign:
    return transition(campaign, Status.DRAFT, by=by)


def run_schedule(*, now: datetime | None = None) -> tuple[int, int]:
    """Launch scheduled campaigns whose time came and close those past their close time.

    Safe to run twice: each campaign is moved once, under a row lock.
    """
    now = now or timezone.now()
    launched = closed = 0
    due = Campaign.objects.filter(status=Status.SCHEDULED, launch_at__lte=now)
    for campaign in due:
        try:
            transition(campaign, Status.LIVE, by=None, now=now)
            launched += 1
        except InvalidTransition:
            pass
    ending = Campaign.objects.filter(status=Status.LIVE, close_at__lte=now)
    for campaign in ending:
        try:
            transition(campaign, Status.CLOSED, by=None, now=now)
            closed += 1
        except InvalidTransition:
            pass
    return launched, closed


# Apps that keep something per statement text (pledges keeps the versions people signed)
# register here from their AppConfig.ready; campaigns imports none of them.
_statement_listeners: list[Callable[[Campaign], object]] = []


def on_statement_edited(listener: Callable[[Campaign], object]) -> None:
    if listener not in _statement_listeners:
        _statement_listeners.append(listener)


def statement_edited(campaign: Campaign) -> None:
    """Staff changed the campaign's statement text (inside the edit's transaction)."""
    for listener in _statement_listeners:
        listener(campaign)
    pages.changed()  # signing snapshots hold the statement version: they go, on commit
