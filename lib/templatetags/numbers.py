"""`{{ count|number }}`: a count grouped the way the page's language groups digits."""

from django import template

from lib.locales import format_count

register = template.Library()


@register.filter
def number(value) -> str:
    try:
        return format_count(int(value))
    except (TypeError, ValueError):
        return ""
