"""The moderation counts of the staff menu: `{% moderation_summary as moderation %}`."""

from django import template

from staff.two_factor import needs_second_factor
from workspace import moderation

register = template.Library()


@register.simple_tag(takes_context=True)
def moderation_summary(context) -> dict | None:
    """The queues the requesting staff member decides, with their cached counts; None for
    anyone else, and for staff who have not confirmed their second factor yet."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not (user.is_authenticated and user.is_active and user.is_staff):
        return None
    if needs_second_factor(user):
        return None
    summaries = moderation.summary_for(user)
    return {"summaries": summaries, "totals": moderation.totals(summaries)}
