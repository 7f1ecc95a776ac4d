"""Signed, expiring tokens for the links we email (Django signing, keyed by SECRET_KEY).

Each purpose has its own salt, so a token made for one link never opens another.
"""

from django.conf import settings
from django.core import signing

DAY = 24 * 3600

# purpose: (salt, lifetime in seconds). Salts are fixed strings, not module paths: changing one
# breaks every link already emailed.)
PURPOSES = {
    "confirm": ("pledges.signature.confirm", 14 * DAY),
    "withdraw": ("pledges.signature.withdraw", 365 * DAY),
    "unsubscribe": ("pledges.signature.unsubscribe", 365 * DAY),
    "contact": ("pledges.contact.confirm", 14 * DAY),
    "my-data": ("pledges.my-data", 1 * DAY),
    # The contact's private link to report on an approved pledge's commitments.
    "commitment-update": ("pledges.commitments.update", 60 * DAY),
}


class BadToken(Exception):
    """The token is tampered with, for another purpose, or expired (`expired` says which)."""

    def __init__(self, *, expired: bool):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def lifetime(purpose: str) -> int:
    overrides = getattr(settings, "PLEDGE_TOKEN_LIFETIMES", {})
    return overrides.get(purpose, PURPOSES[purpose][1])


def make_token(purpose: str, value: str | int) -> str:
    salt, _ = PURPOSES[purpose]
    return signing.dumps(value, salt=salt, compress=True)


def read_token(purpose: str, token: str):
    salt, _ = PURPOSES[purpose]
    try:
        return signing.loads(token, salt=salt, max_age=lifetime(purpose))
    except signing.SignatureExpired as exc:
        raise BadToken(expired=True) from exc
    except signing.BadSignature as exc:
        raise BadToken(expired=False) from exc
