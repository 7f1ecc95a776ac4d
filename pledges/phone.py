"""Signers by phone: their number as one normalised E.164 string, its keyed hash, its country,
and the guard on the provider's callbacks (USSD sessions and inbound SMS, `pledges.callbacks`).

The number is only ever held in memory while a request or the reply task runs: signatures keep
`phone_hash` (`lib.hashing.keyed_hash`, purpose "phone"), never the number, and nothing here
logs it. No writes here (`pledges.services`).

Callbacks come from Africa's Talking, which signs nothing: they are guarded the ways it allows,
a secret path segment (`USSD_CALLBACK_SECRET`; empty: phone signing is off, every callback
404s) and, when set, the provider's addresses (`USSD_ALLOWED_IPS`; another sender 403s).
"""

import hmac
import ipaddress
import re

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from campaigns.models import Campaign
from lib.hashing import keyed_hash
from pledges.models import PhoneChannel, Signature

HASH_PURPOSE = "phone"
E164 = re.compile(r"^\+[1-9]\d{7,14}$")
_SEPARATORS = re.compile(r"[\s\-().]")

# Country calling codes → ISO 3166 country, for codes that name one country (not +1 or +7):
# Africa's Talking's markets and their neighbours first, then the coalition's other regions.
# A number is counted in its network's country, as the paper form would ask.
CALLING_CODES = {
    "20": "EG", "211": "SS", "212": "MA", "213": "DZ", "216": "TN", "218": "LY", "220": "GM",
    "221": "SN", "223": "ML", "224": "GN", "225": "CI", "226": "BF", "227": "NE", "228": "TG",
    "229": "BJ", "230": "MU", "231": "LR", "232": "SL", "233": "GH", "234": "NG", "235": "TD",
    "236": "CF", "237": "CM", "241": "GA", "242": "CG", "243": "CD", "244": "AO", "249": "SD",
    "250": "RW", "251": "ET", "252": "SO", "253": "DJ", "254": "KE", "255": "TZ", "256": "UG",
    "257": "BI", "258": "MZ", "260": "ZM", "261": "MG", "263": "ZW", "264": "NA", "265": "MW",
    "266": "LS", "267": "BW", "268": "SZ", "27": "ZA", "291": "ER",
    "30": "GR", "31": "NL", "32": "BE", "33": "FR", "34": "ES", "351": "PT", "353": "IE",
    "39": "IT", "41": "CH", "44": "GB", "45": "DK", "46": "SE", "47": "NO", "48": "PL",
    "49": "DE", "52": "MX", "54": "AR", "55": "BR", "56": "CL", "57": "CO", "58": "VE",
    "61": "AU", "62": "ID", "63": "PH", "64": "NZ", "81": "JP", "82": "KR", "90": "TR",
    "91": "IN", "92": "PK", "94": "LK", "880": "BD", "961": "LB", "962": "JO", "963": "SY",
    "964": "IQ", "965": "KW", "966": "SA", "967": "YE", "970": "PS", "971": "AE", "972": "IL",
    "974": "QA", "977": "NP",
}  # fmt: skip


class InvalidPhone(ValueError):
    """Not a phone number in international form. The message never contains the number."""


def normalise_phone(raw: str) -> str:
    """The number as E.164: "+254 711-000 000" or "00254711000000" → "+254711000000".

    The provider sends numbers in E.164 already; separators and a 00 prefix are forgiven."""
    text = _SEPARATORS.sub("", str(raw or "").strip())
    if text.startswith("00"):
        text = "+" + text[2:]
    if not E164.match(text) or not text.isascii():
        raise InvalidPhone("not a phone number in international form")
    return text


def phone_hash(number: str) -> str:
    """The keyed hash dedupe and rate limits compare: of the normalised number only."""
    return keyed_hash(normalise_phone(number), purpose=HASH_PURPOSE)


def country_of(number: str) -> str:
    """The ISO country of a normalised number's calling code, or "" when it is not known (or
    shared by several countries, like +1)."""
    digits = number.removeprefix("+")
    for length in (3, 2, 1):
        if country := CALLING_CODES.get(digits[:length]):
            return country
    return ""


# Reads for the menus --------------------------------------------------------------------------


def open_channels(*, ussd: bool = False, sms: bool = False, now=None) -> list[PhoneChannel]:
    """The phone channels of campaigns taking signatures now (USSD or SMS turned on), by code,
    with their campaign, its translations and the phone summaries loaded."""
    now = now or timezone.now()
    channels = PhoneChannel.objects.filter(campaign__kind=Campaign.Kind.STATEMENT)
    if ussd:
        channels = channels.filter(ussd_enabled=True)
    if sms:
        channels = channels.filter(sms_enabled=True)
    channels = channels.select_related("campaign").prefetch_related(
        "campaign__translations", Prefetch("summaries")
    )
    return [channel for channel in channels.order_by("code") if channel.campaign.is_open(now)]


def summary_for(channel: PhoneChannel, language: str) -> str:
    """The phone summary in `language`; else the campaign's summary translated into it; else
    the phone summary, or the campaign's summary, in the campaign's own language (a screen
    shortens whatever it shows)."""
    summaries = {s.language: s.text for s in channel.summaries.all()}
    campaign = channel.campaign
    translation = campaign.translation(language)
    return (
        summaries.get(language)
        or (translation.summary if translation is not None else "")
        or summaries.get(campaign.default_language)
        or campaign.summary
    )


def has_signed(campaign: Campaign, hashed: str) -> bool:
    """Whether this number's signature on `campaign` counts already."""
    return Signature.objects.filter(
        campaign=campaign, phone_hash=hashed, status=Signature.Status.CONFIRMED
    ).exists()


# The provider's callbacks ---------------------------------------------------------------------


def enabled() -> bool:
    return bool(settings.USSD_CALLBACK_SECRET)


def secret_matches(given: str) -> bool:
    expected = settings.USSD_CALLBACK_SECRET
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def address_allowed(address: str) -> bool:
    """Whether a callback may come from `address` (USSD_ALLOWED_IPS; empty: any)."""
    allowed = settings.USSD_ALLOWED_IPS
    if not allowed:
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(network, strict=False) for network in allowed)
