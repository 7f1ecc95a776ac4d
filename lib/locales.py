"""Numbers written the way each language writes them (Babel, CLDR data).

Counts, money (donations/money.py) and the share cards group digits the same way for one
language: "12,480" in English, "12.480" in Spanish, "12 480" in French. Arabic pages use
Latin digits, as Babel's `ar` locale does by default and as the rest of the site does.
"""

from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal
from django.conf import settings
from django.utils import translation


def babel_locale(language: str) -> Locale:
    """The Babel locale of a Django language code: "pt-br" → pt_BR, "ar" → ar.

    An unknown code falls back to its base language, then to the site's default language.
    """
    for candidate in (translation.to_locale(language), language.split("-")[0]):
        try:
            return Locale.parse(candidate)
        except (UnknownLocaleError, ValueError):
            continue
    return Locale.parse(translation.to_locale(settings.LANGUAGE_CODE))


def current_locale() -> Locale:
    return babel_locale(translation.get_language() or settings.LANGUAGE_CODE)


def format_count(number: int, *, language: str | None = None) -> str:
    """A whole number with the language's digit grouping."""
    locale = babel_locale(language) if language else current_locale()
    return format_decimal(number, locale=locale)
