from django import template

from donations.money import format_money

register = template.Library()


@register.filter
def commitment_amount(commitment) -> str:
    """A divestment's amount in its currency, formatted for the active language."""
    if commitment.amount_minor is None:
        return ""
    return format_money(commitment.amount_minor, commitment.currency)


@register.filter
def get_item(mapping: dict, key):
    """`mapping[key]` in a template, or None."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def divestment_amount(total) -> str:
    """A `tracker.CurrencyAmount` as the active language writes money."""
    return format_money(total.amount_minor, total.currency)
