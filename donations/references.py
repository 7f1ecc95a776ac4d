"""The reference a donor quotes with a bank transfer, a mobile-money payment or a letter, so
Finance can count an offline gift toward the campaign it was meant for.

One short code per campaign, and one for the general fund, computed from the campaign's slug:
the same on every visit and for every donor, nothing personal in it, nothing stored. It is
at most 11 characters, so it fits a mobile-money account field (M-Pesa takes 12) as well as a
SEPA remittance line:

    COALIT-7QKX   six letters or digits of the slug, a dash, three characters of a hash
                  of the slug (two campaigns starting alike still differ), a check character

The check character (Luhn mod 36 over the letters and digits) catches a mistyped character
and most swapped neighbours before Finance records the gift against the wrong campaign.
Donors and banks add spaces, drop dashes and change case: `normalise` undoes all of that.

A campaign whose slug is changed gets a new code; gifts quoting the old one are refused by
`resolve` and Finance chooses the campaign by hand.
"""

import hashlib
import re

from campaigns.models import Campaign

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# The hash part avoids I, L, O and U (Crockford's base 32), which read like 1, 1, 0 and V.
HASH_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX_LENGTH = 6
HASH_LENGTH = 3
GENERAL_FUND_PREFIX = "FUND"
_NOT_ALNUM = re.compile(r"[^0-9A-Z]")


class UnknownReference(ValueError):
    """Not a reference of ours: a typo (the check character does not match) or an old code."""


def normalise(raw: str) -> str:
    """What the donor typed, as we compare it: "coalit 7qkx" and "COALIT-7QKX" → "COALIT7QKX"."""
    return _NOT_ALNUM.sub("", (raw or "").upper())


def _check_character(body: str) -> str:
    """Luhn mod N (N = 36) over `body`: detects any single wrong character."""
    n = len(ALPHABET)
    total, factor = 0, 2
    for char in reversed(body):
        addend = factor * ALPHABET.index(char)
        total += addend // n + addend % n
        factor = 1 if factor == 2 else 2
    return ALPHABET[(n - total % n) % n]


def _hash(seed: str) -> str:
    digest = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big")
    out = ""
    for _ in range(HASH_LENGTH):
        digest, index = divmod(digest, len(HASH_ALPHABET))
        out += HASH_ALPHABET[index]
    return out


def _code(prefix: str, seed: str) -> str:
    tail = _hash(seed)
    return f"{prefix}-{tail}{_check_character(prefix + tail)}"


def reference_for(campaign: Campaign | None) -> str:
    """The code donors quote for `campaign` (None: the general fund)."""
    if campaign is None:
        return _code(GENERAL_FUND_PREFIX, "general-fund")
    prefix = normalise(campaign.slug)[:PREFIX_LENGTH] or "C"
    # Seeded apart from the general fund's, so a campaign called "fund" gets its own code.
    return _code(prefix, f"campaign:{campaign.slug}")


def is_well_formed(raw: str) -> bool:
    """True when the check character matches: nothing was mistyped."""
    code = normalise(raw)
    if len(code) < HASH_LENGTH + 2:
        return False
    return _check_character(code[:-1]) == code[-1]


def resolve(raw: str) -> Campaign | None:
    """The campaign a quoted reference names, or None for the general fund.

    Raises UnknownReference for a typo or a code that is no campaign's (any more).
    """
    code = normalise(raw)
    if not is_well_formed(code):
        raise UnknownReference(raw)
    if code == normalise(reference_for(None)):
        return None
    # A coalition runs tens or hundreds of campaigns: computing each code is cheaper than
    # storing them (and keeping them in step with the slugs).
    for pk, slug in Campaign.objects.values_list("pk", "slug").iterator():
        if normalise(reference_for(Campaign(pk=pk, slug=slug))) == code:
            return Campaign.objects.get(pk=pk)
    raise UnknownReference(raw)
