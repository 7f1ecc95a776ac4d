"""Demo offline gifts for `manage.py load_demo`; safe to run again (keyed by reference)."""

from datetime import date

from campaigns.models import Campaign
from donations import services
from donations.models import Donation

DEMO_GIFTS = [
    ("DEMO-BANK-0001", Donation.Method.BANK_TRANSFER, 150_000, "EUR", "Tech Co-op Berlin", True),
    ("DEMO-MOBILE-0001", Donation.Method.MOBILE_MONEY, 2_500, "USD", "", False),
]


def load_demo_gifts(campaign_slug: str = "coalition-fund") -> int:
    campaign = Campaign.objects.filter(slug=campaign_slug).first()
    created = 0
    for reference, method, amount_minor, currency, name, listed in DEMO_GIFTS:
        if Donation.objects.filter(offline_reference=reference).exists():
            continue
        services.record_offline_gift(
            method=method,
            amount_minor=amount_minor,
            currency=currency,
            received_on=date.today(),  # noqa: DTZ011 - a demo date, any local day will do
            reference=reference,
            campaign=campaign,
            donor_name=name,
            public_listing=listed,
            by=None,
        )
        created += 1
    return created
