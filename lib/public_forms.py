"""Cross-site request forgery protection for the public forms, without tokens or cookies.

Public forms (sign, sign-on, pledge, donate, personal-data requests and the buttons behind
emailed links) are the same bytes for every visitor, so they carry no per-visitor CSRF token
and set no cookie. Instead the browser's own headers say where a POST comes from:

- `Sec-Fetch-Site` (every current browser sends it): `same-origin` and `none` (typed, or a
  bookmark) pass; `cross-site` is refused; `same-site` (a sibling subdomain) passes only when
  its `Origin` is in `CSRF_TRUSTED_ORIGINS`;
- without it, `Origin` (or else `Referer`) must be this site or in `CSRF_TRUSTED_ORIGINS`;
- with none of these headers the request is not from a browser that a third party could
  steer (a browser always sends `Origin` on a cross-site POST). Such clients (`curl`, scripts)
  hold no cookie of ours, so there is nothing of a visitor's they could act with: they pass,
  and meet the same rate limits and email confirmation as everyone.

Refusals are a 403 with the usual CSRF failure page. Staff pages keep Django's token CSRF.
"""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import REASON_BAD_ORIGIN, REASON_BAD_REFERER
from django.views.csrf import csrf_failure
from django.views.decorators.csrf import csrf_exempt

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _trusted(origin: str, request: HttpRequest) -> bool:
    if not origin or origin == "null":
        return False
    own = f"{request.scheme}://{request.get_host()}"
    return origin == own or origin in settings.CSRF_TRUSTED_ORIGINS


def refusal(request: HttpRequest) -> str:
    """Why this POST is refused, or "" when it may go on."""
    if request.method in SAFE_METHODS:
        return ""
    site = request.headers.get("Sec-Fetch-Site", "").lower()
    origin = request.headers.get("Origin", "")
    if site in ("same-origin", "none"):
        return ""
    if site == "same-site":
        return "" if origin in settings.CSRF_TRUSTED_ORIGINS else REASON_BAD_ORIGIN % origin
    if site:  # cross-site, or a value we do not know
        return REASON_BAD_ORIGIN % (origin or site)
    if origin:
        return "" if _trusted(origin, request) else REASON_BAD_ORIGIN % origin
    referer = request.headers.get("Referer", "")
    if referer:
        return "" if _trusted(_origin_of(referer), request) else REASON_BAD_REFERER % referer
    return ""


def public_form(view):
    """For a public form's view: no CSRF token or cookie; cross-site POSTs refused (403)."""

    @wraps(view)
    def checked(request: HttpRequest, *args, **kwargs):
        reason = refusal(request)
        if reason:
            return csrf_failure(request, reason=reason)
        return view(request, *args, **kwargs)

    return csrf_exempt(checked)
