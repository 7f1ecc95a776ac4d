"""M-Pesa gifts' own rules: Kenyan phone numbers, whole shillings, the callback's shape, where the
method is offered. No writes here (donations/services.py), no HTTP (donations/daraja.py).

Amounts. KES has two decimals in ISO 4217 (and so in our ledger: 150000 minor units are
KES 1,500.00), but M-Pesa moves whole shillings only: a gift is a whole number of shillings,
converted to and from minor units by the money helpers, never by `* 100`.

Phone numbers. Donors type 0712 345 678, 0112345678, +254 712 345 678 or 254712345678; Daraja
wants 2547XXXXXXXX (or 2541XXXXXXXX for the newer 01 prefixes), the SMS provider +2547….
"""

import hmac
import ipaddress
import json
import math
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from donations import daraja, money
from donations.models import MpesaSetting

CURRENCY = "KES"
# M-Pesa's limits for one customer payment, in shillings.
MIN_SHILLINGS = 1
MAX_SHILLINGS = 150_000
# A callback is a few hundred bytes; anything far bigger is not Daraja's.
MAX_CALLBACK_BYTES = 64 * 1024
# A made-up secret for MPESA_ENVIRONMENT=fake when none is set (DEBUG only).
FAKE_CALLBACK_SECRET = "local-fake-callback-secret"  # noqa: S105  # nosec B105 - DEBUG only

_SEPARATORS = re.compile(r"[\s\-().]")
# Safaricom's mobile numbers: 07XX XXX XXX and 01XX XXX XXX, in the national significant form.
_KENYAN_MOBILE = re.compile(r"^(?:7\d{8}|1\d{8})$")


class InvalidPhone(ValueError):
    """Not a Kenyan mobile number."""


class MalformedCallback(ValueError):
    """The body is not an STK push result as Daraja documents it; the message names the field."""


def normalise_phone(raw: str) -> str:
    """A Kenyan mobile number as Daraja wants it: "0712 345 678" → "254712345678"."""
    text = _SEPARATORS.sub("", str(raw or "").strip())
    if text.startswith("+"):
        text = text[1:]
        if not text.startswith("254"):
            raise InvalidPhone("not a Kenyan number")
    if not text.isascii() or not text.isdigit():
        raise InvalidPhone("not a phone number")
    if text.startswith("254"):
        national = text[3:]
    elif text.startswith("0"):
        national = text[1:]
    else:
        national = text
    if not _KENYAN_MOBILE.match(national):
        raise InvalidPhone("not a Kenyan mobile number")
    return "254" + national


def e164(msisdn: str) -> str:
    """254712345678 → +254712345678, for the SMS provider."""
    return "+" + msisdn


def shillings_to_minor(shillings: int) -> int:
    return money.to_minor(shillings, CURRENCY)


def minor_to_shillings(amount_minor: int) -> int:
    """Whole shillings of an amount in minor units; MoneyError if it has cents."""
    major = money.from_minor(amount_minor, CURRENCY)
    if major != major.to_integral_value():
        raise money.MoneyError("M-Pesa takes whole shillings")
    return int(major)


def validate_gift_minor(amount_minor: int) -> None:
    """MoneyError unless a whole number of shillings within M-Pesa's limits."""
    shillings = minor_to_shillings(amount_minor)
    if not MIN_SHILLINGS <= shillings <= MAX_SHILLINGS:
        raise money.MoneyError("outside M-Pesa's limits")


def callback_secret() -> str:
    if settings.MPESA_CALLBACK_SECRET:
        return settings.MPESA_CALLBACK_SECRET
    return FAKE_CALLBACK_SECRET if settings.MPESA_ENVIRONMENT == "fake" else ""


def secret_matches(given: str) -> bool:
    expected = callback_secret()
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def address_allowed(address: str) -> bool:
    """Whether a callback may come from `address` (MPESA_CALLBACK_ALLOWED_IPS; empty: any)."""
    allowed = settings.MPESA_CALLBACK_ALLOWED_IPS
    if not allowed:
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(network, strict=False) for network in allowed)


def available() -> bool:
    """Daraja is configured on this site (without keys M-Pesa is offered nowhere)."""
    return daraja.is_configured()


def offered(campaign: Campaign | None) -> bool:
    """M-Pesa on this donate page: configured, and Finance turned it on for the campaign (or,
    with `campaign` None, for the general fund)."""
    if not available():
        return False
    return MpesaSetting.objects.filter(campaign=campaign, enabled=True).exists()


# --- The result callback --------------------------------------------------------------


@dataclass(frozen=True)
class StkCallback:
    merchant_request_id: str
    checkout_request_id: str
    result_code: int
    result_desc: str
    # From CallbackMetadata, on success only. Unverified (the callback is unsigned): kept for
    # Finance's reconciliation, never what makes a gift count.
    receipt_number: str = ""
    amount_shillings: int | None = None


# Daraja's request ids: "ws_CO_191220191020363925", "29115-34620561-1".
_REQUEST_ID = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")


def _request_id(value, name: str, *, required: bool = True) -> str:
    if value in (None, "") and not required:
        return ""
    if not isinstance(value, str) or not _REQUEST_ID.match(value):
        raise MalformedCallback(f"{name} is not a request id")
    return value


def _description(value) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise MalformedCallback("ResultDesc is not a text")
    return "".join(c for c in value if c.isprintable())[:255].strip()


def parse_callback(body: bytes) -> StkCallback:
    """Read an STK push result (the issue's and Daraja's documented shape) or raise
    MalformedCallback naming the field."""
    try:
        text = body.decode("utf-8")
        document = json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise MalformedCallback("the body is not JSON") from exc
    if "\x00" in text or "\\u0000" in text.lower():
        # PostgreSQL's jsonb cannot store a NUL; Daraja never sends one.
        raise MalformedCallback("the body holds a NUL character")
    callback = (document.get("Body") if isinstance(document, dict) else None) or {}
    callback = callback.get("stkCallback") if isinstance(callback, dict) else None
    if not isinstance(callback, dict):
        raise MalformedCallback("Body.stkCallback is missing")
    code = callback.get("ResultCode")
    if isinstance(code, str) and code.isascii() and code.isdigit():
        code = int(code)
    if isinstance(code, bool) or not isinstance(code, int) or not 0 <= code < 10**9:
        raise MalformedCallback("ResultCode is not a number")
    metadata = callback.get("CallbackMetadata")
    receipt, amount = "", None
    if metadata is not None:
        items = metadata.get("Item") if isinstance(metadata, dict) else None
        if not isinstance(items, list):
            raise MalformedCallback("CallbackMetadata.Item is not a list")
        values = {}
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("Name"), str):
                raise MalformedCallback("CallbackMetadata.Item has an item without a Name")
            values[item["Name"]] = item.get("Value")
        receipt = values.get("MpesaReceiptNumber") or ""
        if not isinstance(receipt, str) or len(receipt) > 40 or not receipt.isascii():
            raise MalformedCallback("MpesaReceiptNumber is not a receipt number")
        if receipt and not receipt.isalnum():
            raise MalformedCallback("MpesaReceiptNumber is not a receipt number")
        raw_amount = values.get("Amount")
        if raw_amount is not None:
            if (
                isinstance(raw_amount, bool)
                or not isinstance(raw_amount, int | float)
                or not math.isfinite(raw_amount)
                or not 0 <= raw_amount < 10**12
            ):
                raise MalformedCallback("Amount is not a number")
            amount = int(raw_amount) if raw_amount == int(raw_amount) else None
    return StkCallback(
        merchant_request_id=_request_id(
            callback.get("MerchantRequestID"), "MerchantRequestID", required=False
        ),
        checkout_request_id=_request_id(callback.get("CheckoutRequestID"), "CheckoutRequestID"),
        result_code=code,
        result_desc=_description(callback.get("ResultDesc")),
        receipt_number=receipt,
        amount_shillings=amount,
    )


def without_personal_details(body: bytes) -> dict:
    """The callback as we keep it: everything but the payer's phone number."""
    document = json.loads(body.decode("utf-8"))
    metadata = document["Body"]["stkCallback"].get("CallbackMetadata")
    if isinstance(metadata, dict) and isinstance(metadata.get("Item"), list):
        metadata["Item"] = [
            item for item in metadata["Item"] if item.get("Name") not in ("PhoneNumber",)
        ]
    return document


# What a result code means to the donor waiting on the page (Daraja's documented codes).
RESULT_MESSAGES = {
    "1032": _("You cancelled the request on your phone. Nothing was paid."),
    "1037": _("Your phone could not be reached in time. Nothing was paid."),
    "1": _("Your M-Pesa balance was not enough for this gift. Nothing was paid."),
    "2001": _("The M-Pesa PIN entered was wrong. Nothing was paid."),
}
DEFAULT_FAILURE = _("M-Pesa did not complete the payment. Nothing was paid.")


def failure_message(result_code: str):
    return RESULT_MESSAGES.get(result_code, DEFAULT_FAILURE)
