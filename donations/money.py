"""Money as integer minor units plus an ISO 4217 code (exponents: `lib.currencies.exponent`).

Stripe counts amounts in the currency's smallest unit: cents for EUR, yen for JPY (zero
decimals), fils for KWD (three decimals, and Stripe wants the last digit to be 0).

Money is written for people one way, `format_money`: Babel's CLDR pattern for the language
("€2,734.56", "2.734,56 €", "2 734,56 €", "€ 2.734,56", "[RLM]2,734.56 €"), with our exponent
rather than CLDR's (Stripe counts HUF and IDR in hundredths, CLDR shows them whole). Arabic
keeps the Latin digits Babel's `ar` locale gives, as every other number on the site does.
Machine-readable shapes (the API, exports) keep `decimal_string`.
"""

import copy
import re
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal
from functools import lru_cache

from babel import Locale
from babel.numbers import NumberPattern, format_currency, get_currency_name, get_currency_symbol
from django.conf import settings
from django.utils import translation

# The exponent tables live in lib (campaigns converts goals with them too); re-exported here.
from lib.currencies import (  # noqa: F401 - THREE_DECIMAL, ZERO_DECIMAL are read from here
    THREE_DECIMAL,
    ZERO_DECIMAL,
    exponent,
    is_iso_currency,
    major_to_minor,
    minor_to_major,
)
from lib.locales import babel_locale

# Stripe rejects a single charge above eight digits of minor units.
MAX_MINOR = 99_999_999

# Smallest gift we accept, in major units; Stripe's own minimum is about 0.50 USD.
MINIMUM_MAJOR = {"JPY": 100, "KRW": 1000, "HUF": 200, "ISK": 100, "CLP": 500, "VND": 20000}

PRESETS_MAJOR = {
    "JPY": (1000, 3000, 5000, 10000),
    "KRW": (10000, 30000, 50000, 100000),
}
DEFAULT_PRESETS_MAJOR = (10, 25, 50, 100)


class MoneyError(ValueError):
    """An amount that cannot be a gift in that currency."""


def normalise_currency(code: str) -> str:
    return (code or "").strip().upper()


def supported_currencies() -> list[str]:
    """Currencies offered for gifts: USD, EUR, GBP plus any real ones in DONATION_CURRENCIES."""
    configured = getattr(settings, "DONATION_CURRENCIES", None) or []
    out: list[str] = []
    for code in [*configured, "EUR", "USD", "GBP"]:
        code = normalise_currency(code)
        if is_iso_currency(code) and code not in out:
            out.append(code)
    return out


def to_minor(amount: Decimal | int | str, currency: str) -> int:
    """Major units (e.g. Decimal("12.50")) to integer minor units; MoneyError if not exact."""
    try:
        return major_to_minor(amount, currency)
    except ValueError as exc:
        raise MoneyError(str(exc)) from exc


def from_minor(amount_minor: int, currency: str) -> Decimal:
    """Integer minor units to a Decimal in major units with the currency's exponent."""
    return minor_to_major(amount_minor, currency)


def decimal_string(amount_minor: int, currency: str) -> str:
    """Minor units as a plain decimal string: 1234 EUR → "12.34", 1234 JPY → "1234"."""
    return str(from_minor(amount_minor, currency))


def validate_gift_minor(amount_minor: int, currency: str) -> None:
    """Raise MoneyError unless `amount_minor` is a gift Stripe and Finance will accept."""
    if amount_minor <= 0:
        raise MoneyError("must be more than zero")
    if amount_minor < minimum_minor(currency):
        raise MoneyError("below the minimum gift")
    if amount_minor > MAX_MINOR:
        raise MoneyError("above the maximum gift")
    if exponent(currency) == 3 and amount_minor % 10:
        raise MoneyError("three-decimal currencies take amounts rounded to 0.01")


def minimum_minor(currency: str) -> int:
    currency = normalise_currency(currency)
    return to_minor(MINIMUM_MAJOR.get(currency, 1), currency)


def preset_amounts(currency: str) -> tuple[int, ...]:
    """Suggested gifts in major units."""
    return PRESETS_MAJOR.get(normalise_currency(currency), DEFAULT_PRESETS_MAJOR)


def convert_minor(amount_minor: int, source: str, target: str, rate: Decimal) -> int:
    """Convert using `rate` = target units per one source unit, rounded half-even."""
    major = from_minor(amount_minor, source) * Decimal(rate)
    return int(major.scaleb(exponent(target)).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


# CLDR's currency spacing, which Babel leaves out: a symbol ending in a letter stands apart
# from the digits ("KES 1,500.00", not "KES1,500.00"); "$25.00" and "25,00 €" are untouched.
_LETTER_NEXT_TO_DIGIT = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")
NBSP = "\u00a0"
LRM = "\u200e"
# A symbol mixing Latin letters with a sign ("US$", "JP¥"): in right-to-left text the sign
# would drift to the other side of the letters ("$US") without a left-to-right mark after it.
_MIXED_SYMBOL = re.compile(r"^(?=.*[A-Za-z])(?=.*[^A-Za-z]).+$")


@lru_cache(maxsize=32)
@lru_cache(maxsize=64)
def _pattern(locale: Locale, places: int) -> NumberPattern:
    """The locale's currency pattern, showing exactly `places` decimals."""
    pattern = copy.copy(locale.currency_formats["standard"])
    pattern.frac_prec = (places, places)
    return pattern


def format_money(
    amount_minor: int, currency: str, *, language: str | None = None, whole: bool = False
) -> str:
    """Minor units written for people in `language` (default: the active language).

    1250 EUR → "€12.50" (en), "12,50 €" (es), "12,50 €" (fr), "€ 12,50" (pt),
    "[RLM]12.50 €" (ar, Latin digits); 5000 JPY → "¥5,000"; 150000 KES → "KES 1,500.00".
    Right-to-left languages keep "US$" in order with a left-to-right mark after it.
    `whole` drops the minor units (rounding down), for headlines: "€12,400".
    """
    currency = normalise_currency(currency)
    locale = babel_locale(language or translation.get_language() or settings.LANGUAGE_CODE)
    major = from_minor(amount_minor, currency)
    if whole:
        major = major.to_integral_value(rounding=ROUND_DOWN)
    text = format_currency(
        major,
        currency,
        format=_pattern(locale, 0 if whole else exponent(currency)),
        locale=locale,
        currency_digits=False,
    )
    if locale.character_order == "right-to-left":
        symbol = get_currency_symbol(currency, locale=locale)
        if _MIXED_SYMBOL.match(symbol):
            text = text.replace(symbol, symbol + LRM, 1)
    return _LETTER_NEXT_TO_DIGIT.sub(NBSP, text)


def format_amounts(amounts: dict[str, int], *, language: str | None = None) -> str:
    """Several currencies' minor units side by side: {"USD": 2500, "JPY": 1000} →
    "$25.00 + ¥1,000" (a plus sign reads the same in every language we have)."""
    return " + ".join(
        format_money(amount, code, language=language) for code, amount in amounts.items()
    )


def currency_name(currency: str, *, language: str | None = None) -> str:
    """The currency's name in `language` and the code banks and apps show: "Euro (EUR)",
    "يورو (EUR)", "shilling kényan (KES)"."""
    currency = normalise_currency(currency)
    locale = babel_locale(language or translation.get_language() or settings.LANGUAGE_CODE)
    name = get_currency_name(currency, locale=locale)
    return f"{name} ({currency})" if name and name != currency else currency
