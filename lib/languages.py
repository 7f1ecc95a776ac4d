"""The language a page speaks when an emailed link opens it.

Our emails link to the recipient's language (`/es/c/…/confirm/…`). A link opened without
its prefix (cut on its way, retyped, shared without it) would speak the default language;
these pages know whom the link was sent to, so they speak that person's language instead.
"""

from contextlib import AbstractContextManager, nullcontext

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation

LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


def recipient_language(request: HttpRequest, language: str) -> AbstractContextManager:
    """Speak `language` (the recipient's) for the block, unless the address names one.

    A language in the address is always followed: the link's own, or one the visitor chose
    in the language menu. Call it only once the link's token has checked out, so that a
    bad or expired link shows no one's language."""
    if translation.get_language_from_path(request.path_info) or language not in LANGUAGE_CODES:
        return nullcontext()
    return translation.override(language)
