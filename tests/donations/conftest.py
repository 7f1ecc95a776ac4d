import re

import pytest

from campaigns.models import Campaign
from donations import services
from donations.models import Donation
from tests.conftest import create_campaign
from tests.donations.stripe_events import WEBHOOK_SECRET


@pytest.fixture
def stripe_keys(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_donations"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    return settings


@pytest.fixture
def fundraiser(db):
    return create_campaign(
        "fund",
        kind=Campaign.Kind.FUNDRAISER,
        fundraising_goal_minor=100_000,
        fundraising_currency="EUR",
    )


def pending_donation(
    campaign=None,
    *,
    amount_minor: int = 2500,
    currency: str = "EUR",
    frequency: str = Donation.Frequency.ONCE,
    email: str = "",
    language: str = "en",
    **extra,
) -> Donation:
    return services.start_donation(
        campaign,
        services.GiftDetails(
            amount_minor=amount_minor,
            currency=currency,
            frequency=frequency,
            email=email,
            **extra,
        ),
        language=language,
    )


def submission_key(form_page) -> str:
    """The one-time key a rendered offline-gift form carries in its hidden field."""
    match = re.search(r'name="submission_key" value="([^"]+)"', form_page.content.decode())
    assert match, "the offline-gift form has no submission key"
    return match.group(1)


@pytest.fixture
def mpesa_keys(settings):
    """Daraja sandbox keys (made up: every call is intercepted with `responses`); no SMS."""
    settings.MPESA_ENVIRONMENT = "sandbox"
    settings.MPESA_CONSUMER_KEY = "consumer-key"
    settings.MPESA_CONSUMER_SECRET = "consumer-secret"
    settings.MPESA_SHORTCODE = "174379"
    settings.MPESA_PASSKEY = "passkey-for-tests"
    settings.MPESA_CALLBACK_SECRET = "callback-secret-for-tests-0123"
    settings.MPESA_CALLBACK_ALLOWED_IPS = []
    settings.AFRICASTALKING_USERNAME = "sandbox"
    settings.AFRICASTALKING_API_KEY = ""
    return settings


@pytest.fixture
def sms_keys(settings):
    settings.AFRICASTALKING_USERNAME = "sandbox"
    settings.AFRICASTALKING_API_KEY = "at-api-key-for-tests"
    settings.AFRICASTALKING_SENDER_ID = ""
    return settings


@pytest.fixture
def kes_fundraiser(db):
    """A fundraiser in shillings whose donate page offers M-Pesa (Finance's setting)."""
    from donations.models import MpesaSetting

    campaign = create_campaign(
        "harambee",
        kind=Campaign.Kind.FUNDRAISER,
        fundraising_goal_minor=10_000_000,
        fundraising_currency="KES",
    )
    MpesaSetting.objects.create(campaign=campaign, enabled=True)
    return campaign
