from django.conf import settings
from django.urls import translate_url
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
    }
