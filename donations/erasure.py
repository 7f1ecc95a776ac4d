"""Erasure of a donor's details (`lib.personal_data`): the gifts stay in the books, as
amounts, dates and currencies, but no longer say who gave them, and our copies of Stripe's
events lose the customer's details."""

from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Cast

from donations.models import Donation, StripeEvent
from lib.mailboxes import mailbox_domains, same_mailbox

PERSONAL_KEYS = {"customer_details", "billing_details", "shipping_details", "shipping"}


def _scrub(value, email: str):
    """The event without the customer: their detail blocks emptied, their address blanked."""
    if isinstance(value, dict):
        return {
            key: ({} if key in PERSONAL_KEYS and item else _scrub(item, email))
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_scrub(item, email) for item in value]
    if isinstance(value, str) and value.strip().casefold() == email:
        return ""
    return value


def erase_donor(email: str) -> int:
    """Every gift given from this mailbox (any alias of it), and Stripe's events about them."""
    with transaction.atomic():
        domains = Q()
        for domain in mailbox_domains(email):
            domains |= Q(email__iendswith="@" + domain)
        gifts = [g for g in Donation.objects.filter(domains) if same_mailbox(g.email, email)]
        spellings = {email} | {gift.email.strip().casefold() for gift in gifts}
        erased = Donation.objects.filter(pk__in=[gift.pk for gift in gifts]).update(
            email="", donor_name="", public_listing=False
        )
        text = Cast("payload", models.TextField())
        found = Q()
        for spelling in spellings:
            found |= Q(text__icontains=spelling)
        events = StripeEvent.objects.annotate(text=text).filter(found)
        for event in events.select_for_update(of=("self",)):
            for spelling in spellings:
                event.payload = _scrub(event.payload, spelling)
            event.save(update_fields=["payload"])
            erased += 1
    return erased
