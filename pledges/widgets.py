"""Form widgets written for speed where Django's templated rendering is measurably slow."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


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
