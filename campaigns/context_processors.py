from babel.core import LOCALE_ALIASES
from django.conf import settings
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, get_language_bidi, get_language_info


def site(request):
    current = get_language() or settings.LANGUAGE_CODE
    path = request.get_full_path() if request else "/"
    return {
        "SITE_URL": settings.SITE_URL,
        "LANGUAGE_BIDI": get_language_bidi(),
        "language_links": [
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": translate_url(path, code),
                "current": code == current,
            }
            for code, _name in settings.LANGUAGES
        ],
        "alternates": alternates(request),
        "OG_LOCALE": {
            "current": og_locale(current),
            "alternates": [og_locale(code) for code, _ in settings.LANGUAGES if code != current],
        },
    }


def og_locale(language: str) -> str:
    """Open Graph's language_TERRITORY for a language code: "es" → "es_ES" (Babel's aliases)."""
    return LOCALE_ALIASES.get(language, language).replace("-", "_")


def alternates(request) -> list[dict]:
    """`<link rel="alternate" hreflang>` targets: the page in every language, and x-default
    (the default language's, unprefixed), as absolute URLs without the query string.

    Only for public pages: not for staff pages (under ADMIN_PATH or staff/), pages behind a
    token (confirmation links, your data) or addresses that match no page."""
    match = getattr(request, "resolver_match", None)
    if match is None or "token" in match.kwargs:
        return []
    default = translate_url(request.path, settings.LANGUAGE_CODE)
    if default.startswith(("/" + settings.ADMIN_PATH, "/staff/")):
        return []
    links = [
        {"hreflang": code, "href": settings.SITE_URL + translate_url(request.path, code)}
        for code, _name in settings.LANGUAGES
    ]
    return [*links, {"hreflang": "x-default", "href": settings.SITE_URL + default}]


def branding(request):
    """The coalition's name, logo and theme stylesheet version (settings COALITION_*)."""
    return {
        "COALITION_NAME": coalition_name(),
        "COALITION_LOGO": settings.COALITION_LOGO,
        "THEME_VERSION": theme_version(),
        # Read only by pages that show the menu, and then at most once a minute.
        "NAVIGATION": SimpleLazyObject(navigation),
    }


def navigation() -> dict:
    from campaigns.queries import navigation as read

    return read()


def coalition_name() -> str:
    from django.utils.translation import gettext

    return settings.COALITION_NAME or gettext("Coalition campaigns")


def theme_version() -> str:
    import hashlib

    return hashlib.sha256(settings.COALITION_ACCENT_COLOUR.encode()).hexdigest()[:10]
