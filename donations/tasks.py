"""Background work for donations: receipts (email or SMS), subscription cancellations and the
platform's own check of M-Pesa payments. Idempotent."""

import logging

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from lib import sms
from lib.mail import send_templated_email
from lib.retry import retry_later

logger = logging.getLogger(__name__)


def sms_receipt_text(donation) -> str:
    """The receipt as a text message, in the donor's language; short, and without the
    no-break spaces of written money (they would make it a Unicode SMS of 70 characters)."""
    from donations.money import format_money

    with translation.override(donation.language):
        amount = format_money(donation.amount_minor, donation.currency, whole=True)
        amount = amount.replace("\u00a0", " ").replace("\u202f", " ")
        values = {
            "amount": amount,
            "title": donation.campaign.title[:40] if donation.campaign else "",
            "reference": str(donation.reference)[:8].upper(),
        }
        if donation.campaign:
            text = gettext("Thank you for your gift of %(amount)s to %(title)s.") % values
        else:
            text = gettext("Thank you for your gift of %(amount)s to the general fund.") % values
        if donation.mpesa_receipt_number:
            text += " " + gettext("M-Pesa receipt %(receipt)s.") % {
                "receipt": donation.mpesa_receipt_number
            }
        return text + " " + gettext("Our receipt no. %(reference)s.") % values


def _send_sms_receipt(donation, attempt: int) -> bool | None:
    """Inside the locked receipt transaction: text the receipt, then forget the number.
    True: sent; False: a retry is queued; None: the number was refused (try email)."""
    from donations import mpesa

    try:
        sms.send_sms(mpesa.e164(donation.phone), sms_receipt_text(donation))
    except sms.SmsRefused:
        logger.warning("SMS receipt for donation %s refused; the number is forgotten", donation.pk)
        donation.phone = ""
        donation.save(update_fields=["phone"])
        return None
    except sms.SmsError:
        logger.exception("SMS receipt for donation %s failed", donation.pk)
        transaction.on_commit(lambda: retry_later(send_donation_receipt, attempt, donation.pk))
        return False
    donation.receipt_sent_at = timezone.now()
    donation.phone = ""  # nothing more is owed to the number
    donation.save(update_fields=["receipt_sent_at", "phone"])
    return True


@task()
def send_donation_receipt(donation_id: int, attempt: int = 1) -> bool:
    """Send the receipt for one payment, once (only while receipt_sent_at is empty): by SMS
    when the donor asked for it and SMS is configured, otherwise by email."""
    from donations.models import Donation
    from donations.services import cancel_token

    with transaction.atomic():
        donation = (
            Donation.objects.select_for_update(of=("self",))
            .select_related("campaign", "parent")
            .filter(pk=donation_id)
            .first()
        )
        if donation is None or donation.receipt_sent_at is not None:
            return False
        if donation.status not in Donation.RECEIVED:
            return False
        by_sms = donation.receipt_by == Donation.ReceiptChannel.SMS and donation.phone
        if by_sms and sms.is_configured():
            sent = _send_sms_receipt(donation, attempt)
            if sent is not None:
                return sent
        if not donation.email:
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


@task()
def confirm_mpesa_payment(donation_id: int, attempt: int = 1) -> str:
    """Ask Daraja how an M-Pesa gift's STK push ended (the STK push query), and apply the answer.

    The only way an M-Pesa gift counts: callbacks are unsigned. No answer yet, or Daraja out of
    reach: asked again later (`retry_later`); with no answer after every attempt the gift
    expires. Run twice, or after the gift settled, it changes nothing."""
    from donations import daraja, services
    from donations.models import Donation

    donation = Donation.objects.filter(pk=donation_id, method=Donation.Method.MPESA).first()
    if donation is None or donation.status != Donation.Status.PENDING:
        return "settled"
    if not donation.mpesa_checkout_request_id:
        return "not pushed"
    try:
        result = daraja.client().stk_query(donation.mpesa_checkout_request_id)
    except daraja.StillProcessing:
        if retry_later(confirm_mpesa_payment, attempt, donation_id):
            return "waiting"
        services.expire_mpesa_payment(donation_id)
        return "expired"
    except daraja.DarajaError as exc:
        logger.warning("STK push query for donation %s failed: %s", donation_id, exc)
        if not retry_later(confirm_mpesa_payment, attempt, donation_id):
            logger.error(
                "donation %s: Daraja never answered; `manage.py check_mpesa_payments` asks again",
                donation_id,
            )
        return "retry"
    services.apply_mpesa_result(donation_id, result)
    return "paid" if result.paid else "failed"
