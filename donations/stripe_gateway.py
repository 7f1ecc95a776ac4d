"""Everything that talks to Stripe's API or checks Stripe's signatures.

Card data never reaches us: donors pay on Stripe Checkout's hosted page.
"""

import json
from dataclasses import dataclass

import stripe
from django.conf import settings
from django.utils.translation import gettext

from donations.models import Donation

# Checkout locales we can pass through; anything else lets Stripe pick.
CHECKOUT_LOCALES = {"en", "es", "fr", "pt"}


class GatewayError(Exception):
    """Stripe refused or could not be reached."""


class BadSignature(Exception):
    """The webhook body was not signed with our endpoint secret."""


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str


def is_configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def _client() -> stripe.StripeClient:
    # No automatic network retries: the idempotency key makes a manual retry safe.
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, max_network_retries=0)


def checkout_params(donation: Donation, *, success_url: str, cancel_url: str) -> dict:
    """The Checkout Session request for `donation` (payment or subscription mode)."""
    metadata = {"donation_id": str(donation.pk), "reference": str(donation.reference)}
    if donation.campaign_id:
        metadata["campaign"] = donation.campaign.slug
        name = gettext("Gift to %(title)s") % {"title": donation.campaign.title}
    else:
        name = gettext("Gift to the general fund")
    price_data: dict = {
        "currency": donation.currency.lower(),
        "unit_amount": donation.amount_minor,
        "product_data": {"name": name[:250]},
    }
    params: dict = {
        "line_items": [{"price_data": price_data, "quantity": 1}],
        "success_url": success_url,
        "cancel_url": cancel_url,
        "client_reference_id": str(donation.pk),
        "metadata": metadata,
    }
    if donation.frequency == Donation.Frequency.MONTHLY:
        params["mode"] = "subscription"
        price_data["recurring"] = {"interval": "month"}
        params["subscription_data"] = {"metadata": metadata}
    else:
        params["mode"] = "payment"
        params["payment_intent_data"] = {"metadata": metadata}
        params["submit_type"] = "donate"
    if donation.email:
        params["customer_email"] = donation.email
    if donation.language in CHECKOUT_LOCALES:
        params["locale"] = donation.language
    return params


def create_checkout_session(
    donation: Donation, *, success_url: str, cancel_url: str
) -> CheckoutSession:
    params = checkout_params(donation, success_url=success_url, cancel_url=cancel_url)
    try:
        session = _client().v1.checkout.sessions.create(
            params, options={"idempotency_key": f"checkout-{donation.reference}"}
        )
    except stripe.StripeError as exc:
        raise GatewayError(exc.user_message or type(exc).__name__) from exc
    if not session.url:
        raise GatewayError("Stripe returned no Checkout URL")
    return CheckoutSession(id=session.id, url=session.url)


def cancel_subscription(subscription_id: str) -> None:
    """Cancel at Stripe now; an already-gone subscription counts as cancelled."""
    try:
        _client().v1.subscriptions.cancel(
            subscription_id, options={"idempotency_key": f"cancel-{subscription_id}"}
        )
    except stripe.InvalidRequestError as exc:
        if getattr(exc, "code", None) == "resource_missing":
            return
        raise GatewayError(exc.user_message or type(exc).__name__) from exc
    except stripe.StripeError as exc:
        raise GatewayError(exc.user_message or type(exc).__name__) from exc


def verify_event(payload: bytes, signature: str | None) -> dict:
    """Check the Stripe-Signature header and return the event as a plain dict."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret or not signature:
        raise BadSignature("missing signature or secret")
    try:
        # Decoded here: the library would raise UnicodeDecodeError (a 500) on a garbled body.
        text = payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadSignature("body is not UTF-8") from exc
    try:
        stripe.WebhookSignature.verify_header(
            text, signature, secret, stripe.Webhook.DEFAULT_TOLERANCE
        )
    except stripe.SignatureVerificationError as exc:
        raise BadSignature(str(exc)) from exc
    try:
        event = json.loads(text)
    except (ValueError, RecursionError) as exc:  # RecursionError: a signed JSON bomb
        raise BadSignature("body is not JSON") from exc
    if not isinstance(event, dict):
        raise BadSignature("body is not an event")
    return event
