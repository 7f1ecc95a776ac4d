"""Bank details Finance publishes for transfers: IBAN and BIC checks and how they are written.

An IBAN is stored as the bank prints it in electronic form (capitals, no spaces) and shown
in groups of four, the way paper forms and banking apps show it; an account number that is
not an IBAN (a Kenyan or US account) is stored and shown as Finance typed it.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

IBAN_SHAPE = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$")
BIC_SHAPE = re.compile(r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$")
# Two letters and two digits: what every IBAN starts with, and no plain account number does.
LOOKS_LIKE_IBAN = re.compile(r"^[A-Z]{2}[0-9]{2}")


def compact(raw: str) -> str:
    """Capitals without spaces or dashes: "de89 3704-0044…" → "DE89370400…"."""
    return re.sub(r"[\s-]", "", (raw or "").upper())


def looks_like_iban(account_number: str) -> bool:
    return bool(LOOKS_LIKE_IBAN.match(compact(account_number)))


def iban_is_valid(iban: str) -> bool:
    """ISO 13616: the shape, and the number mod 97 is 1 once the first four move to the end."""
    iban = compact(iban)
    if not IBAN_SHAPE.match(iban):
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


def validate_account_number(value: str) -> None:
    """An IBAN must be a valid one (a typo here sends donors' money nowhere)."""
    if looks_like_iban(value) and not iban_is_valid(value):
        raise ValidationError(
            _("This IBAN is not valid: check it against the bank's statement."), code="iban"
        )


def validate_bic(value: str) -> None:
    if value and not BIC_SHAPE.match(compact(value)):
        raise ValidationError(
            _("Enter a BIC/SWIFT code of 8 or 11 letters and digits, e.g. COBADEFFXXX."),
            code="bic",
        )


def display_account_number(value: str) -> str:
    """An IBAN in groups of four ("DE89 3704 0044 0532 0130 00"); anything else as typed."""
    if not looks_like_iban(value):
        return value
    iban = compact(value)
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
