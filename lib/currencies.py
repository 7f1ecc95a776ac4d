"""Which currency codes are real (ISO 4217 codes of money in use today, from Babel's CLDR
data) and how many decimals each one's minor unit has.

Shared by gifts, exchange rates, campaign fundraising goals and divestment amounts, so that
`ZZZ` is refused everywhere money is named. The exponent lives here, below every app, so that
campaigns (which may not import donations) converts goals the way donations.money converts
gifts; donations.money re-exports it.
"""

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import cache

from babel import Locale
from babel.numbers import (
    format_decimal,
    get_decimal_symbol,
    get_group_symbol,
    get_territory_currencies,
)
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lib.locales import babel_locale, current_locale


@cache
def iso_currencies() -> frozenset[str]:
    """ISO 4217 codes of money that is legal tender somewhere today, from Babel's CLDR data.

    Not the codes that only look like one (`ZZZ`), the "no currency" and testing codes
    (`XXX`, `XTS`), precious metals, fund codes or currencies withdrawn long ago (`DEM`).
    """
    return frozenset(
        code
        for territory in Locale("en").territories
        for code in get_territory_currencies(territory, tender=True)
    )


def is_iso_currency(code: object) -> bool:
    """True for an upper-case ISO 4217 code in use today ("EUR"), False for anything else."""
    return isinstance(code, str) and code in iso_currencies()


def validate_currency(code: str) -> None:
    """Model and form validator: an ISO 4217 code in use today, in capitals."""
    if not is_iso_currency(code):
        raise ValidationError(
            _("Enter the three-letter ISO 4217 code of a currency in use, e.g. EUR."),
            code="currency",
        )


# Stripe's zero-decimal currencies.
ZERO_DECIMAL = frozenset(
    ["BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV",
     "XAF", "XOF", "XPF"]
)  # fmt: skip
# Stripe's three-decimal currencies.
THREE_DECIMAL = frozenset(["BHD", "JOD", "KWD", "OMR", "TND"])


def exponent(currency: str) -> int:
    """Digits after the decimal point in `currency`'s minor unit: 2 for EUR, 0 for JPY."""
    currency = (currency or "").strip().upper()
    if currency in ZERO_DECIMAL:
        return 0
    if currency in THREE_DECIMAL:
        return 3
    return 2


def major_to_minor(amount: Decimal | int | str, currency: str) -> int:
    """Major units (Decimal("50000.00") EUR) to integer minor units (5000000); ValueError for
    something that is not a number or has more decimals than the currency (12.5 JPY)."""
    try:
        value = Decimal(str(amount).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValueError("not a number") from exc
    if not value.is_finite():
        raise ValueError("not a number")
    scaled = value.scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        raise ValueError("too many decimal places for this currency")
    return int(scaled)


def minor_to_major(amount_minor: int, currency: str) -> Decimal:
    """Integer minor units to a Decimal in major units with the currency's decimals:
    5000000 EUR → Decimal("50000.00"), 5000 JPY → Decimal("5000")."""
    places = exponent(currency)
    return Decimal(amount_minor).scaleb(-places).quantize(Decimal(1).scaleb(-places))


# Amounts typed by people in major units, as their language writes numbers: "50,000.00" in
# English, "50.000,00" in Spanish and Portuguese, "50 000,00" in French, Arabic-Indic digits in
# Arabic, and the plain "50000.00" everywhere. Anything that reads two ways ("1,5" in
# English) is refused rather than guessed. The same rules as donations.forms.parse_amount.
_SEPARATORS = str.maketrans(
    {"\u066b": ".", "\u066c": ",", "\u00a0": " ", "\u202f": " ", "\u2009": " ", "'": " ",
     "\u2019": " "}
)  # fmt: skip
_PLAIN = re.compile(r"\d+(\.\d+)?")


def parse_amount(raw: str, *, language: str | None = None) -> Decimal:
    """An amount as typed in `language` (default: the active one) → Decimal; ValueError for
    anything else (signs, letters, digits grouped the way the language does not)."""
    text = "".join(
        str(unicodedata.decimal(c)) if c.isdecimal() else c
        for c in " ".join(str(raw or "").translate(_SEPARATORS).split())
    )
    if not text:
        raise ValueError("empty")
    locale = babel_locale(language) if language else current_locale()
    decimal = get_decimal_symbol(locale).translate(_SEPARATORS)
    group = get_group_symbol(locale).translate(_SEPARATORS)
    # "1500.50" in every language, unless "." groups digits here ("1.500" is 1500 in Spanish).
    if _PLAIN.fullmatch(text) and not (group == "." and len(text.partition(".")[2]) == 3):
        return Decimal(text)
    whole, _sep, fraction = text.partition(decimal)
    if fraction and not fraction.isdigit():
        raise ValueError("not a number")
    groups = re.split(f"[ {re.escape(group)}]", whole)
    if not all(g.isdigit() for g in groups):
        raise ValueError("not a number")
    if len(groups) > 1 and not (len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
        raise ValueError("digits grouped the way this language does not group them")
    return Decimal("".join(groups) + (f".{fraction}" if fraction else ""))


def format_amount(amount_minor: int, currency: str, *, language: str | None = None) -> str:
    """Minor units as a number to type or read beside its currency code, grouped the way
    `language` writes it, with the currency's decimals: 5000000 EUR → "50,000.00" (en),
    "50.000,00" (es); 5000000 JPY → "5,000,000". `parse_amount` reads it back."""
    places = exponent(currency)
    pattern = "#,##0" + ("." + "0" * places if places else "")
    locale = babel_locale(language) if language else current_locale()
    return format_decimal(minor_to_major(amount_minor, currency), format=pattern, locale=locale)
