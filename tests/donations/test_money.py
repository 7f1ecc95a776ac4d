from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.template import engines
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from donations import money
from lib import currencies


@pytest.mark.parametrize(
    ("currency", "places"), [("EUR", 2), ("usd", 2), ("JPY", 0), ("KRW", 0), ("KWD", 3), ("BHD", 3)]
)
def test_exponent(currency, places):
    assert money.exponent(currency) == places


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [("12.50", "EUR", 1250), ("5000", "JPY", 5000), ("1.234", "KWD", 1234), ("7", "GBP", 700)],
)
def test_to_minor_and_back(amount, currency, minor):
    assert money.to_minor(amount, currency) == minor
    assert money.from_minor(minor, currency) == Decimal(amount).quantize(
        Decimal(1).scaleb(-money.exponent(currency))
    )


@pytest.mark.parametrize(
    ("amount", "currency"),
    [
        ("1.234", "EUR"),
        ("10.5", "JPY"),
        ("abc", "EUR"),
        ("NaN", "EUR"),
        ("Infinity", "EUR"),
        ("", "EUR"),
    ],
)
def test_to_minor_rejects_inexact_or_non_numbers(amount, currency):
    with pytest.raises(money.MoneyError):
        money.to_minor(amount, currency)


@pytest.mark.parametrize(
    ("minor", "currency"),
    [(0, "EUR"), (-100, "EUR"), (99, "EUR"), (100_000_000, "EUR"), (50, "JPY"), (1235, "KWD")],
)
def test_gift_limits(minor, currency):
    with pytest.raises(money.MoneyError):
        money.validate_gift_minor(minor, currency)


def test_three_decimal_gift_rounded_to_hundredths_is_fine():
    money.validate_gift_minor(1230, "KWD")


def test_convert_rounds_half_even_into_target_exponent():
    assert money.convert_minor(1000, "USD", "JPY", Decimal("150.125")) == 1501  # 10 USD → ¥1501
    assert money.convert_minor(5000, "JPY", "EUR", Decimal("0.0061")) == 3050
    assert money.convert_minor(1000, "EUR", "KWD", Decimal("0.33")) == 3300


NBSP, NNBSP, RLM, LRM = "\u00a0", "\u202f", "\u200f", "\u200e"

# Issue 15: money is written one way, Babel's CLDR pattern for the language. Arabic keeps
# Babel's Latin digits (like every other number on the site) behind a right-to-left mark.
WRITTEN = {
    "en": ["€2,734.56", "$25.00", "¥500,000", f"KES{NBSP}1,500.00"],
    "es": [f"2.734,56{NBSP}€", f"25,00{NBSP}US$", f"500.000{NBSP}JPY", f"1.500,00{NBSP}KES"],
    "fr": [
        f"2{NNBSP}734,56{NBSP}€",
        f"25,00{NBSP}$US",
        f"500{NNBSP}000{NBSP}JPY",
        f"1{NNBSP}500,00{NBSP}KES",
    ],
    "pt": [f"€{NBSP}2.734,56", f"US${NBSP}25,00", f"JP¥{NBSP}500.000", f"KES{NBSP}1.500,00"],
    "ar": [
        f"{RLM}2,734.56{NBSP}€",
        f"{RLM}25.00{NBSP}US${LRM}",  # the mark keeps "US$" from showing as "$US"
        f"{RLM}500,000{NBSP}JP¥{LRM}",
        f"{RLM}1,500.00{NBSP}KES",
    ],
}
AMOUNTS = [(273456, "EUR"), (2500, "USD"), (500000, "JPY"), (150000, "KES")]


@pytest.mark.parametrize("language", sorted(WRITTEN))
def test_format_money_writes_each_language_its_own_way(language):
    written = [money.format_money(a, c, language=language) for a, c in AMOUNTS]
    assert written == WRITTEN[language]


@pytest.mark.parametrize("language", sorted(WRITTEN))
def test_format_money_follows_the_active_language(language):
    with translation.override(language):
        assert money.format_money(273456, "EUR") == WRITTEN[language][0]


def test_format_money_keeps_our_exponent_not_cldrs():
    # CLDR shows forints and three-decimal dinars its own way; Stripe's minor units rule.
    assert money.format_money(20050, "HUF", language="en") == f"HUF{NBSP}200.50"
    assert money.format_money(1234, "KWD", language="en") == f"KWD{NBSP}1.234"
    assert money.format_money(1250, "eur", language="en") == "€12.50"


def test_format_money_maps_regional_and_unknown_languages():
    assert money.format_money(1250, "EUR", language="pt-br") == f"€{NBSP}12,50"
    assert money.format_money(1250, "EUR", language="xx") == "€12.50"  # the site's default


def test_whole_money_drops_the_minor_units_for_headlines():
    assert money.format_money(1_240_099, "EUR", language="en", whole=True) == "€12,400"
    assert money.format_money(1_240_099, "EUR", language="es", whole=True) == f"12.400{NBSP}€"
    assert money.format_money(5000, "JPY", language="en", whole=True) == "¥5,000"


def test_money_filters_write_in_the_active_language():
    template = engines["django"].from_string(
        "{% load money_tags %}"
        "{{ a|money:'EUR' }}|{{ 12400|money_units:'EUR' }}|{{ d|money_amounts }}"
    )
    with translation.override("fr"):
        out = template.render({"a": 1_240_099, "d": {"USD": 2500}})
    assert out == f"12{NNBSP}400,99{NBSP}€|12{NNBSP}400{NBSP}€|25,00{NBSP}$US"


def test_format_amounts_joins_currencies_with_a_plus():
    amounts = {"USD": 2500, "JPY": 1000}
    assert money.format_amounts(amounts, language="en") == "$25.00 + ¥1,000"
    assert money.format_amounts(amounts, language="es") == f"25,00{NBSP}US$ + 1.000{NBSP}JPY"
    assert money.format_amounts({}, language="en") == ""


def test_currency_name_in_the_language():
    assert money.currency_name("EUR", language="en") == "Euro (EUR)"
    assert money.currency_name("KES", language="fr") == "shilling kényan (KES)"


def test_supported_currencies_always_include_the_big_three(settings):
    settings.DONATION_CURRENCIES = ["jpy", "bad!", "EUR"]
    assert money.supported_currencies() == ["JPY", "EUR", "USD", "GBP"]


def test_only_real_iso_4217_codes_are_supported(settings):
    settings.DONATION_CURRENCIES = ["ZZZ", "XXX", "XTS", "XAU", "DEM", "kes", "XOF"]
    assert money.supported_currencies() == ["KES", "XOF", "EUR", "USD", "GBP"]


@pytest.mark.parametrize("code", ["EUR", "USD", "JPY", "KWD", "XAF", "XOF", "XPF", "XCD", "BRL"])
def test_currencies_in_use_are_iso(code):
    assert currencies.is_iso_currency(code)
    currencies.validate_currency(code)


@pytest.mark.parametrize(
    "code", ["ZZZ", "XXX", "XTS", "XAU", "XDR", "DEM", "FRF", "eur", "EU", "EURO", "", None, 978]
)
def test_made_up_test_metal_withdrawn_or_lower_case_codes_are_not(code):
    assert not currencies.is_iso_currency(code)
    if isinstance(code, str):
        with pytest.raises(ValidationError):
            currencies.validate_currency(code)


@given(
    minor=st.integers(min_value=0, max_value=money.MAX_MINOR),
    currency=st.sampled_from(["EUR", "JPY", "KWD"]),
)
def test_minor_major_round_trip(minor, currency):
    assert money.to_minor(money.from_minor(minor, currency), currency) == minor


def test_decimal_string_is_minor_units_in_the_currency_exponent():
    assert money.decimal_string(1234, "EUR") == "12.34"
    assert money.decimal_string(1234, "JPY") == "1234"
    assert money.decimal_string(1234, "KWD") == "1.234"
