"""The pledge part of the campaign page, built here so the campaign view stays unaware of it."""

from django import template
from django.utils.translation import get_language

from campaigns.models import Campaign
from pledges import chart, queries
from pledges.forms import SignForm

register = template.Library()


@register.inclusion_tag("pledges/includes/actions.html", takes_context=True)
def pledge_actions(context, campaign: Campaign) -> dict:
    versions = queries.statement_versions(campaign) if campaign.collects_signatures else []
    # The partner of a `?ref=` link, found by the campaign page: its code rides along.
    partner = context.get("partner")
    return {
        "campaign": campaign,
        "csrf_token": context.get("csrf_token"),
        "open": campaign.is_open(),
        "form": SignForm(partner=partner) if campaign.collects_signatures else None,
        "partner": partner,
        "latest_version": versions[0] if len(versions) > 1 else None,
        "chart": chart.daily_chart_svg(
            queries.daily_signatures(campaign, since=campaign.launched_at)
        )
        if campaign.collects_signatures
        else "",
        "language": get_language(),
    }
