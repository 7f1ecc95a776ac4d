"""The only code that changes partner access and webhooks: one function per use case.

Events are queued by `partners.events.emit`; deliveries are sent and logged by
`partners.deliveries`; goals are announced by `partners.goals`.
"""

import secrets

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from campaigns.models import Campaign
from partners.models import (
    Partner,
    PartnerToken,
    WebhookDelivery,
    WebhookSubscription,
    hash_token,
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


def erase_from_deliveries(hashed: str) -> int:
    """Erasure: no webhook payload of ours keeps a signer's details, and none still waiting is
    sent. (A delivery already sent reached the partner, who agreed to receive it; our copy of
    it goes.) `hashed` is the keyed hash of the signer's mailbox."""
    with transaction.atomic():
        deliveries = WebhookDelivery.objects.select_for_update().filter(person_hash=hashed)
        erased = 0
        for delivery in deliveries:
            delivery.payload["data"].pop("signer", None)
            delivery.payload["data"]["erased"] = True
            delivery.person_hash = ""
            if delivery.status == WebhookDelivery.Status.PENDING:
                delivery.status = WebhookDelivery.Status.FAILED
                delivery.error = "erased at the signer's request"
            delivery.save(update_fields=["payload", "person_hash", "status", "error"])
            erased += 1
    return erased


def forget_delivered_signers(cutoff) -> int:
    """Retention (`lib.personal_data.forget_spent_addresses`): a delivery naming a signer that
    reached the partner before `cutoff` keeps no copy of the signer's details."""
    forgotten = 0
    with transaction.atomic():
        delivered = WebhookDelivery.objects.select_for_update().filter(
            status=WebhookDelivery.Status.SUCCEEDED, delivered_at__lt=cutoff
        )
        for delivery in delivered.exclude(person_hash=""):
            delivery.payload["data"].pop("signer", None)
            delivery.person_hash = ""
            delivery.save(update_fields=["payload", "person_hash"])
            forgotten += 1
    return forgotten
