"""The only code that changes campaigns: one function per use case, each atomic."""

from collections.abc import Callable
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from campaigns import access, pages
from campaigns.models import Campaign, CampaignTranslation
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


# A translation's own lifecycle: written (awaiting approval) → approved (public).


def save_translation(
    translation: CampaignTranslation,
    *,
    by: AbstractBaseUser,
    text_changed: bool,
    approve: bool = False,
    now: datetime | None = None,
) -> CampaignTranslation:
    """Store a translation edited in the staff area and decide whether it is public.

    An edit by someone who approves every translation (Communications) approves it; a
    translator's edit waits for approval (Communications, or another translator of the
    language), since the public reads it under the coalition's name. `approve` approves the
    unchanged text, if `by` may (`access.may_approve_translation`)."""
    now = now or timezone.now()
    if not access.may_edit_translation(by, translation.language):
        raise PermissionDenied
    adding = translation._state.adding
    if not (text_changed or adding or approve):
        return translation
    with transaction.atomic():
        if text_changed or adding:
            translation.edited_by = by
            translation.edited_at = now
            if access.approves_every_translation(by):
                _mark_approved(translation, by, now)
            else:
                translation.approved_at = translation.approved_by = None
        elif approve and not translation.is_approved:
            if not access.may_approve_translation(by, translation):
                raise PermissionDenied
            _mark_approved(translation, by, now)
        translation.full_clean()
        translation.save()
        audit.record(
            "campaign.translation_approve"
            if approve and not text_changed and not adding
            else "campaign.translation_edit",
            actor=by,
            target=translation.campaign,
            details={
                "slug": translation.campaign.slug,
                "language": translation.language,
                "approved": translation.is_approved,
            },
        )
        pages.changed()
    return translation


def approve_translation(
    translation: CampaignTranslation, *, by: AbstractBaseUser, now: datetime | None = None
) -> CampaignTranslation:
    """Make a translation awaiting approval public (PermissionDenied if `by` may not)."""
    return save_translation(translation, by=by, text_changed=False, approve=True, now=now)


def delete_translation(translation: CampaignTranslation, *, by: AbstractBaseUser) -> None:
    """Remove a translation (Communications): its readers get the default language."""
    if access.translation_languages(by) is not None or not by.has_perm(
        "campaigns.delete_campaigntranslation"
    ):
        raise PermissionDenied
    with transaction.atomic():
        audit.record(
            "campaign.translation_delete",
            actor=by,
            target=translation.campaign,
            details={"slug": translation.campaign.slug, "language": translation.language},
        )
        translation.delete()
        pages.changed()


def _mark_approved(translation: CampaignTranslation, by: AbstractBaseUser, now: datetime) -> None:
    translation.approved_at = now
    translation.approved_by = by
