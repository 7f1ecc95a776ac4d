from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
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


def test_format_money():
    assert money.format_money(1250, "EUR") == "€12.50"
    assert money.format_money(500000, "JPY") == "JPY 500,000"
    assert money.format_money(1234, "KWD") == "KWD 1.234"


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
