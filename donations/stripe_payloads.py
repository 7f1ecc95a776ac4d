"""The shape of the Stripe events the ledger reads, checked before anything is stored.

A correctly signed event can still carry values our code cannot use: a hand-made test
event, an API version we did not expect, a bug on either side. Every field a webhook
handler reads is checked here, with its type and range, so a bad one is a 400 naming the
field (Stripe shows it in the endpoint's log), never a 500 and never a half-applied event.
The whole body must also be storable as PostgreSQL `jsonb`: no NUL characters, no lone
surrogates, no NaN or Infinity, no absurd nesting.

Messages name fields and the expected type, never the value (it could be an email).
"""

import math
from collections.abc import Callable

from donations import money
from lib.currencies import is_iso_currency


class MalformedEvent(ValueError):
    """A signed event our ledger cannot read; the message says which field and why."""


Check = Callable[[str, object], None]

# Longest id or short string we store (the CharFields holding Stripe ids are 255 long).
MAX_STRING = 255
MAX_TYPE = 100
# Stripe amounts have at most 12 digits of minor units; anything larger is not money.
MAX_AMOUNT = 999_999_999_999
# Unix time up to the last second of 9999, the largest year a datetime can hold.
MAX_TIMESTAMP = 253_402_300_799
# Stripe's objects nest about ten levels deep; a hundred means something else.
MAX_DEPTH = 64
# Metadata values are short strings at Stripe (500 characters at most).
MAX_METADATA_VALUE = 500


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def string(path: str, value: object) -> None:
    if value is not None and not (isinstance(value, str) and len(value) <= MAX_STRING):
        raise MalformedEvent(f"{path} must be a string of at most {MAX_STRING} characters")


def required_string(path: str, value: object) -> None:
    if not isinstance(value, str) or not value:
        raise MalformedEvent(f"{path} must be a non-empty string")
    string(path, value)


def amount(path: str, value: object) -> None:
    if value is not None and not (_is_int(value) and 0 <= value <= MAX_AMOUNT):
        raise MalformedEvent(f"{path} must be a whole number of minor units from 0 to {MAX_AMOUNT}")


def timestamp(path: str, value: object) -> None:
    if value is not None and not (_is_int(value) and 0 <= value <= MAX_TIMESTAMP):
        raise MalformedEvent(f"{path} must be an integer Unix time from 0 to {MAX_TIMESTAMP}")


def required_timestamp(path: str, value: object) -> None:
    if value is None:
        raise MalformedEvent(f"{path} is missing")
    timestamp(path, value)


def currency(path: str, value: object) -> None:
    if value is None:
        return
    if not isinstance(value, str) or not is_iso_currency(money.normalise_currency(value)):
        raise MalformedEvent(f"{path} must be an ISO 4217 currency code in use")


def metadata(path: str, value: object) -> None:
    if value is None:
        return
    if not isinstance(value, dict):
        raise MalformedEvent(f"{path} must be an object")
    for key, item in value.items():
        if item is not None and not (isinstance(item, str) and len(item) <= MAX_METADATA_VALUE):
            raise MalformedEvent(f"{path}.{str(key)[:40]} must be a string")


def obj(fields: dict[str, Check], *, required: bool = False) -> Check:
    """An object (or null unless `required`) whose named fields pass their checks."""

    def check(path: str, value: object) -> None:
        if value is None and not required:
            return
        if not isinstance(value, dict):
            raise MalformedEvent(f"{path} must be an object")
        for name, field_check in fields.items():
            field_check(f"{path}.{name}", value.get(name))

    return check


def list_of(item_check: Check) -> Check:
    def check(path: str, value: object) -> None:
        if value is None:
            return
        if not isinstance(value, list):
            raise MalformedEvent(f"{path} must be a list")
        for index, item in enumerate(value):
            item_check(f"{path}[{index}]", item)

    return check


# What each handler in donations.services reads, and nothing more.
CHECKOUT_SESSION = obj(
    {
        "id": required_string,
        "metadata": metadata,
        "customer": string,
        "customer_details": obj({"email": string}),
        "mode": string,
        "subscription": string,
        "amount_total": amount,
        "currency": currency,
        "payment_intent": string,
        "payment_status": string,
    },
    required=True,
)
INVOICE = obj(
    {
        "id": required_string,
        "parent": obj(
            {"subscription_details": obj({"subscription": string, "metadata": metadata})}
        ),
        "amount_paid": amount,
        "payments": obj(
            {"data": list_of(obj({"payment": obj({"payment_intent": string})}, required=True))}
        ),
        "status_transitions": obj({"paid_at": timestamp}),
        "created": timestamp,
        "billing_reason": string,
        "currency": currency,
        "customer_email": string,
    },
    required=True,
)
CHARGE = obj(
    {
        "payment_intent": string,
        "metadata": metadata,
        "amount_refunded": amount,
        "created": timestamp,
    },
    required=True,
)
SUBSCRIPTION = obj(
    {"id": string, "metadata": metadata, "ended_at": timestamp, "canceled_at": timestamp},
    required=True,
)

OBJECTS: dict[str, Check] = {
    "checkout.session.completed": CHECKOUT_SESSION,
    "checkout.session.async_payment_succeeded": CHECKOUT_SESSION,
    "checkout.session.async_payment_failed": CHECKOUT_SESSION,
    "checkout.session.expired": CHECKOUT_SESSION,
    "invoice.paid": INVOICE,
    "charge.refunded": CHARGE,
    "customer.subscription.deleted": SUBSCRIPTION,
}

ENVELOPE = obj(
    {
        "id": required_string,
        "created": required_timestamp,
        "data": obj({"object": obj({}, required=True)}, required=True),
    },
    required=True,
)


def _check_storable(event: dict) -> None:
    """Everything in the body can be stored as jsonb (walked without recursion)."""
    stack: list[tuple[object, int]] = [(event, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise MalformedEvent(f"the event nests deeper than {MAX_DEPTH} levels")
        if isinstance(value, dict):
            for key, item in value.items():
                _check_text(key)
                stack.append((item, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, str):
            _check_text(value)
        elif isinstance(value, float) and not math.isfinite(value):
            raise MalformedEvent("the event contains NaN or Infinity")


def _check_text(text: str) -> None:
    if "\x00" in text:
        raise MalformedEvent("the event contains a NUL character")
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise MalformedEvent("the event contains a lone surrogate") from exc


def check_event(event: object) -> None:
    """Raise MalformedEvent unless `event` is a Stripe event the ledger can read and store."""
    if not isinstance(event, dict):
        raise MalformedEvent("the body is not an event object")
    ENVELOPE("event", event)
    event_type = event.get("type")
    if not isinstance(event_type, str) or not event_type or len(event_type) > MAX_TYPE:
        raise MalformedEvent(f"event.type must be a non-empty string of at most {MAX_TYPE}")
    _check_storable(event)
    object_check = OBJECTS.get(event_type)
    if object_check is not None:
        object_check("event.data.object", event["data"]["object"])


# Blocks of a Stripe object that describe the customer (name, email, address, phone). The
# ledger reads none of them from a stored event, so our copy goes without them.
PERSONAL_KEYS = frozenset(
    {
        "customer_details", "billing_details", "shipping_details", "shipping", "customer_email",
        "customer_name", "customer_address", "customer_phone", "customer_shipping",
        "receipt_email",
    }
)  # fmt: skip


def without_personal_details(value):
    """The event with every customer detail block emptied, at any depth."""
    if isinstance(value, dict):
        return {
            key: (None if key in PERSONAL_KEYS else without_personal_details(item))
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [without_personal_details(item) for item in value]
    return value
