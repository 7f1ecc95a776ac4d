from urllib.parse import urlencode

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotModified,
)
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from campaigns import cards, hero, replies, targets
from campaigns.access import access_campaign
from campaigns.forms import QrForm, RefForm
from campaigns.models import Campaign, Target, TargetReply
from campaigns.pages import public_page
from campaigns.progress import campaign_progress
from campaigns.queries import open_campaigns
from campaigns.sharing import share_links
from lib import colours, documents, qr


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
    return render_campaign_page(request, access_campaign(request.user, slug))


def render_campaign_page(
    request: HttpRequest, campaign: Campaign, *, extra: dict | None = None, status: int = 200
) -> HttpResponse:
    """The campaign page; the apps above add their part through `extra` (a sign form sent
    back with its errors is shown in place, on the page the visitor was reading)."""
    content = campaign.content(get_language())
    url = settings.SITE_URL + campaign.get_absolute_url()
    context = {
        "campaign": campaign,
        "content": content,
        "progress": campaign_progress(campaign),
        "preview": not campaign.is_public(),
        "share_url": url,
        "share_links": share_links(url, content.title),
        "targets": list(campaign.targets.all()),
        "hero": hero.picture(campaign.hero, campaign.hero_alt),
        # `?ref=<code>`: the sign, sign-on and donate forms attribute to this partner
        # (looked up by the partners template tag; a malformed code is dropped here).
        "ref": _ref(request),
        **(extra or {}),
    }
    return render(request, "campaigns/detail.html", context, status=status)


def _ref(request: HttpRequest) -> str:
    form = RefForm(request.GET)
    return form.cleaned_data["ref"] if form.is_valid() else ""


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


@require_safe
@cache_control(public=True, max_age=86400)
def theme_css(request: HttpRequest) -> HttpResponse:
    """The accent colour from settings, for the light and the dark theme (`lib.colours`).

    A stylesheet of its own so pages stay free of inline styles (a strict CSP) and the same
    bytes for everyone; its URL carries a version of the colour, so a change reaches browsers."""
    p = colours.palette(settings.COALITION_ACCENT_COLOUR)
    css = (
        f":root{{--accent:{p.accent};--accent-fg:{p.accent_fg}}}\n"
        f"@media (prefers-color-scheme:dark){{:root{{--accent:{p.dark_accent};"
        f"--accent-fg:{p.dark_accent_fg}}}}}\n"
    )
    return HttpResponse(css, content_type="text/css; charset=utf-8")


CARD_SECONDS = 300


@require_safe
def campaign_card(request: HttpRequest, slug: str) -> HttpResponse:
    """The share card (`og:image`) of the campaign page in the request's language.

    The same bytes for every visitor: without a session cookie the user is not even looked
    up (which would add `Vary: Cookie`), so proxies may share it; staff previewing a draft
    get a private copy."""
    user = request.user if settings.SESSION_COOKIE_NAME in request.COOKIES else None
    campaign = access_campaign(user, slug)
    png = cards.card_png(campaign, get_language())
    if campaign.is_public():
        directives = {"public": True, "max_age": CARD_SECONDS}
    else:
        directives = {"private": True, "no_store": True}
    if png.etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(png.content, content_type="image/png")
        response["Content-Disposition"] = f'inline; filename="{slug}-card.png"'
    response["ETag"] = png.etag
    patch_cache_control(response, **directives)
    return response


# The target list's changelog and the documents of targets' replies.


@require_safe
@public_page
def target_changes(request: HttpRequest) -> HttpResponse:
    """Every change to the list of targets, newest first: added, removed, re-categorised,
    when and why (who made it stays in the staff area)."""
    changes = list(targets.public_changes()[:500])
    return render(
        request,
        "campaigns/target_changes.html",
        {"changes": changes, "categories": Target.Category.choices},
    )


def reply_download(reply: TargetReply) -> HttpResponse:
    """A reply's document as a download, never shown inline: a PDF or an image from a
    company is opened by the reader's own application, not by our pages."""
    name = reply.document.name
    if not default_storage.exists(name):
        raise Http404("No such document")
    extension = name.rsplit(".", 1)[-1]
    return documents.attachment_response(
        default_storage.open(name, "rb"),
        filename=f"{reply.request.target.slug}-reply-{reply.pk}.{extension}",
        format_name=reply.document_type,
    )


@require_safe
@cache_control(public=True, max_age=3600)
def reply_document(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The document of a published reply (404 for any other)."""
    reply = replies.document_of(slug, pk)
    if reply is None:
        raise Http404("No such document")
    return reply_download(reply)
