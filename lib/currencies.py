"""Which currency codes are real: ISO 4217 codes of money in use today, from Babel's CLDR data.

Shared by gifts, exchange rates, campaign fundraising goals and divestment amounts, so that
`ZZZ` is refused everywhere money is named.
"""

from functools import cache

from babel import Locale
from babel.numbers import get_territory_currencies
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


@cache
def iso_currencies() -> frozenset[str]:
    """ISO 4217 codes of money that is legal tender somewhere today, from Babel's CLDR data.

    Not the codes that only look like one (`ZZZ`), the "no currency" and testing codes
    (`XXX`, `XTS`), precious metals, fund codes or currencies withdrawn long ago (`DEM`).
    """
    return frozenset(
        code
        for territory in Locale("en").territories
        for code in get_territory_currencies(territory, tender=True)
    )


def is_iso_currency(code: object) -> bool:
    """True for an upper-case ISO 4217 code in use today ("EUR"), False for anything else."""
    return isinstance(code, str) and code in iso_currencies()


def validate_currency(code: str) -> None:
    """Model and form validator: an ISO 4217 code in use today, in capitals."""
    if not is_iso_currency(code):
        raise ValidationError(
            _("Enter the three-letter ISO 4217 code of a currency in use, e.g. EUR."),
            code="currency",
        )
