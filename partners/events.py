"""Events for partners' webhooks. Domain services call `emit` inside their own transaction,
with a payload they built from public fields only; a delivery row and its task are queued per
subscription that wants the event, and commit or vanish with the caller's transaction."""

from django.db import transaction
from django.utils import timezone

from campaigns.models import Campaign
from partners.deliveries import deliver_webhook
from partners.models import EventType, Partner, WebhookDelivery, WebhookSubscription


def emit(
    event_type: str,
    payload: dict,
    *,
    partner: Partner | None = None,
    campaign: Campaign | None = None,
    person_hash: str = "",
) -> list[WebhookDelivery]:
    """Queue `event_type` for every active subscription that wants it.

    `partner` restricts the event to that partner's subscriptions (e.g. a signer who
    agreed to share details with that partner only); `campaign` restricts it to
    subscriptions for that campaign or for all campaigns. Call it inside the caller's
    transaction: deliveries and their tasks commit or vanish with it. `person_hash` is the
    keyed hash of the mailbox of a person the payload names, so erasure can find it.
    """
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
            delivery = WebhookDelivery(
                subscription=subscription, event_type=event_type, person_hash=person_hash
            )
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


def target_event(event_type: str, payload: dict, campaign: Campaign | None) -> None:
    """`campaigns.targets` listener: a target's reply or the target list changed. Sent to
    subscriptions for every campaign, and to those of the request's drive when it names one."""
    emit(event_type, payload, campaign=campaign)
