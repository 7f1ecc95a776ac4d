"""Text people type that ends up in emails, receipts, reports and one-line displays: names of
signers, contacts, organisations and donors, affiliations, gift references.

Names and references are one line: a line break in a name would land in a mail header or
break an email's greeting, and control characters have no business in a name. Forms refuse
them with a message; the donation services also collapse what still gets through (the demo
loader, a script) to one line.

Django decodes a form body that is not valid UTF-8 with replacement characters (U+FFFD)
rather than refusing it; a name or message containing one was garbled on the way in and
is refused, not stored.
"""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

REPLACEMENT_CHARACTER = "\ufffd"

# Cc: C0/C1 controls (CR, LF, NUL, ESC, DEL …); Zl/Zp: Unicode line and paragraph separators.
_LINE_BREAKING = {"Cc", "Zl", "Zp"}
# A message may keep its paragraphs.
_MESSAGE_WHITESPACE = {"\n", "\r", "\t"}

GARBLED = _("This text arrived garbled (it was not valid UTF-8). Please type it again.")


def _is_line_breaking(char: str) -> bool:
    return unicodedata.category(char) in _LINE_BREAKING


def single_line(value: str) -> str:
    """`value` on one line: each run of control characters and line breaks becomes a space.

    Other characters, other spaces included, are kept as typed.
    """
    out: list[str] = []
    for char in value or "":
        if not _is_line_breaking(char):
            out.append(char)
        elif out and out[-1] != " ":
            out.append(" ")
    return "".join(out).strip()


def validate_single_line(value: str) -> None:
    """Form validator for names and references."""
    if REPLACEMENT_CHARACTER in value:
        raise ValidationError(GARBLED, code="garbled")
    if any(_is_line_breaking(char) for char in value):
        raise ValidationError(
            _("Enter this on one line, without line breaks or control characters."),
            code="single_line",
        )


def validate_message(value: str) -> None:
    """Form validator for free text: line breaks and tabs are fine, other controls are not."""
    if REPLACEMENT_CHARACTER in value:
        raise ValidationError(GARBLED, code="garbled")
    if any(_is_line_breaking(char) and char not in _MESSAGE_WHITESPACE for char in value):
        raise ValidationError(_("Remove the control characters from this text."), code="control")


class SingleLineField(forms.CharField):
    """A form field for a name: one line of readable text."""

    default_validators = [validate_single_line]
