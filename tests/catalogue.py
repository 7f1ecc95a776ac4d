"""Translations a test adds to a language's catalogue, for strings the catalogues do not
hold yet (new msgids are translated centrally, after the code that needs them)."""

from contextlib import contextmanager
from unittest import mock

from django.utils.translation import trans_real

CONTEXT = "\x04"  # gettext joins a msgctxt and its msgid with EOT


@contextmanager
def extra_translations(language: str, entries: dict):
    """Add `entries` to `language`'s catalogue for the block.

    Keys as gettext stores them: "msgid", "context\\x04msgid", and (msgid, plural index)
    for the forms of a plural entry."""
    catalogue = trans_real.translation(language)._catalog._catalogs[0]
    with mock.patch.dict(catalogue, entries):
        yield
