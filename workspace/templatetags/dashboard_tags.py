"""The staff home's links to the campaign dashboards: `{% dashboards_allowed as allowed %}`,
`{% live_campaigns as campaigns %}`."""

from django import template

from campaigns.models import Campaign
from workspace import dashboard

register = template.Library()


@register.simple_tag(takes_context=True)
def dashboards_allowed(context) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None)
    return bool(user is not None and dashboard.may_see_dashboards(user))


@register.simple_tag(takes_context=True)
def live_campaigns(context) -> list[Campaign]:
    """Live campaigns, for staff who may see their dashboards; an empty list for others."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not dashboard.may_see_dashboards(user):
        return []
    return dashboard.live_campaigns()
