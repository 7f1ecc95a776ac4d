"""Signing and sending webhook requests (called from tasks only, never in a request)."""

import hashlib
import hmac
import http.client
import ipaddress
import json
import socket
import ssl
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


def allowed_address(host: str, port: int) -> str | None:
    """The address to connect to for `host`, or None when any of its addresses is private,
    loopback or link-local (no reaching inside our network). Resolved once: the delivery
    connects to exactly this address, so a DNS answer that changes between the check and
    the connection (rebinding) cannot move it inside."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        return None
    addresses = [info[4][0] for info in infos]
    if not addresses:
        return None
    loopback_ok = host in LOOPBACK_HOSTS and allow_http_loopback()
    for address in addresses:
        ip = ipaddress.ip_address(address)
        if not (ip.is_global or (loopback_ok and ip.is_loopback)):
            return None
    return addresses[0]


def address_allowed(host: str) -> bool:
    return allowed_address(host, 443) is not None


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


def _pinned(connection_class, address: str):
    """An http.client connection that connects to `address` whatever `host` resolves to now,
    while TLS still checks the certificate against `host` (SNI and verification)."""

    class Pinned(connection_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            # http.client sets this per instance in __init__; it makes every connection.
            self._create_connection = self._connect_pinned

        def _connect_pinned(self, host_port, timeout=None, source_address=None):
            return socket.create_connection((address, host_port[1]), timeout, source_address)

    return Pinned


def post(url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    """POST `body` to `url`; redirects are not followed (one could lead to an address we
    refuse) and count as a failure."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    https = parts.scheme == "https"
    try:
        port = parts.port or (443 if https else 80)
    except ValueError:
        return Outcome(False, None, "invalid port")
    address = allowed_address(host, port)
    if address is None:
        return Outcome(False, None, "address not allowed")
    if https:
        connection = _pinned(http.client.HTTPSConnection, address)(
            host, port, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context()
        )
    else:
        connection = _pinned(http.client.HTTPConnection, address)(
            host, port, timeout=TIMEOUT_SECONDS
        )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    all_headers = {"Content-Type": "application/json", "User-Agent": "coalition-webhooks/1"}
    try:
        connection.request("POST", path, body=body, headers=all_headers | headers)
        status = connection.getresponse().status
    except (OSError, http.client.HTTPException, ValueError) as exc:
        return Outcome(False, None, str(exc)[:500] or type(exc).__name__)
    finally:
        connection.close()
    if 200 <= status < 300:
        return Outcome(True, status)
    return Outcome(False, status, f"HTTP {status}")
