"""The only code that changes partner access and webhooks: one function per use case."""

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from api.models import EventType, ReachedGoal, WebhookDelivery, WebhookSubscription
from campaigns.models import Campaign, Partner, PartnerToken
from campaigns.partners import hash_token
from campaigns.progress import Progress, compute_progress

if TYPE_CHECKING:
    from pledges.models import (
        Commitment,
        CommitmentUpdate,
        ContactConfirmedPledge,
        OrgPledge,
        Signature,
    )

TOKEN_PREFIX = "cpt_"  # noqa: S105 - a label that makes leaked tokens recognisable # nosec B105


def issue_token(
    partner: Partner, *, name: str, scopes: list[str], by: AbstractBaseUser | None = None
) -> tuple[PartnerToken, str]:
    """Create a token; the raw value is returned once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = PartnerToken(
            partner=partner,
            name=name,
            scopes=sorted(set(scopes)),
            token_hash=hash_token(raw),
            prefix=raw[: len(TOKEN_PREFIX) + 6],
        )
        token.full_clean()
        token.save()
    return token, raw


def revoke_token(token: PartnerToken, *, by: AbstractBaseUser | None = None) -> PartnerToken:
    with transaction.atomic():
        token = PartnerToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
    return token


def subscribe_webhook(
    partner: Partner, *, url: str, events: list[str], campaign: Campaign | None = None
) -> WebhookSubscription:
    with transaction.atomic():
        subscription = WebhookSubscription(
            partner=partner,
            url=url,
            events=sorted(set(events)),
            campaign=campaign,
            secret="whsec_" + secrets.token_urlsafe(32),
        )
        subscription.full_clean()
        subscription.save()
    return subscription


def delete_webhook(subscription: WebhookSubscription) -> None:
    with transaction.atomic():
        subscription.delete()


def emit_event(
    event_type: str,
    payload: dict,
    *,
    partner: Partner | None = None,
    campaign: Campaign | None = None,
) -> list[WebhookDelivery]:
    """Queue `event_type` for every active subscription that wants it.

    `partner` restricts the event to that partner's subscriptions (e.g. a signer who
    agreed to share details with that partner only); `campaign` restricts it to
    subscriptions for that campaign or for all campaigns. Call it inside the caller's
    transaction: deliveries and their tasks commit or vanish with it.
    """
    from api.tasks import deliver_webhook

    if event_type not in EventType.values:
        raise ValueError(f"unknown event type {event_type!r}")
    subscriptions = WebhookSubscription.objects.filter(is_active=True).select_related("partner")
    if partner is not None:
        subscriptions = subscriptions.filter(partner=partner)
    if campaign is not None:
        subscriptions = subscriptions.filter(campaign__isnull=True) | subscriptions.filter(
            campaign=campaign
        )
    else:
        subscriptions = subscriptions.filter(campaign__isnull=True)
    created = []
    with transaction.atomic():
        for subscription in subscriptions:
            if event_type not in subscription.events:
                continue
            delivery = WebhookDelivery(subscription=subscription, event_type=event_type)
            delivery.payload = {
                "id": str(delivery.event_id),
                "type": event_type,
                "created": timezone.now().isoformat(),
                "campaign": campaign.slug if campaign else None,
                "data": payload,
            }
            delivery.full_clean()
            delivery.save()
            deliver_webhook.enqueue(delivery.pk)
            created.append(delivery)
    return created


def record_delivery(
    delivery: WebhookDelivery,
    *,
    ok: bool,
    status: int | None,
    error: str = "",
    final: bool,
    now: datetime | None = None,
) -> WebhookDelivery:
    """Log one attempt; disable the subscription after too many failures in a row."""
    now = now or timezone.now()
    max_failures = getattr(settings, "WEBHOOK_MAX_CONSECUTIVE_FAILURES", 10)
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        delivery.attempts += 1
        delivery.response_status = status
        delivery.error = error[:500]
        subscriptions = WebhookSubscription.objects.filter(pk=delivery.subscription_id)
        if ok:
            delivery.status = WebhookDelivery.Status.SUCCEEDED
            delivery.delivered_at = now
            subscriptions.update(consecutive_failures=0)
        else:
            if final:
                delivery.status = WebhookDelivery.Status.FAILED
            subscriptions.update(consecutive_failures=F("consecutive_failures") + 1)
            subscriptions.filter(consecutive_failures__gte=max_failures, is_active=True).update(
                is_active=False, disabled_at=now
            )
        delivery.full_clean()
        delivery.save()
    return delivery


def _reached(progress) -> list[tuple[str, int, int, dict]]:
    """(figure, goal, count, extra) for every goal met: counts, and money in the goal currency."""
    reached = [
        (figure.key, figure.goal, figure.count, {})
        for figure in progress.figures
        if figure.goal and figure.count >= figure.goal
    ]
    raised = progress.raised or {}
    goal_minor = raised.get("goal_minor")
    if goal_minor and raised.get("total_minor", 0) >= goal_minor:
        reached.append(
            ("raised", goal_minor, raised["total_minor"], {"currency": raised["currency"]})
        )
    return reached


def announce_reached_goals(campaign: Campaign) -> list[str]:
    """Emit `goal.reached` once for each goal the campaign's figures now meet.

    Reads fresh figures, not the cached ones: this runs right after the write that moved
    them, possibly before the cache was invalidated.
    """
    announced = []
    for key, goal, count, extra in _reached(compute_progress(campaign)):
        try:
            with transaction.atomic():
                ReachedGoal.objects.create(campaign=campaign, figure=key, goal=goal)
                emit_event(
                    EventType.GOAL_REACHED,
                    {"figure": key, "goal": goal, "count": count, **extra},
                    campaign=campaign,
                )
        except IntegrityError:
            continue  # announced already
        announced.append(key)
    return announced


# Called by the pledges and donations services, inside their transactions --------------


def queue_goal_check(campaign_id: int | None) -> None:
    """A figure moved: check the campaign's goals in the worker (after this commits)."""
    from api.tasks import check_goals

    if campaign_id:
        check_goals.enqueue(campaign_id)


def signature_confirmed(signature: "Signature") -> list[WebhookDelivery]:
    """`signature.confirmed`, to the partner who brought the signature and no one else.

    The signer's name and email are in it only if they agreed to share them with that partner.
    """
    from api.representation import confirmed_signature_payload

    if signature.partner_id is None:
        return []
    return emit_event(
        EventType.SIGNATURE_CONFIRMED,
        confirmed_signature_payload(signature),
        partner=signature.partner,
        campaign=signature.campaign,
    )


def organisation_approved(pledge: "OrgPledge") -> list[WebhookDelivery]:
    """`organisation.approved`, with the organisation's public details only."""
    from api.representation import organisation_payload

    return emit_event(
        EventType.ORGANISATION_APPROVED,
        {"organisation": organisation_payload(pledge.organisation)},
        campaign=pledge.campaign,
    )


# Figures counted from commitment statuses: a status change may reach their goals.
COMMITMENT_FIGURES = ("commitments_fulfilled",)


def has_commitment_goals(progress: Progress) -> bool:
    """Whether the campaign has a goal for a figure counted from commitment statuses."""
    return any(progress.goals.get(key) for key in COMMITMENT_FIGURES)


def _commitment_is_public(commitment: "Commitment") -> bool:
    from pledges.models import ContactConfirmedPledge

    pledge = commitment.pledge
    return pledge.status == ContactConfirmedPledge.Status.APPROVED and pledge.campaign.is_public()


def commitment_status_changed(
    commitment: "Commitment", update: "CommitmentUpdate", *, now: datetime
) -> list[WebhookDelivery]:
    """`commitment.status_changed` after a public status change (a moderator's update, an
    accepted contact update, a lapse), and a goal check if commitments count towards one.

    Called by pledges.commitment_services inside its transaction, the row locked and its
    new status set. Nothing for a commitment the public cannot see.
    """
    from api.representation import commitment_event_payload

    if not _commitment_is_public(commitment):
        return []
    campaign = commitment.pledge.campaign
    deliveries = emit_event(
        EventType.COMMITMENT_STATUS_CHANGED,
        commitment_event_payload(
            commitment,
            from_status=update.from_status or None,
            changed_at=now,
            note=update.note,
            evidence_url=update.evidence_url,
        ),
        campaign=campaign,
    )
    # Uncached: figures read inside this transaction must not reach the shared cache.
    if has_commitment_goals(compute_progress(campaign)):
        queue_goal_check(campaign.pk)
    return deliveries


def commitments_published(pledge: "ContactConfirmedPledge") -> list[WebhookDelivery]:
    """A commitment pledge was approved: each of its commitments becomes public, with
    `from_status` null and its current status (normally "pledged")."""
    from api.representation import commitment_event_payload
    from pledges.models import CommitmentPledge

    if not isinstance(pledge, CommitmentPledge) or not pledge.campaign.is_public():
        return []
    deliveries = []
    for commitment in pledge.commitments.select_related(
        "target", "pledge__organisation", "pledge__campaign"
    ).order_by("pk"):
        deliveries += emit_event(
            EventType.COMMITMENT_STATUS_CHANGED,
            commitment_event_payload(
                commitment, from_status=None, changed_at=pledge.moderated_at or timezone.now()
            ),
            campaign=pledge.campaign,
        )
    return deliveries
