"""Forgetting donors' addresses (`lib.personal_data.forget_spent_addresses`).

A donor's address is needed for receipts. It is kept until the gift's receipt is sent (or the
gift failed or expired, so no receipt is owed), and while a monthly gift runs, since each
month brings a receipt; then `EMAIL_RETENTION_DAYS` more, and only its keyed hash remains (the
books still count one donor per address by it). An M-Pesa donor's phone number (kept only for
an SMS receipt) goes the same way, at the latest.
"""

from datetime import datetime

from django.db.models import Q

from donations.models import Donation

Status = Donation.Status


def forget_donor_addresses(cutoff: datetime) -> int:
    receipted = Q(receipt_sent_at__lt=cutoff)
    never_owed = Q(status__in=[Status.FAILED, Status.EXPIRED], created_at__lt=cutoff)
    monthly_running = Q(
        frequency=Donation.Frequency.MONTHLY, parent=None, subscription_ended_at__isnull=True
    ) & ~Q(status__in=[Status.FAILED, Status.EXPIRED])
    spent = Donation.objects.filter(receipted | never_owed).exclude(monthly_running)
    emails = spent.exclude(email="").update(email="")
    # An M-Pesa donor's number is blanked as soon as the SMS receipt goes or the payment
    # fails; one left behind (a receipt that could not be sent) goes after the same delay.
    phones = Donation.objects.filter(created_at__lt=cutoff).exclude(phone="").update(phone="")
    return emails + phones
