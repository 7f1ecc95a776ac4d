"""Partners' pages: the guide (every embed with its copy-paste snippet) and the API reference."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from api.oembed import embed_src, iframe_html
from api.reference import reference_html
from campaigns.access import access_campaign
from campaigns.forms import RefForm
from campaigns.queries import open_campaigns, public_campaigns
from campaigns.representation import browser_url


@require_safe
def partner_guide(request: HttpRequest) -> HttpResponse:
    slug = request.GET.get("campaign")
    campaign = access_campaign(None, slug) if slug else open_campaigns().first()
    if campaign is None:
        campaign = public_campaigns().order_by("-launched_at").first()
    ref_form = RefForm(request.GET)
    ref = ref_form.cleaned_data["ref"] if ref_form.is_valid() else ""
    context = {"campaign": campaign, "campaigns": list(open_campaigns()[:50]), "ref": ref}
    if campaign is not None:
        lang = get_language()
        title = campaign.content(lang).title
        site = settings.SITE_URL
        page_url = browser_url(campaign, lang)
        context |= {
            "title": title,
            "iframe_snippet": iframe_html(campaign, title=title, lang=lang, ref=ref or None),
            "iframe_preview": iframe_html(
                campaign, title=title, lang=lang, ref=ref or None, styled=False
            ),
            "embed_src": embed_src(campaign, lang=lang, ref=ref or None),
            "badge_url": site + reverse("api:badge", kwargs={"slug": campaign.slug}),
            "script_url": site + reverse("api:embed-js"),
            "progress_url": site + reverse("api:campaign-progress", kwargs={"slug": campaign.slug}),
            "oembed_url": site + reverse("api:oembed"),
            "page_url": page_url + (f"?ref={ref}" if ref else ""),
            "lang": lang,
            "site": site,
        }
    return render(request, "api/partner_guide.html", context)


@require_safe
def api_reference(request: HttpRequest) -> HttpResponse:
    """/api/docs/: the OpenAPI schema as a page that needs no JavaScript."""
    return render(request, "api/docs.html", {"reference": reference_html(get_language())})
