"""Embeds for other sites: iframe widget, SVG badge, embed.js. No cookies, no session.

These views never touch request.user or the session, and render templates without a
request context, so no Set-Cookie can appear. Only the widget may be framed.
"""

from functools import lru_cache
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.csp import CSP
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_safe

from api.http import counter_max_age
from api.representation import progress_payload
from campaigns.access import access_campaign
from campaigns.forms import REF_PATTERN
from campaigns.models import Campaign
from campaigns.pages import public_page
from campaigns.progress import campaign_progress
from donations.progress import raised_text

LANGUAGE_CHOICES = [("", "")] + list(settings.LANGUAGES)
THEMES = ["auto", "light", "dark"]
BADGE_LABEL_MAX = 40

# The widget may be framed by any site; it loads only our stylesheet.
WIDGET_CSP = {
    "default-src": [CSP.NONE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.NONE],
    "frame-ancestors": ["*"],
}
BADGE_CSP = {"default-src": [CSP.NONE], "frame-ancestors": [CSP.NONE]}


class EmbedQuery(forms.Form):
    lang = forms.ChoiceField(choices=LANGUAGE_CHOICES, required=False)
    theme = forms.ChoiceField(choices=[(t, t) for t in THEMES], required=False)
    ref = forms.RegexField(regex=REF_PATTERN, required=False)


class BadgeQuery(forms.Form):
    lang = forms.ChoiceField(choices=LANGUAGE_CHOICES, required=False)
    label = forms.CharField(max_length=BADGE_LABEL_MAX, required=False, strip=True)


def _text(status: int, message: str) -> HttpResponse:
    response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    patch_cache_control(response, no_store=True)
    return response


def _public(slug: str) -> Campaign | None:
    try:
        return access_campaign(None, slug)
    except Http404:
        return None


def _cacheable(request: HttpRequest, response: HttpResponse, max_age: int) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=max_age, stale_while_revalidate=30)
    set_response_etag(response)
    return get_conditional_response(request, etag=response["ETag"], response=response)


def _errors(form: forms.Form) -> str:
    return "Invalid " + ", ".join(sorted(form.errors)) + "."


def _cta_url(url: str, ref: str | None) -> str:
    from urllib.parse import urlencode

    return url + ("?" + urlencode({"ref": ref}) if ref else "")


@require_safe
@xframe_options_exempt
@csp_override(WIDGET_CSP)
@public_page(with_query=True)
def widget(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _public(slug)
    if campaign is None:
        return _text(404, "No such campaign.")
    form = EmbedQuery(request.GET)
    if not form.is_valid():
        return _text(400, _errors(form))
    lang = form.cleaned_data["lang"] or campaign.default_language
    with translation.override(lang):
        counts = campaign_progress(campaign)
        progress = progress_payload(campaign, counts, language=lang)
        content = campaign.content(lang)
        html = render_to_string(
            "embed/widget.html",
            {
                "campaign": campaign,
                "content": content,
                "progress": progress,
                # Money written the way the widget's language writes it (donations.money).
                "raised": raised_text(campaign, counts, language=lang),
                "lang": lang,
                "bidi": translation.get_language_bidi(),
                "theme": form.cleaned_data["theme"] or "auto",
                "cta_url": _cta_url(progress["browser_url"], form.cleaned_data["ref"]),
                "closed": campaign.is_closed(),
            },
        )
    return _cacheable(request, HttpResponse(html), counter_max_age())


def _badge_value(progress: dict, raised: dict | None) -> tuple[str, str]:
    """(default label, value) for the campaign's main figure; money as the language writes
    it ("€250.00", "250,00 €"), with what no exchange rate converts yet after a plus."""
    from django.contrib.humanize.templatetags.humanize import intcomma

    if progress["figures"]:
        figure = progress["figures"][0]
        value = intcomma(figure["count"])
        if figure["goal"]:
            value += f" / {intcomma(figure['goal'])}"
        return figure["label"], value
    if raised:
        value = raised["total"]
        if raised["unconverted"]:
            value += f" + {raised['unconverted']}"
        return str(translation.gettext("raised")), value
    return progress["campaign"], progress["status"]


def _text_width(text: str) -> int:
    return 10 + 7 * len(text)


@require_safe
@csp_override(BADGE_CSP)
@public_page(with_query=True)
def badge(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _public(slug)
    if campaign is None:
        return _text(404, "No such campaign.")
    form = BadgeQuery(request.GET)
    if not form.is_valid():
        return _text(400, _errors(form))
    lang = form.cleaned_data["lang"] or campaign.default_language
    with translation.override(lang):
        counts = campaign_progress(campaign)
        progress = progress_payload(campaign, counts, language=lang)
        default_label, value = _badge_value(progress, raised_text(campaign, counts, language=lang))
        # Arabic money ("[RLM]1,500.00 €") reads right to left; a left-to-right run reorders it.
        rtl = translation.get_language_bidi()
    label = form.cleaned_data["label"] or default_label
    label_width, value_width = _text_width(label), _text_width(value)
    svg = render_to_string(
        "embed/badge.svg",
        {
            "label": label,
            "value": value,
            "label_width": label_width,
            "value_width": value_width,
            "width": label_width + value_width,
            "label_x": label_width // 2,
            "value_x": label_width + value_width // 2,
            "rtl": rtl,
        },
    )
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return _cacheable(request, response, counter_max_age())


@lru_cache(maxsize=1)
def _embed_js() -> bytes:
    return Path(finders.find("js/embed.js")).read_bytes()


@require_safe
def embed_js(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(_embed_js(), content_type="text/javascript; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return _cacheable(request, response, 3600)
