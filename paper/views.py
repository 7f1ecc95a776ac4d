"""The public list of names signed on paper: parse the query, read, render."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from campaigns.access import access_campaign
from campaigns.pages import public_page
from campaigns.progress import campaign_progress
from paper import queries
from paper.forms import PaperListQuery


@require_safe
@public_page  # the first page; a filtered or deeper page has a query string and renders
def signatories(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access_campaign(request.user, slug)
    form = PaperListQuery(request.GET)
    context = {"campaign": campaign, "content": campaign.content(get_language()), "form": form}
    if not form.is_valid():
        return render(request, "paper/signatories.html", {**context, "invalid": True}, status=400)
    filters = {"q": form.cleaned_data["q"].strip(), "country": form.cleaned_data["country"] or ""}
    page = queries.listed_page(
        campaign, name=filters["q"], country=filters["country"], before=form.cleaned_data["before"]
    )
    base = {k: v for k, v in filters.items() if v}
    next_url = "?" + urlencode({**base, "before": page.next_cursor}) if page.next_cursor else None
    return render(
        request,
        "paper/signatories.html",
        {
            **context,
            "page": page,
            "progress": campaign_progress(campaign),
            "next_url": next_url,
        },
    )
