"""Erasure reaches every copy: each app registers how to erase what it holds for an address,
and how to forget the addresses it no longer needs.

`pledges` erases signatures and pledge contacts, `partners` the webhook payloads that carry a
signer, `donations` the donor's name and address on gifts (the amounts stay in the books).
`erase_everywhere` runs them all in one transaction, called by the "erase my data" page.
Apps register from their `AppConfig.ready`; this module imports none of them.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

# eraser(keyed hash of the mailbox, `lib.mailboxes.email_hash`) -> rows changed or deleted
Eraser = Callable[[str], int]
_erasers: dict[str, Eraser] = {}
# forgetter(cutoff) -> how many stored addresses it blanked
Forgetter = Callable[[datetime], int]
_forgetters: dict[str, Forgetter] = {}


def register_eraser(name: str, eraser: Eraser) -> None:
    _erasers[name] = eraser


def erase_everywhere(hashed: str) -> dict[str, int]:
    """Erase what every app holds for the mailbox with this keyed hash."""
    with transaction.atomic():
        return {name: eraser(hashed) for name, eraser in _erasers.items()}


def register_forgetter(name: str, forgetter: Forgetter) -> None:
    _forgetters[name] = forgetter


def retention_days() -> int:
    return settings.EMAIL_RETENTION_DAYS


def forget_spent_addresses(*, now: datetime | None = None) -> dict[str, int]:
    """Blank every stored email address nothing is owed to any more, in every app.

    An address is kept `EMAIL_RETENTION_DAYS` (7) after the last thing owed to it (for
    "already signed" answers and support), then only its keyed hash remains. Each app says
    what "owed" means for its rows: see the forgetters registered in their `AppConfig`."""
    cutoff = (now or timezone.now()) - timedelta(days=retention_days())
    with transaction.atomic():
        return {name: forgetter(cutoff) for name, forgetter in _forgetters.items()}
