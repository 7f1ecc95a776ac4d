from django import template

from donations.money import format_money, from_minor

register = template.Library()


@register.filter
def money(amount_minor, currency: str) -> str:
    """{{ amount_minor|money:"EUR" }} → "€12.50" in the active locale."""
    if amount_minor in (None, ""):
        return ""
    return format_money(int(amount_minor), currency)


@register.filter
def major(amount_minor, currency: str):
    """Minor units as a Decimal in major units, for form values."""
    return from_minor(int(amount_minor), currency)
