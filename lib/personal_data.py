"""Erasure reaches every copy: each app registers how to erase what it holds for an address.

`pledges` erases signatures and pledge contacts, `partners` the webhook payloads that carry a
signer, `donations` the donor's name and address on gifts (the amounts stay in the books).
`erase_everywhere` runs them all in one transaction, called by the "erase my data" page.
Apps register from their `AppConfig.ready`; this module imports none of them.
"""

from collections.abc import Callable

from django.db import transaction

# eraser(email) -> how many rows it changed or deleted
Eraser = Callable[[str], int]
_erasers: dict[str, Eraser] = {}


def register_eraser(name: str, eraser: Eraser) -> None:
    _erasers[name] = eraser


def erase_everywhere(email: str) -> dict[str, int]:
    """Erase what every app holds for `email` (an address already normalised)."""
    with transaction.atomic():
        return {name: eraser(email) for name, eraser in _erasers.items()}
