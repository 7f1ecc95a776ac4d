from django import template

from donations.money import currency_name as name_of_currency
from donations.money import format_amounts, format_money, from_minor, to_minor

register = template.Library()


@register.filter
def money(amount_minor, currency: str) -> str:
    """{{ amount_minor|money:"EUR" }} → "€12.50", "12,50 €" … in the active language."""
    if amount_minor in (None, ""):
        return ""
    return format_money(int(amount_minor), currency)


@register.filter
def money_units(amount_major, currency: str) -> str:
    """{{ 12400|money_units:"EUR" }} → "€12,400": whole major units (a rounded headline
    figure, as on campaign cards) written without minor units in the active language."""
    if amount_major in (None, ""):
        return ""
    return format_money(to_minor(int(amount_major), currency), currency, whole=True)


@register.filter
def money_amounts(amounts: dict | None) -> str:
    """{{ raised.unconverted_minor|money_amounts }} → "$25.00 + ¥1,000" in the active language."""
    return format_amounts(amounts) if amounts else ""


@register.filter
def currency_name(code: str) -> str:
    """{{ "EUR"|currency_name }} → "Euro (EUR)", "يورو (EUR)" in the active language."""
    return name_of_currency(code) if code else ""


@register.filter
def major(amount_minor, currency: str):
    """Minor units as a Decimal in major units, for form values."""
    return from_minor(int(amount_minor), currency)
