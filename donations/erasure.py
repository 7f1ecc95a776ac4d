"""Erasure of a donor's details (`lib.personal_data`): the gifts stay in the books, as
amounts, dates and currencies, but no longer say who gave them. Our copies of Stripe's events
never held the customer's details (`stripe_payloads.without_personal_details`)."""

from django.db import transaction

from donations.models import Donation


def erase_donor(hashed: str) -> int:
    """Every gift given from the mailbox with this keyed hash (any alias of it)."""
    with transaction.atomic():
        return Donation.objects.filter(email_hash=hashed).update(
            email="", email_hash="", donor_name="", public_listing=False
        )
