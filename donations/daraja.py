"""A thin typed client of Safaricom's Daraja API: the three calls an STK push gift needs.

- `GET /oauth/v1/generate?grant_type=client_credentials` with HTTP basic auth (consumer key and
  secret) gives a bearer token, kept in the cache until shortly before it expires;
- `POST /mpesa/stkpush/v1/processrequest` asks the donor's phone to approve a payment
  (Lipa na M-Pesa Online, `CustomerPayBillOnline`);
- `POST /mpesa/stkpushquery/v1/query` asks Daraja itself how that request ended. Result callbacks
  are not signed, so a gift counts only on this answer (donations/services.py).

Every call goes over `requests` (tests intercept it with `responses`) with short timeouts: the
STK push is made while the donor waits on the page. `MPESA_ENVIRONMENT` picks the base URL:
`sandbox` (the default) or `production`; `fake` (DEBUG only) answers in-process, without an
account or the network, so the donate journey can be tried locally (see `FakeDaraja`).

Nothing here logs or returns the phone number.
"""

import base64
import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

import requests
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

logger = logging.getLogger(__name__)

BASE_URLS = {
    "sandbox": "https://sandbox.safaricom.co.ke",
    "production": "https://api.safaricom.co.ke",
}
TOKEN_PATH = "/oauth/v1/generate"  # noqa: S105  # nosec B105 - a URL path, not a secret
STK_PUSH_PATH = "/mpesa/stkpush/v1/processrequest"
STK_QUERY_PATH = "/mpesa/stkpushquery/v1/query"
# Daraja's timestamps are Kenyan wall-clock time.
NAIROBI = ZoneInfo("Africa/Nairobi")
# (connect, read) seconds: the donor is waiting for the prompt on their phone.
TIMEOUT = (3.05, 10)
# A token is reused until this many seconds before Daraja says it expires.
TOKEN_MARGIN_SECONDS = 60
# Daraja's field limits: AccountReference 12 characters, TransactionDesc 13.
ACCOUNT_REFERENCE_MAX = 12
TRANSACTION_DESC_MAX = 13
# The query's answers while the donor has not answered the prompt yet: an HTTP 500 with this
# error code, or (seen in production) result code 4999.
STILL_PROCESSING_ERROR = "500.001.1001"
STILL_PROCESSING_RESULT = "4999"


class DarajaError(Exception):
    """Daraja refused the request, or could not be reached: try again later."""


class Refused(DarajaError):
    """Daraja answered, and said no (bad credentials, an invalid number …)."""


class StillProcessing(DarajaError):
    """The STK push query has no result yet: the donor has not answered the prompt."""


@dataclass(frozen=True)
class StkPushAccepted:
    merchant_request_id: str
    checkout_request_id: str
    customer_message: str


@dataclass(frozen=True)
class StkQueryResult:
    checkout_request_id: str
    result_code: str
    result_desc: str

    @property
    def paid(self) -> bool:
        return self.result_code == "0"


def is_configured() -> bool:
    """Every setting an STK push needs is there (the fake needs only DEBUG)."""
    if settings.MPESA_ENVIRONMENT == "fake":
        return bool(settings.DEBUG)
    return all(
        (
            settings.MPESA_CONSUMER_KEY,
            settings.MPESA_CONSUMER_SECRET,
            settings.MPESA_SHORTCODE,
            settings.MPESA_PASSKEY,
            settings.MPESA_CALLBACK_SECRET,
        )
    )


def timestamp(moment: datetime | None = None) -> str:
    """YYYYMMDDHHmmss in Nairobi time, as Daraja wants it."""
    return (moment or timezone.now()).astimezone(NAIROBI).strftime("%Y%m%d%H%M%S")


def password(shortcode: str, passkey: str, stamp: str) -> str:
    """The STK push password: base64(shortcode + passkey + timestamp)."""
    return base64.b64encode(f"{shortcode}{passkey}{stamp}".encode()).decode()


class Client(Protocol):
    def stk_push(
        self,
        *,
        phone: str,
        amount_shillings: int,
        callback_url: str,
        account_reference: str,
        description: str,
    ) -> StkPushAccepted: ...

    def stk_query(self, checkout_request_id: str) -> StkQueryResult: ...


class DarajaClient:
    """The real API, sandbox or production."""

    def __init__(
        self,
        *,
        base_url: str,
        consumer_key: str,
        consumer_secret: str,
        shortcode: str,
        passkey: str,
    ):
        self.base_url = base_url.rstrip("/")
        self.consumer_key = consumer_key
        self.consumer_secret = consumer_secret
        self.shortcode = shortcode
        self.passkey = passkey

    # --- OAuth ------------------------------------------------------------------------

    def _token_key(self) -> str:
        # Per base URL and key, so a changed key or environment never reuses an old token.
        digest = hashlib.sha256(f"{self.base_url}|{self.consumer_key}".encode()).hexdigest()
        return f"mpesa:token:{digest[:32]}"

    def token(self) -> str:
        cached = cache.get(self._token_key())
        if cached:
            return cached
        try:
            response = requests.get(
                self.base_url + TOKEN_PATH,
                params={"grant_type": "client_credentials"},
                auth=(self.consumer_key, self.consumer_secret),
                timeout=TIMEOUT,
            )
        except requests.RequestException as exc:
            raise DarajaError(f"Daraja could not be reached ({type(exc).__name__})") from exc
        if response.status_code != 200:
            raise Refused(f"Daraja refused the credentials (HTTP {response.status_code})")
        body = _json(response)
        token = body.get("access_token")
        try:
            expires_in = int(body.get("expires_in") or 0)  # a string in Daraja's answers
        except (TypeError, ValueError):
            expires_in = 0
        if not isinstance(token, str) or not token:
            raise DarajaError("Daraja's token answer has no access_token")
        lifetime = expires_in - TOKEN_MARGIN_SECONDS
        if lifetime > 0:
            cache.set(self._token_key(), token, lifetime)
        return token

    def _post(self, path: str, payload: dict) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token()}"}
        try:
            response = requests.post(
                self.base_url + path, json=payload, headers=headers, timeout=TIMEOUT
            )
        except requests.RequestException as exc:
            raise DarajaError(f"Daraja could not be reached ({type(exc).__name__})") from exc
        if response.status_code == 401:
            # A token revoked before its time: forget it, so the next call fetches another.
            cache.delete(self._token_key())
        return response

    # --- STK push ---------------------------------------------------------------------

    def stk_push_payload(
        self,
        *,
        phone: str,
        amount_shillings: int,
        callback_url: str,
        account_reference: str,
        description: str,
        moment: datetime | None = None,
    ) -> dict:
        return {
            **self._credentials(moment),
            "TransactionType": "CustomerPayBillOnline",
            "Amount": amount_shillings,
            "PartyA": phone,
            "PartyB": self.shortcode,
            "PhoneNumber": phone,
            "CallBackURL": callback_url,
            "AccountReference": account_reference[:ACCOUNT_REFERENCE_MAX],
            "TransactionDesc": description[:TRANSACTION_DESC_MAX],
        }

    def _credentials(self, moment: datetime | None = None) -> dict:
        """What every STK call starts with: the shortcode, its password and their timestamp."""
        stamp = timestamp(moment)
        return {
            "BusinessShortCode": self.shortcode,
            "Password": password(self.shortcode, self.passkey, stamp),
            "Timestamp": stamp,
        }

    def stk_push(
        self,
        *,
        phone: str,
        amount_shillings: int,
        callback_url: str,
        account_reference: str,
        description: str,
    ) -> StkPushAccepted:
        payload = self.stk_push_payload(
            phone=phone,
            amount_shillings=amount_shillings,
            callback_url=callback_url,
            account_reference=account_reference,
            description=description,
        )
        response = self._post(STK_PUSH_PATH, payload)
        body = _json(response, refused_ok=True)
        if response.status_code != 200 or str(body.get("ResponseCode")) != "0":
            raise Refused(_error_text(body, response))
        checkout = body.get("CheckoutRequestID")
        if not isinstance(checkout, str) or not checkout:
            raise DarajaError("Daraja accepted the STK push without a CheckoutRequestID")
        return StkPushAccepted(
            merchant_request_id=str(body.get("MerchantRequestID") or "")[:100],
            checkout_request_id=checkout,
            customer_message=str(body.get("CustomerMessage") or "")[:255],
        )

    def stk_query(self, checkout_request_id: str) -> StkQueryResult:
        payload = {**self._credentials(), "CheckoutRequestID": checkout_request_id}
        response = self._post(STK_QUERY_PATH, payload)
        body = _json(response, refused_ok=True)
        if body.get("errorCode") == STILL_PROCESSING_ERROR:
            raise StillProcessing("the transaction is being processed")
        if response.status_code >= 500:
            raise DarajaError(f"Daraja failed to answer the query (HTTP {response.status_code})")
        if response.status_code != 200 or str(body.get("ResponseCode")) != "0":
            raise Refused(_error_text(body, response))
        result_code = body.get("ResultCode")
        if result_code is None or str(result_code) == STILL_PROCESSING_RESULT:
            raise StillProcessing("the transaction is being processed")
        answered_for = body.get("CheckoutRequestID")
        if answered_for not in (None, checkout_request_id):
            raise DarajaError("Daraja answered the query for another CheckoutRequestID")
        return StkQueryResult(
            checkout_request_id=checkout_request_id,
            result_code=str(result_code),
            result_desc=str(body.get("ResultDesc") or "")[:255],
        )


def _json(response: requests.Response, *, refused_ok: bool = False) -> dict:
    try:
        body = response.json()
    except ValueError as exc:
        if refused_ok and response.status_code != 200:
            return {}
        raise DarajaError(f"Daraja's answer is not JSON (HTTP {response.status_code})") from exc
    return body if isinstance(body, dict) else {}


def _error_text(body: dict, response: requests.Response) -> str:
    # Daraja's error shape: {"requestId", "errorCode", "errorMessage"}; never the number.
    code = str(body.get("errorCode") or body.get("ResponseCode") or response.status_code)
    message = str(body.get("errorMessage") or body.get("ResponseDescription") or "")
    return f"Daraja refused the request: {code} {message}"[:255]


class FakeDaraja:
    """`MPESA_ENVIRONMENT=fake`, for local development only (settings refuse it without DEBUG).

    The STK push is accepted at once with a made-up CheckoutRequestID; nothing reaches a phone.
    `manage.py mpesa_fake_callback` then posts the callback Daraja would send, and the query
    answers with that callback's result code, or "still processing" before there is one. So
    locally the platform's own check trusts the callback, which real Daraja never lets it do.
    """

    def stk_push(
        self,
        *,
        phone: str,
        amount_shillings: int,
        callback_url: str,
        account_reference: str,
        description: str,
    ) -> StkPushAccepted:
        checkout = "ws_CO_FAKE" + secrets.token_hex(8).upper()
        return StkPushAccepted(
            merchant_request_id="FAKE-" + secrets.token_hex(4),
            checkout_request_id=checkout,
            customer_message="Success. Request accepted for processing (fake)",
        )

    def stk_query(self, checkout_request_id: str) -> StkQueryResult:
        from donations.models import MpesaCallback

        callback = MpesaCallback.objects.filter(checkout_request_id=checkout_request_id).first()
        if callback is None:
            raise StillProcessing("no fake callback yet")
        return StkQueryResult(
            checkout_request_id=checkout_request_id,
            result_code=str(callback.result_code),
            result_desc=callback.result_desc,
        )


def client() -> Client:
    if settings.MPESA_ENVIRONMENT == "fake":
        return FakeDaraja()
    return DarajaClient(
        base_url=BASE_URLS[settings.MPESA_ENVIRONMENT],
        consumer_key=settings.MPESA_CONSUMER_KEY,
        consumer_secret=settings.MPESA_CONSUMER_SECRET,
        shortcode=settings.MPESA_SHORTCODE,
        passkey=settings.MPESA_PASSKEY,
    )
