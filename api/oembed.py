"""oEmbed for campaign links, and the iframe snippet the partner guide shows too."""

import re
from typing import TypedDict
from urllib.parse import parse_qs, urlencode, urlsplit

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils.html import format_html

from campaigns.access import access_campaign
from campaigns.forms import REF_PATTERN
from campaigns.models import Campaign
from campaigns.representation import Url

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
_CAMPAIGN_PATH = re.compile(
    r"^/(?:(?P<lang>" + "|".join(LANGUAGE_CODES) + r")/)?c/(?P<slug>[-a-zA-Z0-9_]+)/?$"
)
WIDTH, HEIGHT = 400, 230
SANDBOX = "allow-popups allow-popups-to-escape-sandbox"
PROVIDER_NAME = "Coalition campaigns"


def embed_src(campaign: Campaign, *, lang: str | None = None, ref: str | None = None) -> str:
    params = {key: value for key, value in (("lang", lang), ("ref", ref)) if value}
    url = settings.SITE_URL + reverse("api:embed", kwargs={"slug": campaign.slug})
    return url + ("?" + urlencode(params) if params else "")


def iframe_html(
    campaign: Campaign,
    *,
    title: str,
    lang: str | None = None,
    ref: str | None = None,
    width: int = WIDTH,
    height: int = HEIGHT,
    styled: bool = True,
) -> str:
    """The snippet for other sites; `styled=False` for our own pages (strict CSP)."""
    return format_html(
        '<iframe src="{}" title="{}" width="{}" height="{}" loading="lazy" '
        'sandbox="{}" referrerpolicy="no-referrer"{}></iframe>',
        embed_src(campaign, lang=lang, ref=ref),
        title,
        width,
        height,
        SANDBOX,
        format_html(' style="{}"', "border:0;max-width:100%") if styled else "",
    )


def parse_campaign_url(url: str) -> tuple[str, str | None, str | None]:
    """(slug, lang, ref) of one of our campaign URLs, else Http404."""
    parts = urlsplit(url.strip())
    ours = urlsplit(settings.SITE_URL)
    if parts.scheme not in ("http", "https") or parts.netloc.lower() != ours.netloc.lower():
        raise Http404("Not a campaign URL of this site.")
    match = _CAMPAIGN_PATH.match(parts.path)
    if not match:
        raise Http404("Not a campaign URL of this site.")
    ref = (parse_qs(parts.query).get("ref") or [None])[0]
    if ref and not re.match(REF_PATTERN, ref):
        ref = None
    return match["slug"], match["lang"], ref


class Oembed(TypedDict):
    """An oEmbed answer of type `rich` (https://oembed.com/)."""

    version: str
    type: str
    title: str
    provider_name: str
    provider_url: Url
    html: str
    width: int
    height: int
    cache_age: int


def oembed_for(url: str, *, maxwidth: int | None = None, maxheight: int | None = None) -> Oembed:
    slug, lang, ref = parse_campaign_url(url)
    campaign = access_campaign(None, slug)
    width = min(WIDTH, maxwidth) if maxwidth else WIDTH
    height = min(HEIGHT, maxheight) if maxheight else HEIGHT
    title = campaign.content(lang).title
    return {
        "version": "1.0",
        "type": "rich",
        "title": title,
        "provider_name": PROVIDER_NAME,
        "provider_url": settings.SITE_URL + "/",
        "html": iframe_html(campaign, title=title, lang=lang, ref=ref, width=width, height=height),
        "width": width,
        "height": height,
        "cache_age": 300,
    }
