"""Who is submitting, as keyed hashes, and whether they are over a rate limit.

Rate limits count recent `SigningAttempt` rows on an index (the database is the only
shared state we can rely on: local-memory caches are per process). Over-limit
submissions are not rejected: the services store them as suspect, uncounted and held
for moderators, and the sender sees the usual "check your email" page.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.http import HttpRequest

from lib.clients import client_ip
from lib.hashing import keyed_hash
from lib.mailboxes import canonical_email, email_hash
from pledges.models import SigningAttempt

# (maximum attempts, window in seconds). The per-IP limit is generous on purpose:
# offices, universities and mobile carriers put many people behind one address.
DEFAULT_RATE_LIMITS = {
    "ip": (60, 3600),
    "email": (5, 3600),
    "domain": (300, 3600),
}


def rate_limits() -> dict[str, tuple[int, int]]:
    return {**DEFAULT_RATE_LIMITS, **getattr(settings, "PLEDGE_RATE_LIMITS", {})}


@dataclass(frozen=True)
class Client:
    """The submitter as the services see it: hashes only."""

    ip_hash: str = ""

    @classmethod
    def from_request(cls, request: HttpRequest) -> "Client":
        ip = client_ip(request)
        return cls(ip_hash=keyed_hash(ip, purpose="ip") if ip else "")


def email_domain(email: str) -> str:
    return email.rpartition("@")[2]


# Public mailbox providers that millions share: a viral campaign brings thousands of their
# users an hour, so the per-domain limit (meant for scripted throwaway domains) skips them.
SHARED_MAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com",
        "yahoo.com", "icloud.com", "me.com", "aol.com", "proton.me", "protonmail.com",
        "gmx.de", "gmx.net", "web.de", "mail.ru", "yandex.ru", "qq.com", "163.com",
        "riseup.net", "posteo.de", "tutanota.com", "disroot.org", "laposte.net", "orange.fr",
        "free.fr", "uol.com.br", "bol.com.br", "naver.com", "rediffmail.com",
    }
)  # fmt: skip


def shared_mail_domains() -> frozenset[str]:
    extra = getattr(settings, "PLEDGE_SHARED_MAIL_DOMAINS", ())
    return SHARED_MAIL_DOMAINS | {domain.casefold() for domain in extra}


def _serialise_per_address(hashed: str) -> None:
    """Take a transaction-long lock on this address: concurrent submissions for one mailbox
    count and log one after another, so N racing requests cannot all see "under the limit".
    Other addresses are not held up. SQLite runs one writer at a time anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [hashed])


def record_attempt(client: Client, email: str, *, now: datetime) -> bool:
    """Log one submission; True when it goes over any limit (it is still logged).

    Call it inside the caller's transaction: the per-address lock lasts until it ends.
    Aliases of one mailbox (`a.b+x@gmail.com`, `ab@googlemail.com`) count as one address.
    """
    hashed = email_hash(email)
    _serialise_per_address(hashed)
    domain = email_domain(canonical_email(email))
    limits = rate_limits()
    over = False
    checks = [("email", {"email_hash": hashed})]
    if domain not in shared_mail_domains():
        checks.append(("domain", {"email_domain": domain}))
    if client.ip_hash:
        checks.append(("ip", {"ip_hash": client.ip_hash}))
    for name, lookup in checks:
        limit, window = limits[name]
        recent = SigningAttempt.objects.filter(
            created_at__gt=now - timedelta(seconds=window), **lookup
        )
        # Count at most limit rows: the query stays cheap under a flood.
        if recent.values("pk")[:limit].count() >= limit:
            over = True
    SigningAttempt.objects.create(
        ip_hash=client.ip_hash, email_hash=hashed, email_domain=domain, created_at=now
    )
    return over
