"""Text fields that end up in email headers and one-line displays (names, affiliations).

A name with a line break could be put into an email header or break a layout, and a form
body that was not valid UTF-8 reaches Django as U+FFFD replacement characters: both are
refused with a form error rather than stored garbled.
"""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

REPLACEMENT_CHARACTER = "\ufffd"


def validate_single_line(value: str) -> None:
    if REPLACEMENT_CHARACTER in value:
        raise ValidationError(
            _("This text could not be read: please type it again."), code="encoding"
        )
    # Cc: control characters (line breaks, tabs, NUL…); Zl/Zp: line and paragraph separators.
    if any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in value):
        raise ValidationError(_("Use a single line, without line breaks."), code="line_break")


class SingleLineField(forms.CharField):
    default_validators = [validate_single_line]
