from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from campaigns.access import access_campaign
from campaigns.forms import QrForm, RefForm
from campaigns.pages import public_page
from campaigns.progress import campaign_progress
from campaigns.queries import open_campaigns
from lib import qr


@require_safe
@public_page
def home(request: HttpRequest) -> HttpResponse:
    campaigns = list(open_campaigns()[:30])
    language = get_language()
    items = [(c, c.content(language), campaign_progress(c)) for c in campaigns]
    return render(request, "campaigns/home.html", {"items": items})


@require_safe
@public_page
def campaign_detail(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access_campaign(request.user, slug)
    content = campaign.content(get_language())
    url = settings.SITE_URL + campaign.get_absolute_url()
    return render(
        request,
        "campaigns/detail.html",
        {
            "campaign": campaign,
            "content": content,
            "progress": campaign_progress(campaign),
            "preview": not campaign.is_public(),
            "share_url": url,
            "share_links": share_links(url, content.title),
            "targets": list(campaign.targets.all()),
            # `?ref=<code>`: the sign, sign-on and donate forms attribute to this partner
            # (looked up by the partners template tag; a malformed code is dropped here).
            "ref": _ref(request),
        },
    )


def _ref(request: HttpRequest) -> str:
    form = RefForm(request.GET)
    return form.cleaned_data["ref"] if form.is_valid() else ""


def share_links(url: str, title: str) -> list[tuple[str, str]]:
    """Plain links to share a campaign: no third-party script is loaded."""
    text = f"{title} {url}"
    return [
        ("Email", "mailto:?" + urlencode({"subject": title, "body": url})),
        ("Mastodon", "https://mastodonshare.com/?" + urlencode({"text": text})),
        ("Bluesky", "https://bsky.app/intent/compose?" + urlencode({"text": text})),
        ("WhatsApp", "https://wa.me/?" + urlencode({"text": text})),
        ("Telegram", "https://t.me/share/url?" + urlencode({"url": url, "text": title})),
        ("Signal", url),
    ]


def _qr_target(request: HttpRequest, slug: str) -> tuple[str, QrForm] | HttpResponse:
    campaign = access_campaign(request.user, slug)
    form = QrForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest("Invalid ref or size.", content_type="text/plain")
    url = settings.SITE_URL + campaign.get_absolute_url()
    if form.cleaned_data["ref"]:
        url += "?" + urlencode({"ref": form.cleaned_data["ref"]})
    return url, form


@require_safe
@cache_control(public=True, max_age=3600)
def qr_svg(request: HttpRequest, slug: str) -> HttpResponse:
    target = _qr_target(request, slug)
    if isinstance(target, HttpResponse):
        return target
    url, _ = target
    response = HttpResponse(qr.qr_svg(url), content_type="image/svg+xml")
    response["Content-Disposition"] = f'inline; filename="{slug}-qr.svg"'
    return response


@require_safe
@cache_control(public=True, max_age=3600)
def qr_png(request: HttpRequest, slug: str) -> HttpResponse:
    target = _qr_target(request, slug)
    if isinstance(target, HttpResponse):
        return target
    url, form = target
    png = qr.qr_png(url, box_size=form.cleaned_data["size"] or 10)
    response = HttpResponse(png, content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="{slug}-qr.png"'
    return response
