"""No personal data in any public API or embed response."""

import datetime
import re

import pytest

from api import services
from campaigns.models import Partner, PartnerToken, Target
from donations import services as donation_services
from pledges import services as pledge_services
from tests.conftest import create_campaign
from tests.pledges.conftest import approved_org, sign, signature_data, signed_and_confirmed

pytestmark = pytest.mark.django_db

EMAIL = re.compile(rb"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")

PUBLIC_PATHS = [
    "/api/v1/campaigns/",
    "/api/v1/campaigns/?lang=es",
    "/api/v1/campaigns/refuse/",
    "/api/v1/campaigns/refuse/progress/",
    "/api/v1/campaigns/refuse/signatories/",
    "/api/v1/campaigns/refuse/signatories/?type=individual",
    "/api/v1/campaigns/refuse/signatories/?type=ngo&country=KE",
    "/api/v1/campaigns/refuse/signatories/?q=a",
    "/api/v1/targets/",
    "/api/v1/open-data/campaigns.json",
    "/api/v1/open-data/campaigns.csv",
    "/api/v1/open-data/organisations.csv",
    "/api/v1/open-books/",
    "/api/v1/campaigns/fund/progress/",
    "/api/schema/",
    "/api/docs/",
    "/oembed?url=http://testserver/c/refuse/",
    "/embed/refuse/",
    "/embed/refuse/?lang=ar&theme=dark",
    "/embed/refuse/badge.svg",
    "/embed.js",
    "/partners/",
    "/api/v1/nothing",
    "/api/v1/campaigns/nope/",
]


@pytest.fixture
def world(campaign, comms, moderator, finance, outsider):
    # Staff accounts with emails exist; a partner with a webhook exists.
    target = Target.objects.create(name="Google", slug="google")
    campaign.targets.add(target)
    partner = Partner.objects.create(name="Allies", organisation="Allied", ref="allies")
    partner.campaigns.add(campaign)
    services.issue_token(partner, name="x", scopes=[PartnerToken.Scope.STATS_READ])
    # Signers listed and unlisted, confirmed and pending; organisations with private contacts.
    signed_and_confirmed(campaign, name="Listed", email="listed@example.org", affiliation="Uni")
    signed_and_confirmed(
        campaign, name="Unlisted", email="unlisted@example.org", show_publicly=False
    )
    sign(campaign, name="Pending", email="pending@example.org")
    approved_org(campaign, moderator=moderator)
    approved_org(
        campaign,
        name="Kenya NGO",
        kind="ngo",
        country="KE",
        website="https://ngo.example/",
        contact_email="contact@ngo.example",
    )
    # Gifts with donor emails, one listed by name; a signer who shared details with a partner.
    fund = create_campaign("fund", kind="fundraiser", fundraising_currency="EUR")
    for listed in (True, False):
        donation_services.record_offline_gift(
            method="cash",
            amount_minor=2500,
            currency="EUR",
            received_on=datetime.date(2026, 10, 1),
            campaign=fund,
            donor_name="Donor",
            email=f"donor{listed}@example.net",
            public_listing=listed,
            by=None,
        )
    result = pledge_services.sign(
        campaign,
        signature_data(email="shared@example.org", shared_with_partner=True),
        partner=partner,
    )
    pledge_services.confirm_signature(result.signature.pk)
    return campaign


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_no_email_address_in_public_responses(client, world, path):
    response = client.get(path)
    assert response.status_code in (200, 404)
    assert not EMAIL.findall(response.content), EMAIL.findall(response.content)
    assert "Set-Cookie" not in response.headers
