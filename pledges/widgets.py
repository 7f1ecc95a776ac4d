"""Form widgets written for speed where Django's templated rendering is measurably slow."""

from functools import lru_cache

from django import forms
from django.forms.utils import flatatt
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django_countries import countries

BLANK_CHOICE = ("", "---------")


@lru_cache(maxsize=32)  # one entry per language that has been active; a handful
def country_choices(language: str | None) -> tuple[tuple[str, str], ...]:
    """The blank choice, then every country named in `language`, built once per language.

    Sorted as django-countries sorts them: by the translated name, with the Unicode
    Collation Algorithm (pyuca, django-countries' `pyuca` extra; without it Arabic names
    would stay in the English order). Form fields share this tuple: none copies it.
    """
    with translation.override(language):
        return (BLANK_CHOICE, *((code, str(name)) for code, name in countries))


@lru_cache(maxsize=32)
def country_names(language: str | None) -> dict[str, str]:
    """Country code → name in `language`, from the same tuple the forms offer."""
    return {code: name for code, name in country_choices(language) if code}


@lru_cache(maxsize=32)
def country_positions(language: str | None) -> dict[str, int]:
    """Country code → its place in `language`'s sorted list: sort other country lists with
    it (counts by country, tracker totals) and they read in the same order as the selects."""
    return {code: place for place, code in enumerate(country_names(language))}


@lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    """Every country code the country fields accept (the same in every language)."""
    return frozenset(code for code, _ in country_choices(None) if code)


class PlainSelect(forms.Select):
    """A single <select> with flat choices, written in Python.

    Django renders every <option> through a template include; for the ~250 countries
    that was most of the campaign page's time (bench/: 84 of 120 ms a page for its two
    country lists). Same markup, same attributes, no templates.
    """

    def render(self, name, value, attrs=None, renderer=None):
        selected = self.format_value(value)[:1]  # one value, as Select marks only the first
        options = format_html_join(
            "\n",
            '<option value="{}"{}>{}</option>',
            (
                (
                    key,
                    " selected" if key in selected else "",
                    label,
                )
                for key, label in ((self._key(v), lbl) for v, lbl in self.choices)
            ),
        )
        return format_html(
            '<select name="{}"{}>\n{}\n</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            options,
        )

    @staticmethod
    def _key(value) -> str:
        return "" if value is None else str(value)


class CountrySelect(PlainSelect):
    """A PlainSelect whose choices are always the active language's `country_choices`."""

    def __init__(self, attrs=None):
        forms.Widget.__init__(self, attrs)

    @property
    def choices(self) -> tuple[tuple[str, str], ...]:
        return country_choices(translation.get_language())

    @choices.setter
    def choices(self, value) -> None:
        raise AttributeError("a country list offers every country: its choices are not set")

    def __deepcopy__(self, memo):
        # Form() deep-copies every widget; the choices are shared, never copied.
        return forms.Widget.__deepcopy__(self, memo)
