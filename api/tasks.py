import logging
import time

from django.tasks import task

from api import webhooks
from campaigns.retry import MAX_ATTEMPTS, retry_later

logger = logging.getLogger(__name__)


@task()
def deliver_webhook(delivery_id: int, attempt: int = 1) -> bool:
    """POST one event to its subscriber. Idempotent: a delivered event is not sent again."""
    from api import services
    from api.models import WebhookDelivery

    delivery = WebhookDelivery.objects.select_related("subscription").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
        return False
    subscription = delivery.subscription
    if not subscription.is_active:
        services.record_delivery(
            delivery, ok=False, status=None, error="subscription disabled", final=True
        )
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
    delivery = services.record_delivery(
        delivery, ok=outcome.ok, status=outcome.status, error=outcome.error, final=final
    )
    if not outcome.ok and not final:
        logger.info("webhook delivery %s failed (attempt %s): retrying", delivery_id, attempt)
        retry_later(deliver_webhook, attempt, delivery_id)
    return outcome.ok


@task()
def check_goals(campaign_id: int) -> list[str]:
    """Announce goals reached; other apps enqueue this after a figure moves."""
    from api import services
    from campaigns.models import Campaign

    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        return []
    return services.announce_reached_goals(campaign)


@task()
def regenerate_open_data() -> list[str]:
    from api import open_data

    return open_data.regenerate()
