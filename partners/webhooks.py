"""Signing and sending webhook requests (called from tasks only, never in a request)."""

import hashlib
import hmac
import ipaddress
import json
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext_lazy as _

SIGNATURE_HEADER = "X-Coalition-Signature"
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
TIMEOUT_SECONDS = 10


def allow_http_loopback() -> bool:
    """Tests deliver to http://127.0.0.1; production only ever posts to HTTPS."""
    return getattr(settings, "WEBHOOKS_ALLOW_HTTP_LOOPBACK", False)


def url_problem(url: str) -> str | None:
    """Why `url` cannot receive webhooks, or None."""
    parts = urlsplit(url or "")
    host = (parts.hostname or "").lower()
    if not host:
        return str(_("Enter a full URL."))
    if parts.scheme == "https":
        if host in LOOPBACK_HOSTS and not allow_http_loopback():
            return str(_("Webhooks cannot be delivered to this host."))
        return None
    if parts.scheme == "http" and host in LOOPBACK_HOSTS and allow_http_loopback():
        return None
    return str(_("Webhook URLs must use HTTPS."))


def address_allowed(host: str) -> bool:
    """Refuse private, loopback and link-local addresses (no reaching inside our network)."""
    if host in LOOPBACK_HOSTS and allow_http_loopback():
        return True
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            return False
    return True


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """HMAC-SHA256 over `<timestamp>.<body>`, hex encoded."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify(secret: str, header: str, body: bytes) -> bool:
    """What a receiver does (documented in docs/api.md); used by the tests."""
    try:
        fields = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    return hmac.compare_digest(fields.get("v1", ""), signature(secret, timestamp, body))


def encode(envelope: dict) -> bytes:
    return json.dumps(envelope, separators=(",", ":"), sort_keys=True).encode()


@dataclass(frozen=True)
class Outcome:
    ok: bool
    status: int | None
    error: str = ""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect could lead to an address we refuse; treat it as a failure."""

    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def post(url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    host = (urlsplit(url).hostname or "").lower()
    if not address_allowed(host):
        return Outcome(False, None, "address not allowed")
    request = urllib.request.Request(  # noqa: S310 - scheme checked by url_problem
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "User-Agent": "coalition-webhooks/1"}
        | headers,
    )
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return Outcome(200 <= response.status < 300, response.status)
    except urllib.error.HTTPError as exc:
        return Outcome(False, exc.code, f"HTTP {exc.code}")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return Outcome(False, None, str(exc)[:500])
