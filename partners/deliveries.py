"""Sending webhook deliveries and logging each attempt (in the task worker, never a request)."""

import logging
import time
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.tasks import task
from django.utils import timezone

from lib.retry import MAX_ATTEMPTS, retry_later
from partners import webhooks
from partners.models import WebhookDelivery, WebhookSubscription

logger = logging.getLogger(__name__)


@task()
def deliver_webhook(delivery_id: int, attempt: int = 1) -> bool:
    """POST one event to its subscriber. Idempotent: a delivered event is not sent again."""
    delivery = WebhookDelivery.objects.select_related("subscription").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
        return False
    subscription = delivery.subscription
    if not subscription.is_active:
        record_delivery(delivery, ok=False, status=None, error="subscription disabled", final=True)
        return False
    body = webhooks.encode(delivery.payload)
    timestamp = int(time.time())
    outcome = webhooks.post(
        subscription.url,
        body,
        {
            webhooks.SIGNATURE_HEADER: webhooks.signature_header(
                subscription.secret, timestamp, body
            ),
            "X-Coalition-Event": delivery.event_type,
            "X-Coalition-Delivery": str(delivery.event_id),
        },
    )
    final = outcome.ok or attempt >= MAX_ATTEMPTS
    delivery = record_delivery(
        delivery, ok=outcome.ok, status=outcome.status, error=outcome.error, final=final
    )
    if not outcome.ok and not final:
        logger.info("webhook delivery %s failed (attempt %s): retrying", delivery_id, attempt)
        retry_later(deliver_webhook, attempt, delivery_id)
    return outcome.ok


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
