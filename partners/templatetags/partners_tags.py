from django import template

from partners.models import Partner, partner_for_ref

register = template.Library()


@register.simple_tag
def attributed_partner(ref: str) -> Partner | None:
    """The partner a page's `?ref=<code>` names, or None for an unknown code."""
    return partner_for_ref(ref)
