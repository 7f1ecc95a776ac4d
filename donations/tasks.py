"""Background work for donations: receipts and subscription cancellations. Idempotent."""

import logging

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation

from lib.mail import send_templated_email
from lib.retry import retry_later

logger = logging.getLogger(__name__)


@task()
def send_donation_receipt(donation_id: int, attempt: int = 1) -> bool:
    """Email the receipt for one payment, once: only while receipt_sent_at is empty."""
    from donations.models import Donation
    from donations.services import cancel_token

    with transaction.atomic():
        donation = (
            Donation.objects.select_for_update(of=("self",))
            .select_related("campaign", "parent")
            .filter(pk=donation_id)
            .first()
        )
        if donation is None or donation.receipt_sent_at is not None or not donation.email:
            return False
        if donation.status not in Donation.RECEIVED:
            return False
        gift = donation.gift
        cancel_url = ""
        if donation.frequency == Donation.Frequency.MONTHLY and not gift.subscription_ended_at:
            with translation.override(donation.language):
                cancel_url = settings.SITE_URL + reverse(
                    "donations:cancel_monthly", kwargs={"token": cancel_token(gift)}
                )
        try:
            send_templated_email(
                "donation-receipt",
                [donation.email],
                {"donation": donation, "campaign": donation.campaign, "cancel_url": cancel_url},
                language=donation.language,
            )
        except Exception:
            logger.exception("receipt for donation %s failed", donation_id)
            transaction.on_commit(lambda: retry_later(send_donation_receipt, attempt, donation_id))
            return False
        donation.receipt_sent_at = timezone.now()
        donation.save(update_fields=["receipt_sent_at"])
    return True


@task()
def cancel_stripe_subscription(donation_id: int, attempt: int = 1) -> bool:
    """Cancel a monthly gift at Stripe; the subscription.deleted webhook confirms it too."""
    from donations import stripe_gateway
    from donations.models import Donation
    from donations.services import end_subscription

    gift = Donation.objects.filter(pk=donation_id).first()
    if gift is None or gift.subscription_ended_at is not None:
        return False
    if not gift.stripe_subscription_id:
        # Checkout has not told us the subscription yet; try again later.
        retry_later(cancel_stripe_subscription, attempt, donation_id)
        return False
    try:
        stripe_gateway.cancel_subscription(gift.stripe_subscription_id)
    except stripe_gateway.GatewayError:
        logger.exception("cancelling subscription of donation %s failed", donation_id)
        retry_later(cancel_stripe_subscription, attempt, donation_id)
        return False
    end_subscription(gift)
    return True
