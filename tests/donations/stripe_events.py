"""Real Stripe event payloads from JSON fixtures, signed exactly as Stripe signs them."""

import json
import re
from pathlib import Path

import stripe

from donations.models import Donation

EVENTS_DIR = Path(__file__).parent / "events"
WEBHOOK_SECRET = "whsec_test_donations_endpoint_secret"
PLACEHOLDER = re.compile(r"__[A-Z_]+__")


def build_event(fixture: str, **values) -> str:
    """Fill the fixture's __PLACEHOLDERS__ and return the JSON body Stripe would send."""
    text = (EVENTS_DIR / f"{fixture}.json").read_text()
    for key, value in values.items():
        text = text.replace(f"__{key.upper()}__", str(value))
    leftover = PLACEHOLDER.findall(text)
    assert not leftover, f"unfilled placeholders in {fixture}: {leftover}"
    json.loads(text)
    return text


def sign(payload: str, secret: str = WEBHOOK_SECRET) -> str:
    return stripe.WebhookSignature.generate_signature_header(payload, secret)


def post_event(client, payload: str, *, signature: str | None = None):
    headers = {"Stripe-Signature": signature if signature is not None else sign(payload)}
    return client.post(
        "/stripe/webhook/", data=payload, content_type="application/json", headers=headers
    )


def session_completed(
    donation: Donation,
    *,
    event_id: str | None = None,
    payment_intent: str | None = None,
    payment_status: str = "paid",
    type: str = "checkout.session.completed",
) -> str:
    return build_event(
        "checkout.session.completed.payment",
        event_id=event_id or f"evt_cs_{donation.pk}_{type.rsplit('.', 1)[-1]}",
        type=type,
        session_id=f"cs_test_{donation.pk}",
        amount=donation.amount_minor,
        currency=donation.currency.lower(),
        donation_id=donation.pk,
        reference=donation.reference,
        payment_intent=payment_intent or f"pi_{donation.pk}",
        payment_status=payment_status,
    )


def session_expired(donation: Donation, *, event_id: str | None = None) -> str:
    """The Checkout Session of `donation` expired unpaid (same session id as above)."""
    return build_event(
        "checkout.session.expired",
        event_id=event_id or f"evt_cs_{donation.pk}_expired",
        session_id=f"cs_test_{donation.pk}",
        amount=donation.amount_minor,
        currency=donation.currency.lower(),
        donation_id=donation.pk,
        reference=donation.reference,
    )


def session_failed(donation: Donation, *, event_id: str | None = None) -> str:
    """The delayed payment (e.g. SEPA debit) of `donation`'s Checkout Session failed."""
    return session_completed(
        donation,
        event_id=event_id,
        payment_status="unpaid",
        type="checkout.session.async_payment_failed",
    )


def subscription_session_completed(gift: Donation, *, event_id: str | None = None) -> str:
    return build_event(
        "checkout.session.completed.subscription",
        event_id=event_id or f"evt_cs_sub_{gift.pk}",
        session_id=f"cs_test_sub_{gift.pk}",
        amount=gift.amount_minor,
        currency=gift.currency.lower(),
        donation_id=gift.pk,
        reference=gift.reference,
        invoice_id=f"in_{gift.pk}_1",
        subscription_id=f"sub_{gift.pk}",
    )


def invoice_paid(gift: Donation, *, number: int, created: int | None = None) -> str:
    return build_event(
        "invoice.paid",
        event_id=f"evt_in_{gift.pk}_{number}",
        invoice_id=f"in_{gift.pk}_{number}",
        amount=gift.amount_minor,
        currency=gift.currency.lower(),
        billing_reason="subscription_create" if number == 1 else "subscription_cycle",
        created=created or 1795000000 + number * 2_600_000,
        donation_id=gift.pk,
        reference=gift.reference,
        subscription_id=f"sub_{gift.pk}",
        payment_intent=f"pi_{gift.pk}_in{number}",
    )


def charge_refunded(
    *,
    payment_intent: str,
    amount: int,
    refunded: int,
    currency: str = "eur",
    metadata: dict | None = None,
    event_id: str | None = None,
) -> str:
    return build_event(
        "charge.refunded",
        event_id=event_id or f"evt_refund_{payment_intent}_{refunded}",
        payment_intent=payment_intent,
        amount=amount,
        amount_refunded=refunded,
        currency=currency,
        metadata=json.dumps(metadata or {}),
        fully_refunded="true" if refunded >= amount else "false",
    )


def subscription_deleted(gift: Donation, *, event_id: str | None = None) -> str:
    return build_event(
        "customer.subscription.deleted",
        event_id=event_id or f"evt_subdel_{gift.pk}",
        subscription_id=f"sub_{gift.pk}",
        donation_id=gift.pk,
        reference=gift.reference,
    )
