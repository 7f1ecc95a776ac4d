"""Text messages through Africa's Talking's SMS API, with their official SDK (`africastalking`).

One function, `send_sms(to, message)`, for every app that texts people (M-Pesa receipts today;
signing by SMS can reuse it). The SDK posts over `requests`, so tests intercept it with
`responses`; nothing here is ever called inside a web request (callers are tasks).

Settings: `AFRICASTALKING_USERNAME` (default "sandbox", their free test account, which the SDK
sends to `api.sandbox.africastalking.com`), `AFRICASTALKING_API_KEY` (without it nothing is
sent: `is_configured()` is False and callers fall back to email) and `AFRICASTALKING_SENDER_ID`
(an approved alphanumeric sender or short code; empty: the provider's default).

Numbers are E.164 (`+254711000000`). A phone number is never logged.
"""

import json
import logging
import re
from dataclasses import dataclass

import requests
from africastalking.Service import AfricasTalkingException
from africastalking.SMS import SMSService
from django.conf import settings

logger = logging.getLogger(__name__)

E164 = re.compile(r"^\+[1-9]\d{7,14}$")
# Africa's Talking's per-recipient status codes: 100 processed, 101 sent, 102 queued.
DELIVERED = {100, 101, 102}
# The number itself is refused (invalid, unsupported, blacklisted): sending again will not help.
REFUSED_NUMBER = {403, 404, 406}
# The provider's timeouts (connect, read), as their SDK's default.
TIMEOUT = (3.05, 9.05)


class SmsError(Exception):
    """The provider could not be reached or refused the message; sending later may work."""


class SmsRefused(SmsError):
    """This number cannot get a text (malformed, not a mobile, blacklisted): do not retry."""


@dataclass(frozen=True)
class SmsSent:
    message_id: str
    status: str


def is_configured() -> bool:
    return bool(settings.AFRICASTALKING_USERNAME and settings.AFRICASTALKING_API_KEY)


def is_e164(number: str) -> bool:
    return bool(E164.match(number or ""))


def _service() -> SMSService:
    return SMSService(settings.AFRICASTALKING_USERNAME, settings.AFRICASTALKING_API_KEY)


def _answer(raw) -> dict:
    # The SDK parses the body only when the content type is exactly "application/json".
    if isinstance(raw, dict):
        return raw
    try:
        answer = json.loads(raw)
    except (TypeError, ValueError) as exc:
        raise SmsError("the provider's answer is not JSON") from exc
    if not isinstance(answer, dict):
        raise SmsError("the provider's answer is not an object")
    return answer


def send_sms(to: str, message: str) -> SmsSent:
    """Text `message` to one E.164 number; SmsRefused (do not retry) or SmsError (retry)."""
    if not is_configured():
        raise SmsError("SMS is not configured (AFRICASTALKING_API_KEY)")
    if not is_e164(to):
        raise SmsRefused("not an E.164 phone number")
    try:
        raw = _service().send(
            message, [to], sender_id=settings.AFRICASTALKING_SENDER_ID or None, timeout=TIMEOUT
        )
    except requests.RequestException as exc:
        raise SmsError(f"the SMS provider could not be reached ({type(exc).__name__})") from exc
    except AfricasTalkingException as exc:
        # Its message is the provider's body, which may echo the number: not repeated here.
        raise SmsError("the SMS provider refused the request") from exc
    except ValueError as exc:
        raise SmsRefused("the SMS provider's client refused the number") from exc
    data = _answer(raw).get("SMSMessageData")
    recipients = data.get("Recipients") if isinstance(data, dict) else None
    if not isinstance(recipients, list) or not recipients or not isinstance(recipients[0], dict):
        raise SmsError("the SMS provider sent the message to nobody")
    recipient = recipients[0]
    try:
        code = int(recipient.get("statusCode"))
    except (TypeError, ValueError) as exc:
        raise SmsError("the SMS provider's answer has no status code") from exc
    status = str(recipient.get("status") or "")[:60]
    if code in DELIVERED:
        return SmsSent(message_id=str(recipient.get("messageId") or "")[:100], status=status)
    logger.warning("SMS not accepted by the provider: %s (%s)", status, code)
    if code in REFUSED_NUMBER:
        raise SmsRefused(f"the SMS provider refused the number: {status}")
    raise SmsError(f"the SMS provider did not send the message: {status} ({code})")
