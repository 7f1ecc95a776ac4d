"""Forgetting addresses nothing is owed to any more (`lib.personal_data.forget_spent_addresses`).

Withdrawal, unsubscribe and personal-data links are signed tokens, and `/my-data/` writes to
the address the person types, so a signer's address is only needed while an email may still
be owed to it:

- a signature waiting for confirmation (or held as suspect) keeps it: reminders, release;
- a confirmed signer who asked for updates keeps it until they unsubscribe or withdraw;
- everyone else keeps it `EMAIL_RETENTION_DAYS` after confirming or withdrawing.

An organisation's contact keeps theirs until the sign-on is decided and nothing of theirs is
open (a pledge kind says what stays open: a BDS commitment keeps its reminders until it
closes), then the same number of days. What is forgotten is the encrypted address; its keyed
hash stays, so "already signed" answers, rate limits and `/my-data/` still recognise it.
"""

from datetime import datetime

from django.db.models import Q

from pledges import contact
from pledges.models import ContactConfirmedPledge, Signature

Status = Signature.Status
Decided = ContactConfirmedPledge.Status


def forget_signer_addresses(cutoff: datetime) -> int:
    no_more_updates = Q(updates_consent=False) | Q(unsubscribed_at__isnull=False)
    spent = Q(status=Status.CONFIRMED, confirmed_at__lt=cutoff) & no_more_updates | Q(
        status=Status.WITHDRAWN, withdrawn_at__lt=cutoff
    )
    return Signature.objects.filter(spent).exclude(email="").update(email="")


def forget_contact_addresses(cutoff: datetime) -> int:
    forgotten = 0
    for kind in contact.kinds():
        decided = Q(status__in=[Decided.APPROVED, Decided.REJECTED], moderated_at__lt=cutoff) | Q(
            status=Decided.WITHDRAWN, created_at__lt=cutoff
        )
        pledges = kind.model.objects.filter(decided).exclude(contact_email="")
        if kind.still_owed is not None:
            pledges = pledges.exclude(pk__in=kind.model.objects.filter(kind.still_owed()))
        forgotten += pledges.update(contact_email="")
    return forgotten


def forget_pledge_addresses(cutoff: datetime) -> int:
    return forget_signer_addresses(cutoff) + forget_contact_addresses(cutoff)
