"""Who is submitting, as keyed hashes, and whether they are over a rate limit.

Rate limits are fixed-window counters in `RateCount` (the database is the only shared state
we can rely on: local-memory caches are per process). A window of `w` seconds starts at
`floor(epoch / w) * w`, UTC: with a window of an hour, 13:00:00 to 13:59:59. Each submission
adds one to the counters of its mailbox, its email domain and its IP address in ONE
statement (`INSERT … ON CONFLICT … DO UPDATE SET count = count + 1 RETURNING`); the row
lock of the upsert orders concurrent submissions for one key, so N racing requests get the
counts 1…N and cannot all see "under the limit". A fixed window is cheaper than a sliding
one (one row per key and window, not one per attempt), at the price of a boundary: up to
twice the limit can pass in the minutes either side of a window's start.

Over-limit submissions are not rejected: the services store them as suspect, uncounted and
held for moderators, and the sender sees the usual "check your email" page.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.http import HttpRequest

from lib.clients import client_ip
from lib.hashing import keyed_hash
from lib.mailboxes import canonical_email, email_hash
from pledges.models import RateCount

# (maximum attempts, window in seconds). The per-IP limit is generous on purpose:
# offices, universities and mobile carriers put many people behind one address.
DEFAULT_RATE_LIMITS = {
    "ip": (60, 3600),
    "email": (5, 3600),
    "domain": (300, 3600),
    # Signing by phone (USSD, SMS): a number signs each campaign once, so a few attempts an
    # hour are plenty; over it the signature is held as suspect and no SMS reply is sent.
    "phone": (10, 3600),
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


def window_start(now: datetime, seconds: int) -> datetime:
    """The start of the fixed window of `seconds` that `now` falls in (UTC)."""
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=UTC)


def old_windows(now: datetime) -> Q:
    """The counters no limit reads any more: windows that started over a day ago (or over
    their own length ago, for a window longer than a day)."""
    day = timedelta(days=1)
    old = Q(pk__in=[])
    for scope, (_limit, seconds) in rate_limits().items():
        old |= Q(scope=scope, window_start__lt=now - max(day, timedelta(seconds=seconds)))
    return old


def _upsert_sql(rows: int) -> str:
    meta = RateCount._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    scope, key, start, count = (
        quote(meta.get_field(name).column) for name in ("scope", "key", "window_start", "count")
    )
    values = ", ".join(["(%s, %s, %s, 1)"] * rows)
    # Only names quoted from the model's _meta and placeholders go into the text; every value
    # is a bound parameter.
    return (
        f"INSERT INTO {table} ({scope}, {key}, {start}, {count}) VALUES {values} "  # noqa: S608  # nosec B608 - names quoted, values bound
        f"ON CONFLICT ({scope}, {key}, {start}) DO UPDATE SET {count} = {table}.{count} + 1 "
        f"RETURNING {scope}, {count}"
    )


def record_attempt(client: Client, email: str, *, now: datetime) -> bool:
    """Count one submission; True when it goes over any limit (it is still counted).

    One statement. Call it outside the caller's transaction (in autocommit): its row locks
    then last only as long as the statement, and a submission whose transaction fails was
    still an attempt. Aliases of one mailbox (`a.b+x@gmail.com`, `ab@googlemail.com`) count
    as one address; the domain of a shared mail provider is not counted.
    """
    limits = rate_limits()
    domain = email_domain(canonical_email(email))
    # One row per scope, always in this order: concurrent upserts take their row locks in
    # the same order, so they can wait for each other but never deadlock.
    keys = [(RateCount.Scope.EMAIL, email_hash(email))]
    if domain not in shared_mail_domains():
        keys.append((RateCount.Scope.DOMAIN, keyed_hash(domain, purpose="domain")))
    if client.ip_hash:
        keys.append((RateCount.Scope.IP, client.ip_hash))
    start_field = RateCount._meta.get_field("window_start")
    params: list = []
    for scope, key in keys:
        start = window_start(now, limits[scope][1])
        params += [scope.value, key, start_field.get_db_prep_value(start, connection)]
    with connection.cursor() as cursor:
        cursor.execute(_upsert_sql(len(keys)), params)
        counts = cursor.fetchall()
    return any(count > limits[scope][0] for scope, count in counts)


def record_phone_attempt(phone_hash: str, *, now: datetime) -> bool:
    """`record_attempt` for a signer by phone: the number's keyed hash is the only key (the
    provider's gateway is the IP address, and there is no email). In autocommit, as there."""
    limit, seconds = rate_limits()["phone"]
    start_field = RateCount._meta.get_field("window_start")
    params = [
        RateCount.Scope.PHONE.value,
        phone_hash,
        start_field.get_db_prep_value(window_start(now, seconds), connection),
    ]
    with connection.cursor() as cursor:
        cursor.execute(_upsert_sql(1), params)
        ((_scope, count),) = cursor.fetchall()
    return count > limit
