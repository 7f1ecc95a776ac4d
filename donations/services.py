"""The only code that changes donations: one function per use case, each atomic.

Money is counted only from verified Stripe webhooks (`process_stripe_event`) or from
Finance recording an offline gift; the browser's return from Checkout changes nothing.

Late payments. Money Stripe says arrived is always recorded, once. A payment confirmed
(`checkout.session.completed` with `payment_status` paid, or
`checkout.session.async_payment_succeeded`) after its donation was marked failed or
expired reopens that same donation as succeeded: the transition table allows
failed → succeeded and expired → succeeded and nothing else out of those states. The same
row is kept rather than a new one linked to it because it is the same Checkout Session
and payment intent (both unique), and its receipt, refunds and reports follow it.
Stripe does not promise to deliver events in order, so "failed" or "expired" arriving
after the payment was counted changes nothing.

Refused changes. A status change the table refuses (e.g. expired after succeeded) is not
an error for Stripe: the event is stored with outcome "ignored" and the reason, logged
as a warning (ids and statuses only, no personal data) and acknowledged with a 200, so
Stripe stops retrying. Nothing else the event would have changed is applied.

M-Pesa. `begin_mpesa_payment` stores a pending gift and asks Daraja for an STK push to the
donor's phone (in the request, with short timeouts: the donor is waiting for the prompt).
Daraja's result callback is unsigned, so `record_mpesa_callback` only stores it, once per
CheckoutRequestID, and enqueues `confirm_mpesa_payment`, which asks Daraja itself (the STK
push query); `apply_mpesa_result` counts the gift on that answer, or marks it failed. The same
check is also enqueued a little after the push, so a callback that never comes changes
nothing either. Whichever arrives first, callback or check, and however often, the ledger ends
the same: one donation, counted once, one stored callback.

Idempotent offline gifts. Each rendered offline-gift form carries a random key stored
with the gift under a unique constraint: the same form posted twice, even at the same
moment, records one gift; the repeat raises `GiftAlreadyRecorded` naming it.
"""

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns import progress
from campaigns.models import Campaign
from donations import daraja, money, mpesa, queries, references, stripe_gateway, stripe_payloads
from donations.models import Donation, MpesaCallback, StripeEvent
from donations.tasks import (
    cancel_stripe_subscription,
    confirm_mpesa_payment,
    send_donation_receipt,
)
from lib import sms
from lib.mailboxes import email_hash
from lib.text import REPLACEMENT_CHARACTER, single_line
from lib.transitions import InvalidTransition
from partners.models import Partner

logger = logging.getLogger(__name__)

Status = Donation.Status

TRANSITIONS: dict[str, set[str]] = {
    Status.PENDING: {Status.PROCESSING, Status.SUCCEEDED, Status.FAILED, Status.EXPIRED},
    Status.PROCESSING: {Status.SUCCEEDED, Status.FAILED},
    Status.SUCCEEDED: {Status.PARTIALLY_REFUNDED, Status.REFUNDED},
    Status.PARTIALLY_REFUNDED: {Status.PARTIALLY_REFUNDED, Status.REFUNDED},
    Status.REFUNDED: set(),
    # A late payment: Stripe confirmed money after the failure or expiry (module docstring).
    Status.FAILED: {Status.SUCCEEDED},
    Status.EXPIRED: {Status.SUCCEEDED},
}

CANCEL_SALT = "donations.cancel-monthly"


class UnknownDonation(Exception):
    """Event metadata names a donation we never created."""


class CheckoutUnavailable(Exception):
    """Card payment is not configured, or Stripe could not be reached."""


class GiftAlreadyRecorded(Exception):
    """This offline-gift form was already posted: `gift` is the one it recorded."""

    def __init__(self, gift: Donation):
        super().__init__(f"offline gift {gift.pk} was already recorded with this key")
        self.gift = gift


def transition(donation: Donation, to: str) -> Donation:
    """Move a (locked) donation to `to`, or raise InvalidTransition. Caller saves."""
    if to not in TRANSITIONS[donation.status]:
        raise InvalidTransition(donation, to)
    donation.status = to
    return donation


def _refuse_garbled(**texts: str) -> None:
    """Text decoded from invalid UTF-8 (U+FFFD) is refused, not stored garbled."""
    garbled = {
        name: "Garbled text." for name, text in texts.items() if REPLACEMENT_CHARACTER in text
    }
    if garbled:
        raise ValidationError(garbled)


def _raised_moved(donation) -> None:
    """The money raised moved (on commit, the cached figures go stale; goals are checked)."""
    progress.moved(donation.campaign_id, "raised")


# --- Giving online -------------------------------------------------------------------


@dataclass(frozen=True)
class GiftDetails:
    amount_minor: int
    currency: str
    frequency: str = Donation.Frequency.ONCE
    donor_name: str = ""
    email: str = ""
    public_listing: bool = False
    message: str = ""


def start_donation(
    campaign: Campaign | None,
    details: GiftDetails,
    *,
    language: str = "en",
    partner: Partner | None = None,
) -> Donation:
    """Store a pending card donation (it counts only once Stripe confirms it)."""
    currency = money.normalise_currency(details.currency)
    if currency not in money.supported_currencies():
        raise ValidationError({"currency": "Unsupported currency."})
    try:
        money.validate_gift_minor(details.amount_minor, currency)
    except money.MoneyError as exc:
        raise ValidationError({"amount_minor": str(exc)}) from exc
    _refuse_garbled(donor_name=details.donor_name, message=details.message)
    with transaction.atomic():
        donation = Donation(
            campaign=campaign,
            method=Donation.Method.CARD,
            frequency=details.frequency,
            amount_minor=details.amount_minor,
            currency=currency,
            donor_name=single_line(details.donor_name),
            email=details.email.strip().lower(),
            email_hash=_hash_of(details.email),
            public_listing=details.public_listing,
            message=details.message.strip(),
            language=language,
            partner=partner,
        )
        donation.full_clean()
        donation.save()
    return donation


def begin_checkout(
    campaign: Campaign | None,
    details: GiftDetails,
    *,
    language: str,
    success_url: str,
    cancel_url: str,
    partner: Partner | None = None,
) -> tuple[Donation, str]:
    """Create the pending donation, then its Stripe Checkout Session; return the Checkout URL.

    The Stripe call happens after the donation is committed (so its id is in the
    session's metadata) and is retried by Stripe's idempotency key if repeated.
    """
    if not stripe_gateway.is_configured():
        raise CheckoutUnavailable("card payment is not configured")
    donation = start_donation(campaign, details, language=language, partner=partner)
    try:
        session = stripe_gateway.create_checkout_session(
            donation, success_url=success_url, cancel_url=cancel_url
        )
    except stripe_gateway.GatewayError as exc:
        with transaction.atomic():
            locked = Donation.objects.select_for_update().get(pk=donation.pk)
            transition(locked, Status.FAILED)
            locked.save(update_fields=["status"])
        raise CheckoutUnavailable(str(exc)) from exc
    with transaction.atomic():
        locked = Donation.objects.select_for_update().get(pk=donation.pk)
        if not locked.stripe_checkout_session_id:
            locked.stripe_checkout_session_id = session.id
            locked.save(update_fields=["stripe_checkout_session_id"])
    return locked, session.url


def _mark_succeeded(donation: Donation, *, when: datetime) -> None:
    """Count a locked donation's money, once: receipt enqueued in the same transaction."""
    if donation.status in Donation.RECEIVED:
        return
    transition(donation, Status.SUCCEEDED)
    donation.succeeded_at = when
    if donation.received_on is None:
        donation.received_on = when.date()
    donation.full_clean()
    donation.save()
    send_donation_receipt.enqueue(donation.pk)
    _raised_moved(donation)
    if donation.refunded_minor:
        # The refund arrived before the payment was confirmed.
        _apply_refund(donation, donation.refunded_minor, when=when)


def _apply_refund(donation: Donation, refunded_minor: int, *, when: datetime) -> None:
    """Record Stripe's cumulative refunded amount on a locked donation (max wins: order-free)."""
    refunded_minor = min(max(donation.refunded_minor, refunded_minor), donation.amount_minor)
    changed = refunded_minor != donation.refunded_minor
    donation.refunded_minor = refunded_minor
    if donation.status in Donation.RECEIVED and refunded_minor:
        to = (
            Status.REFUNDED
            if refunded_minor >= donation.amount_minor
            else (Status.PARTIALLY_REFUNDED)
        )
        if donation.status != to:
            transition(donation, to)
            donation.refunded_at = donation.refunded_at or when
            changed = True
    if changed:
        donation.full_clean()
        donation.save()
        progress.moved(donation.campaign_id)


# --- Stripe webhook ------------------------------------------------------------------


def _ts(value: int | None) -> datetime:
    # Checked by stripe_payloads: an integer Unix time within datetime's range, or None.
    return datetime.fromtimestamp(value, tz=UTC) if value else timezone.now()


def _ignore(record: StripeEvent, reason: str) -> None:
    record.outcome = StripeEvent.Outcome.IGNORED
    record.waiting_for = ""
    record.reason = reason[:255]


def _hash_of(email: str) -> str:
    """The keyed hash that counts donors and finds their gifts once the address is gone."""
    return email_hash(email) if email.strip() else ""


def _usable_email(raw: str | None) -> str:
    """An email Stripe collected, normalised; "" if our validator would refuse it.

    A receipt address we cannot use must not stop the payment being counted.
    """
    email = (raw or "").strip().lower()
    try:
        # The field's own validators: the address's form and its length.
        Donation._meta.get_field("email").run_validators(email)
    except ValidationError:
        return ""
    return email


def _metadata_donation(metadata: dict | None) -> Donation | None:
    """The locked donation named in Stripe metadata, None if none is named."""
    raw = (metadata or {}).get("donation_id")
    if raw in (None, ""):
        return None
    raw = str(raw)
    # ASCII digits only (int() would take "٣" or "1_0"), and within a bigint.
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
        raise UnknownDonation("the donation id is not a number")
    pk = int(raw)
    donation = Donation.objects.select_for_update().filter(pk=pk, method=Donation.Method.CARD)
    found = donation.first()
    if found is None:
        raise UnknownDonation(f"no donation {pk}")
    return found


def _set_payment_intent(donation: Donation, payment_intent: str | None) -> None:
    if payment_intent and not donation.stripe_payment_intent_id:
        donation.stripe_payment_intent_id = payment_intent
        donation.save(update_fields=["stripe_payment_intent_id"])


def _replay_waiting(payment_intent: str | None) -> None:
    """Apply events that arrived before we knew their payment (e.g. an early refund)."""
    if not payment_intent:
        return
    waiting = StripeEvent.objects.select_for_update().filter(
        waiting_for=payment_intent, outcome=StripeEvent.Outcome.DEFERRED
    )
    for record in waiting:
        HANDLERS[record.type](record.payload["data"]["object"], record)


def _session_donation(session: dict) -> Donation | None:
    """The locked donation a Checkout Session belongs to: by metadata, else by session id."""
    donation = _metadata_donation(session.get("metadata"))
    if donation is None:
        donation = (
            Donation.objects.select_for_update()
            .filter(stripe_checkout_session_id=session.get("id") or "-")
            .first()
        )
    return donation


def _on_checkout_completed(session: dict, record: StripeEvent) -> None:
    donation = _session_donation(session)
    if donation is None:
        _ignore(record, "no donation for this Checkout Session")
        return
    if not donation.stripe_checkout_session_id:
        donation.stripe_checkout_session_id = session["id"]
    donation.stripe_customer_id = donation.stripe_customer_id or (session.get("customer") or "")
    email = _usable_email((session.get("customer_details") or {}).get("email"))
    # A forgotten address comes back when a receipt is owed again (a late payment), but only
    # the donor's own: Stripe's checkout address is the one they gave us.
    if email and not donation.email and donation.email_hash in ("", _hash_of(email)):
        donation.email, donation.email_hash = email, _hash_of(email)
    when = _ts(record.payload.get("created"))
    if session.get("mode") == "subscription":
        # Money is counted from invoice.paid; the session only links the subscription.
        donation.stripe_subscription_id = donation.stripe_subscription_id or (
            session.get("subscription") or ""
        )
        donation.save()
        return
    if session.get("amount_total") and donation.status not in Donation.RECEIVED:
        donation.amount_minor = session["amount_total"]
        donation.currency = money.normalise_currency(session.get("currency") or donation.currency)
    donation.save()
    payment_intent = session.get("payment_intent") or ""
    _set_payment_intent(donation, payment_intent)
    payment_status = session.get("payment_status")
    if record.type == "checkout.session.async_payment_failed":
        # Refused once the money was counted (or the donation already failed): ignored.
        transition(donation, Status.FAILED)
        donation.save(update_fields=["status"])
    elif payment_status in ("paid", "no_payment_required"):
        _mark_succeeded(donation, when=when)
    elif donation.status == Status.PENDING:
        transition(donation, Status.PROCESSING)
        donation.save(update_fields=["status"])
    _replay_waiting(payment_intent)


def _on_checkout_expired(session: dict, record: StripeEvent) -> None:
    donation = _session_donation(session)
    if donation is None:
        _ignore(record, "no donation for this Checkout Session")
        return
    # Only a pending donation expires; after a payment (even a late one) this is refused.
    transition(donation, Status.EXPIRED)
    donation.save(update_fields=["status"])


def _invoice_payment_intent(invoice: dict) -> str:
    payments = (invoice.get("payments") or {}).get("data") or []
    for item in payments:
        payment = item.get("payment") or {}
        if payment.get("payment_intent"):
            return payment["payment_intent"]
    return ""


def _on_invoice_paid(invoice: dict, record: StripeEvent) -> None:
    details = (invoice.get("parent") or {}).get("subscription_details") or {}
    subscription = details.get("subscription") or ""
    gift = _metadata_donation(details.get("metadata"))
    if gift is None and subscription:
        gift = (
            Donation.objects.select_for_update()
            .filter(stripe_subscription_id=subscription, parent=None)
            .first()
        )
    if gift is None:
        _ignore(record, "no monthly gift for this invoice")
        return
    if not invoice.get("amount_paid"):
        _ignore(record, "nothing was paid")
        return
    if Donation.objects.filter(stripe_invoice_id=invoice["id"]).exists():
        return
    if subscription and not gift.stripe_subscription_id:
        gift.stripe_subscription_id = subscription
        gift.save(update_fields=["stripe_subscription_id"])
    payment_intent = _invoice_payment_intent(invoice)
    when = _ts((invoice.get("status_transitions") or {}).get("paid_at") or invoice.get("created"))
    first_charge = invoice.get("billing_reason") == "subscription_create"
    if first_charge and not gift.stripe_invoice_id and gift.status not in Donation.RECEIVED:
        charge = gift
    else:
        charge = Donation(
            parent=gift,
            campaign_id=gift.campaign_id,
            method=Donation.Method.CARD,
            frequency=Donation.Frequency.MONTHLY,
            donor_name=gift.donor_name,
            email=gift.email,
            email_hash=gift.email_hash,
            public_listing=gift.public_listing,
            language=gift.language,
            stripe_subscription_id=gift.stripe_subscription_id,
            stripe_customer_id=gift.stripe_customer_id,
            partner_id=gift.partner_id,
        )
    charge.stripe_invoice_id = invoice["id"]
    charge.stripe_payment_intent_id = charge.stripe_payment_intent_id or payment_intent
    charge.amount_minor = invoice["amount_paid"]
    charge.currency = money.normalise_currency(invoice.get("currency") or gift.currency)
    if not charge.email:
        invoiced = _usable_email(invoice.get("customer_email"))
        if invoiced and charge.email_hash in ("", _hash_of(invoiced)):
            charge.email, charge.email_hash = invoiced, _hash_of(invoiced)
    charge.full_clean()
    charge.save()
    _mark_succeeded(charge, when=when)
    _replay_waiting(payment_intent)


def _on_charge_refunded(charge: dict, record: StripeEvent) -> None:
    payment_intent = charge.get("payment_intent") or ""
    donation = None
    if payment_intent:
        donation = (
            Donation.objects.select_for_update()
            .filter(stripe_payment_intent_id=payment_intent)
            .first()
        )
    if donation is None:
        donation = _metadata_donation(charge.get("metadata"))
        if donation is not None:
            _set_payment_intent(donation, payment_intent)
    if donation is None:
        if not payment_intent:
            _ignore(record, "no payment to refund")
            return
        # Its payment is not known yet: wait for checkout.session.completed or invoice.paid.
        record.outcome = StripeEvent.Outcome.DEFERRED
        record.waiting_for = payment_intent
        if record.pk:
            record.save(update_fields=["outcome", "waiting_for"])
        return
    _apply_refund(
        donation, int(charge.get("amount_refunded") or 0), when=_ts(charge.get("created"))
    )
    if record.outcome == StripeEvent.Outcome.DEFERRED and record.pk:
        record.outcome = StripeEvent.Outcome.APPLIED
        record.waiting_for = ""
        record.save(update_fields=["outcome", "waiting_for"])


def _on_subscription_deleted(subscription: dict, record: StripeEvent) -> None:
    gift = _metadata_donation(subscription.get("metadata"))
    if gift is None:
        gift = (
            Donation.objects.select_for_update()
            .filter(stripe_subscription_id=subscription.get("id") or "-", parent=None)
            .first()
        )
    if gift is None:
        _ignore(record, "no monthly gift for this subscription")
        return
    _end_subscription(
        gift, when=_ts(subscription.get("ended_at") or subscription.get("canceled_at"))
    )
    if not gift.stripe_subscription_id and subscription.get("id"):
        gift.stripe_subscription_id = subscription["id"]
        gift.save(update_fields=["stripe_subscription_id"])


Handler = Callable[[dict, StripeEvent], None]

HANDLERS: dict[str, Handler] = {
    "checkout.session.completed": _on_checkout_completed,
    "checkout.session.async_payment_succeeded": _on_checkout_completed,
    "checkout.session.async_payment_failed": _on_checkout_completed,
    "checkout.session.expired": _on_checkout_expired,
    "invoice.paid": _on_invoice_paid,
    "charge.refunded": _on_charge_refunded,
    "customer.subscription.deleted": _on_subscription_deleted,
}


def process_stripe_event(event: dict) -> str:
    """Apply a verified Stripe event once; returns the outcome ("duplicate" if seen before).

    Raises MalformedEvent (a ValueError; nothing stored) when a field the ledger reads has
    the wrong type or range, and UnknownDonation (nothing stored) when the metadata names
    a donation we never made. A status change the transition table refuses is stored as
    "ignored" with its reason and returned, not raised (see the module docstring).
    """
    stripe_payloads.check_event(event)
    event_id, event_type, obj = event["id"], event["type"], event["data"]["object"]
    with transaction.atomic():
        handler = HANDLERS.get(event_type)
        record = StripeEvent(
            event_id=event_id,
            type=event_type,
            # Our copy keeps what the ledger reads, not the customer's name and addresses.
            payload=stripe_payloads.without_personal_details(event),
            outcome=StripeEvent.Outcome.APPLIED if handler else StripeEvent.Outcome.IGNORED,
            reason="" if handler else "not an event the ledger uses",
        )
        try:
            with transaction.atomic():
                record.save()
        except IntegrityError:
            return "duplicate"
        if handler is None:
            return record.outcome
        try:
            # A savepoint: a refused transition undoes everything this event changed.
            with transaction.atomic():
                handler(obj, record)
        except InvalidTransition as exc:
            _ignore(record, f"refused: {exc}")
            logger.warning("Stripe event %s (%s) ignored: %s", event_id, event_type, record.reason)
        record.save(update_fields=["outcome", "waiting_for", "reason"])
    return record.outcome


# --- Monthly gifts -------------------------------------------------------------------


def cancel_token(gift: Donation) -> str:
    return signing.dumps(str(gift.reference), salt=CANCEL_SALT)


def gift_for_cancel_token(token: str) -> Donation | None:
    try:
        reference = signing.loads(token, salt=CANCEL_SALT)
    except signing.BadSignature:
        return None
    return (
        Donation.objects.filter(
            reference=reference, frequency=Donation.Frequency.MONTHLY, parent=None
        )
        .select_related("campaign")
        .first()
    )


def request_monthly_cancellation(gift: Donation) -> Donation:
    """The donor asked to stop: cancel at Stripe through the task queue."""
    with transaction.atomic():
        gift = Donation.objects.select_for_update().get(pk=gift.pk)
        if gift.subscription_ended_at or gift.cancel_requested_at:
            return gift
        gift.cancel_requested_at = timezone.now()
        gift.save(update_fields=["cancel_requested_at"])
        cancel_stripe_subscription.enqueue(gift.pk)
    return gift


def _end_subscription(gift: Donation, *, when: datetime) -> None:
    if gift.subscription_ended_at is None:
        gift.subscription_ended_at = when
        gift.save(update_fields=["subscription_ended_at"])


def end_subscription(gift: Donation, *, when: datetime | None = None) -> Donation:
    with transaction.atomic():
        gift = Donation.objects.select_for_update().get(pk=gift.pk)
        _end_subscription(gift, when=when or timezone.now())
    return gift


# --- Offline gifts -------------------------------------------------------------------


def _raise_if_recorded(idempotency_key: uuid.UUID) -> None:
    recorded = (
        Donation.objects.exclude(method__in=Donation.ONLINE)
        .filter(idempotency_key=idempotency_key)
        .first()
    )
    if recorded is not None:
        raise GiftAlreadyRecorded(recorded)


def campaign_for_gift(campaign: Campaign | None, donor_reference: str) -> Campaign | None:
    """The campaign an offline gift counts toward, from the reference the donor quoted
    (donations/references.py) and the one Finance chose, if any; ValidationError when the
    reference is no campaign's or names another campaign than the one chosen."""
    if not donor_reference.strip():
        return campaign
    try:
        quoted = references.resolve(donor_reference)
    except references.UnknownReference:
        raise ValidationError(
            {
                "donor_reference": _(
                    "This is not one of our references: check it for a typo, or choose the "
                    "campaign yourself and leave this empty."
                )
            }
        ) from None
    if campaign is not None and (quoted is None or quoted.pk != campaign.pk):
        named = quoted.title if quoted else _("the general fund")
        raise ValidationError(
            {
                "donor_reference": _(
                    "This reference is for %(named)s, not for the campaign chosen."
                )
                % {"named": named}
            }
        )
    return quoted


def record_offline_gift(
    *,
    method: str,
    amount_minor: int,
    currency: str,
    received_on: date,
    reference: str = "",
    campaign: Campaign | None = None,
    donor_reference: str = "",
    donor_name: str = "",
    email: str = "",
    public_listing: bool = False,
    language: str = "en",
    by: AbstractBaseUser | None,
    idempotency_key: uuid.UUID | None = None,
) -> Donation:
    """Finance records a bank transfer, cash or mobile-money gift; it counts at once.

    `idempotency_key` comes with the form (one per render): posting the same form again,
    even at the same moment, records nothing and raises GiftAlreadyRecorded naming the
    gift the first post recorded. `donor_reference`, the code the donor quoted, picks the
    campaign (`campaign_for_gift`).
    """
    campaign = campaign_for_gift(campaign, donor_reference)
    if method in Donation.ONLINE or method not in Donation.Method.values:
        raise ValidationError({"method": "Choose bank transfer, cash or mobile money."})
    currency = money.normalise_currency(currency)
    if currency not in queries.offline_gift_currencies():
        raise ValidationError({"currency": "Unsupported currency."})
    if amount_minor <= 0 or amount_minor > money.MAX_MINOR:
        raise ValidationError({"amount_minor": "Enter an amount above zero and below the limit."})
    _refuse_garbled(donor_name=donor_name, reference=reference)
    if idempotency_key is not None:
        _raise_if_recorded(idempotency_key)
    with transaction.atomic():
        gift = Donation(
            method=method,
            amount_minor=amount_minor,
            currency=currency,
            received_on=received_on,
            offline_reference=single_line(reference),
            campaign=campaign,
            donor_name=single_line(donor_name),
            email=email.strip().lower(),
            email_hash=_hash_of(email),
            public_listing=public_listing,
            language=language,
            recorded_by=by if by and by.is_authenticated else None,
            idempotency_key=idempotency_key,
        )
        # The key's uniqueness is the database's to enforce: two posts of one form race.
        gift.full_clean(exclude=["idempotency_key"])
        try:
            with transaction.atomic():
                gift.save()
        except IntegrityError:
            if idempotency_key is not None:
                _raise_if_recorded(idempotency_key)
            raise
        when = datetime.combine(received_on, datetime.min.time(), tzinfo=UTC)
        transition(gift, Status.SUCCEEDED)
        gift.succeeded_at = when
        gift.save(update_fields=["status", "succeeded_at"])
        if gift.email:
            send_donation_receipt.enqueue(gift.pk)
        _raised_moved(gift)
    return gift


# --- M-Pesa (STK push) -----------------------------------------------------------------

# The first check after a push, in case no callback comes: the prompt on the phone times out
# after about a minute, and Daraja's query then has the answer.
MPESA_FIRST_CHECK = timedelta(seconds=90)
MPESA_DESCRIPTION = "Donation"  # TransactionDesc: at most 13 characters, on the donor's prompt


class MpesaUnavailable(Exception):
    """M-Pesa is not offered on this page, or Daraja refused or could not be reached."""


class UnknownCheckout(Exception):
    """A callback for a CheckoutRequestID none of our gifts has."""


@dataclass(frozen=True)
class MpesaGiftDetails:
    amount_minor: int
    phone: str
    receipt_by: str = Donation.ReceiptChannel.EMAIL
    donor_name: str = ""
    email: str = ""
    public_listing: bool = False


def mpesa_callback_url() -> str:
    return settings.SITE_URL + reverse("mpesa_callback", kwargs={"secret": mpesa.callback_secret()})


def begin_mpesa_payment(
    campaign: Campaign | None,
    details: MpesaGiftDetails,
    *,
    language: str = "en",
    partner: Partner | None = None,
) -> Donation:
    """Store a pending M-Pesa gift, then send the STK push to the donor's phone.

    ValidationError for a number or amount M-Pesa would refuse (nothing stored);
    MpesaUnavailable when M-Pesa is not offered here, or Daraja refused or could not be reached
    (the gift is then stored as failed). The phone number is kept (encrypted) only for an SMS
    receipt; otherwise it goes to Daraja and nowhere else.
    """
    if not mpesa.offered(campaign):
        raise MpesaUnavailable("M-Pesa is not offered on this donate page")
    try:
        phone = mpesa.normalise_phone(details.phone)
    except mpesa.InvalidPhone:
        raise ValidationError({"phone": "Not a Kenyan mobile number."}) from None
    try:
        mpesa.validate_gift_minor(details.amount_minor)
    except money.MoneyError as exc:
        raise ValidationError({"amount_minor": str(exc)}) from exc
    _refuse_garbled(donor_name=details.donor_name)
    by_sms = details.receipt_by == Donation.ReceiptChannel.SMS and sms.is_configured()
    with transaction.atomic():
        donation = Donation(
            campaign=campaign,
            method=Donation.Method.MPESA,
            frequency=Donation.Frequency.ONCE,
            amount_minor=details.amount_minor,
            currency=mpesa.CURRENCY,
            donor_name=single_line(details.donor_name),
            email=details.email.strip().lower(),
            email_hash=_hash_of(details.email),
            public_listing=details.public_listing,
            language=language,
            partner=partner,
            receipt_by=Donation.ReceiptChannel.SMS if by_sms else Donation.ReceiptChannel.EMAIL,
            phone=phone if by_sms else "",
        )
        donation.full_clean()
        donation.save()
    try:
        accepted = daraja.client().stk_push(
            phone=phone,
            amount_shillings=mpesa.minor_to_shillings(donation.amount_minor),
            callback_url=mpesa_callback_url(),
            account_reference=references.reference_for(campaign),
            description=MPESA_DESCRIPTION,
        )
    except daraja.DarajaError as exc:
        logger.warning("STK push for donation %s failed: %s", donation.pk, exc)
        with transaction.atomic():
            locked = Donation.objects.select_for_update().get(pk=donation.pk)
            transition(locked, Status.FAILED)
            locked.phone = ""
            locked.save(update_fields=["status", "phone"])
        raise MpesaUnavailable(str(exc)) from exc
    with transaction.atomic():
        locked = Donation.objects.select_for_update().get(pk=donation.pk)
        locked.mpesa_checkout_request_id = accepted.checkout_request_id
        locked.mpesa_merchant_request_id = accepted.merchant_request_id
        locked.save(update_fields=["mpesa_checkout_request_id", "mpesa_merchant_request_id"])
        confirm_mpesa_payment.using(run_after=timezone.now() + MPESA_FIRST_CHECK).enqueue(locked.pk)
    return locked


def record_mpesa_callback(body: bytes) -> str:
    """Store Daraja's STK push result once; "stored" or "duplicate" (a repeat, unchanged).

    Raises MalformedCallback (a ValueError) or UnknownCheckout, storing nothing. A stored
    callback counts nothing by itself: it enqueues the platform's own check.
    """
    callback = mpesa.parse_callback(body)
    with transaction.atomic():
        donation = (
            Donation.objects.select_for_update()
            .filter(
                method=Donation.Method.MPESA,
                mpesa_checkout_request_id=callback.checkout_request_id,
            )
            .first()
        )
        if donation is None:
            raise UnknownCheckout(callback.checkout_request_id)
        record = MpesaCallback(
            checkout_request_id=callback.checkout_request_id,
            donation=donation,
            result_code=callback.result_code,
            result_desc=callback.result_desc,
            payload=mpesa.without_personal_details(body),
        )
        try:
            with transaction.atomic():
                record.save()
        except IntegrityError:
            return "duplicate"
        if callback.result_code == 0 and callback.receipt_number:
            # Unverified, for Finance's reconciliation only (what counts is the query).
            donation.mpesa_receipt_number = callback.receipt_number
            donation.save(update_fields=["mpesa_receipt_number"])
            claimed = callback.amount_shillings
            if claimed is not None and mpesa.shillings_to_minor(claimed) != donation.amount_minor:
                logger.warning("M-Pesa callback for donation %s claims another amount", donation.pk)
        if donation.status == Status.PENDING:
            confirm_mpesa_payment.enqueue(donation.pk)
    return "stored"


def apply_mpesa_result(donation_id: int, result: daraja.StkQueryResult) -> Donation:
    """Daraja's own answer to the STK push query: the gift counts ("0"), or it failed.

    Once: a gift already settled is left as it is, whatever a later answer says."""
    with transaction.atomic():
        donation = Donation.objects.select_for_update().get(
            pk=donation_id, method=Donation.Method.MPESA
        )
        if donation.status != Status.PENDING:
            return donation
        donation.mpesa_result_code = result.result_code[:12]
        if result.paid:
            _mark_succeeded(donation, when=timezone.now())
        else:
            transition(donation, Status.FAILED)
            donation.phone = ""  # no receipt is owed
            donation.save(update_fields=["status", "mpesa_result_code", "phone"])
    return donation


def expire_mpesa_payment(donation_id: int) -> Donation:
    """Daraja never gave an answer: the gift is given up as expired (nothing counted)."""
    with transaction.atomic():
        donation = Donation.objects.select_for_update().get(
            pk=donation_id, method=Donation.Method.MPESA
        )
        if donation.status == Status.PENDING:
            transition(donation, Status.EXPIRED)
            donation.phone = ""
            donation.save(update_fields=["status", "phone"])
    return donation


def mpesa_payments_to_check(older_than: timedelta) -> list[int]:
    """Pending M-Pesa gifts pushed more than `older_than` ago (for the sweeper command)."""
    cutoff = timezone.now() - older_than
    return list(
        Donation.objects.filter(
            method=Donation.Method.MPESA, status=Status.PENDING, created_at__lt=cutoff
        )
        .exclude(mpesa_checkout_request_id="")
        .values_list("pk", flat=True)
    )


def check_mpesa_payments(*, older_than: timedelta) -> int:
    """Ask Daraja again about every M-Pesa gift still pending (a check chain gave up, or a
    worker died): enqueue one check each; returns how many."""
    ids = mpesa_payments_to_check(older_than)
    with transaction.atomic():
        for pk in ids:
            confirm_mpesa_payment.enqueue(pk)
    return len(ids)
