"""The pledge parts of the campaign page, built here so the campaign view stays unaware of them:
the action box (counter extras and the sign form) and the social proof below the statement."""

from django import template
from django.utils.translation import get_language

from campaigns.models import Campaign
from pledges import chart, queries
from pledges.forms import SignForm

register = template.Library()


@register.inclusion_tag("pledges/includes/actions.html", takes_context=True)
def pledge_actions(context, campaign: Campaign) -> dict:
    # The partner of a `?ref=` link, found by the campaign page: its code rides along.
    partner = context.get("partner")
    # A sign form sent back with errors is shown here, bound, with its error summary.
    bound = context.get("sign_form")
    form = None
    if campaign.collects_signatures:
        form = bound if bound is not None else SignForm(partner=partner)
    return {
        "campaign": campaign,
        # A staff preview of a draft shows the form as the public will get it.
        "open": campaign.is_open() or bool(context.get("preview")),
        "form": form,
        "bound": bound is not None,
        "partner": partner,
        "signed_today": queries.signed_today(campaign) if campaign.collects_signatures else 0,
        "language": get_language(),
    }


@register.inclusion_tag("pledges/includes/proof.html")
def pledge_proof(campaign: Campaign) -> dict:
    if not (campaign.collects_signatures or campaign.collects_organisations):
        return {"campaign": campaign}
    versions = queries.statement_versions(campaign) if campaign.collects_signatures else []
    return {
        "campaign": campaign,
        "latest_version": versions[0] if len(versions) > 1 else None,
        "logos": queries.logo_wall(campaign),
        "recent": queries.recent_signers(campaign) if campaign.collects_signatures else [],
        "chart": chart.daily_chart_svg(
            queries.daily_signatures(campaign, since=campaign.launched_at)
        )
        if campaign.collects_signatures
        else "",
    }
