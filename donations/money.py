"""Money as integer minor units plus an ISO 4217 code; the only place that knows exponents.

Stripe counts amounts in the currency's smallest unit: cents for EUR, yen for JPY (zero
decimals), fils for KWD (three decimals, and Stripe wants the last digit to be 0).
"""

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from django.conf import settings
from django.utils.formats import number_format

from lib.currencies import is_iso_currency

# Stripe's zero-decimal currencies.
ZERO_DECIMAL = frozenset(
    [
        "BIF",
        "CLP",
        "DJF",
        "GNF",
        "JPY",
        "KMF",
        "KRW",
        "MGA",
        "PYG",
        "RWF",
        "UGX",
        "VND",
        "VUV",
        "XAF",
        "XOF",
        "XPF",
    ]
)
# Stripe's three-decimal currencies.
THREE_DECIMAL = frozenset(["BHD", "JOD", "KWD", "OMR", "TND"])

# Stripe rejects a single charge above eight digits of minor units.
MAX_MINOR = 99_999_999

# Smallest gift we accept, in major units; Stripe's own minimum is about 0.50 USD.
MINIMUM_MAJOR = {"JPY": 100, "KRW": 1000, "HUF": 200, "ISK": 100, "CLP": 500, "VND": 20000}

PRESETS_MAJOR = {
    "JPY": (1000, 3000, 5000, 10000),
    "KRW": (10000, 30000, 50000, 100000),
}
DEFAULT_PRESETS_MAJOR = (10, 25, 50, 100)

SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}


class MoneyError(ValueError):
    """An amount that cannot be a gift in that currency."""


def normalise_currency(code: str) -> str:
    return (code or "").strip().upper()


def exponent(currency: str) -> int:
    """Digits after the decimal point in `currency`'s minor unit."""
    currency = normalise_currency(currency)
    if currency in ZERO_DECIMAL:
        return 0
    if currency in THREE_DECIMAL:
        return 3
    return 2


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
        value = Decimal(str(amount).strip())
    except (InvalidOperation, ValueError) as exc:
        raise MoneyError("not a number") from exc
    if not value.is_finite():
        raise MoneyError("not a number")
    scaled = value.scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        raise MoneyError("too many decimal places for this currency")
    return int(scaled)


def from_minor(amount_minor: int, currency: str) -> Decimal:
    """Integer minor units to a Decimal in major units with the currency's exponent."""
    places = exponent(currency)
    return Decimal(amount_minor).scaleb(-places).quantize(Decimal(1).scaleb(-places))


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


def format_money(amount_minor: int, currency: str) -> str:
    """'€12.50', 'JPY 5,000' — grouped for the active locale."""
    currency = normalise_currency(currency)
    places = exponent(currency)
    number = number_format(from_minor(amount_minor, currency), places, force_grouping=True)
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{number}" if symbol else f"{currency} {number}"
