"""No personal data in any public API or embed response."""

import datetime
import re

import pytest

from campaigns.models import Target
from commitments import services as commitment_services
from donations import services as donation_services
from partners import services
from partners.models import Partner, PartnerToken
from pledges import services as pledge_services
from tests.commitments.helpers import (
    approved_pledge,
    boycott,
    contact_update,
    create_drive,
    divestment,
    pledge,
)
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
    "/api/v1/targets/?campaign=bds",
    "/api/v1/targets/alphabet/",
    "/api/v1/targets/meta/",
    "/api/v1/campaigns/bds/",
    "/api/v1/campaigns/bds/progress/",
    "/api/v1/campaigns/bds/commitments/",
    "/api/v1/campaigns/bds/commitments/?status=pledged",
    "/api/v1/campaigns/bds/commitments/?status=in_progress",
    "/api/v1/campaigns/bds/commitments/?q=Zebulon",
    "/api/v1/campaigns/bds/commitments/?target=all&type=boycott",
    "/api/v1/campaigns/bds/commitments/?country=MX&page_size=1",
    "/api/v1/campaigns/bds/commitments/totals/",
    "/api/v1/campaigns/bds/commitments/totals/?country=AR",
    "/api/v1/campaigns/bds/signatories/",
    "/api/v1/campaigns/refuse/commitments/",
    "/api/v1/open-data/campaigns.json",
    "/api/v1/open-data/campaigns.csv",
    "/api/v1/open-data/organisations.csv",
    "/api/v1/open-data/commitments.csv",
    "/api/v1/open-books/",
    "/api/v1/campaigns/fund/progress/",
    "/api/schema/",
    "/api/docs/",
    "/oembed?url=http://testserver/c/refuse/",
    "/embed/refuse/",
    "/embed/refuse/?lang=ar&theme=dark",
    "/embed/refuse/badge.svg",
    "/embed/bds/",
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
    bds_drive(moderator)
    return campaign


# Distinctive private strings of the BDS drive: none may leave through a public response.
PRIVATE_TEXTS = [
    b"Zebulon",
    b"Quillfeather",
    b"Ottoline",
    b"PENDING-NOTE-7731",
    b"REJECTED-NOTE-4410",
    b"UNAPPROVED-ACTION-9902",
    b"private.example",
]


def bds_drive(moderator):
    """A drive with public commitments whose contacts, pending and rejected contact updates
    and unapproved pledges are private."""
    drive = create_drive()
    a = approved_pledge(
        drive,
        boycott(),
        divestment(),
        contact_name="Zebulon Quillfeather",
        contact_email="zebulon.quillfeather@private.example",
    )
    b = approved_pledge(
        drive,
        boycott(target="", action="Quit every listed company's cloud"),
        website="https://sindicato.example",
        name="Sindicato Digital",
        country="AR",
        contact_name="Ottoline Quillfeather",
        contact_email="ottoline@sindicato.example",
    )
    first, last = a.commitments.order_by("pk")
    commitment_services.post_commitment_update(
        first,
        commitment_services.UpdateData(status="in_progress", note="Migration started"),
        source="moderator",
        by=moderator,
    )
    commitment_services.fulfil_commitment(
        b.commitments.get(), by=moderator, evidence_url="https://sindicato.example/news"
    )
    contact_update(last, "fulfilled", note="PENDING-NOTE-7731 call me on +44 20 7946 0000")
    rejected = contact_update(first, "withdrawn", note="REJECTED-NOTE-4410")
    commitment_services.review_commitment_update(
        rejected, accept=False, by=moderator, reason="Ottoline asked"
    )
    pledge(
        drive,
        boycott(action="UNAPPROVED-ACTION-9902"),
        website="https://waiting.example",
        contact_name="Zebulon Waiting",
        contact_email="zebulon@private.example",
    )
    return drive


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_no_email_address_in_public_responses(client, world, path):
    response = client.get(path)
    assert response.status_code in (200, 404)
    assert not EMAIL.findall(response.content), EMAIL.findall(response.content)
    assert "Set-Cookie" not in response.headers
    # No contact person, pending or rejected contact update, or unapproved commitment.
    for private in PRIVATE_TEXTS:
        assert private not in response.content, private


def test_the_bds_paths_answer(client, world):
    """The scan above reads real answers, not 404s."""
    for path in PUBLIC_PATHS:
        if "bds" in path or "targets" in path or "commitments.csv" in path:
            assert client.get(path).status_code == 200, path
    assert client.get("/api/v1/campaigns/refuse/commitments/").status_code == 404
    body = client.get("/api/v1/campaigns/bds/commitments/").json()
    assert body["count"] == 3
    assert any(h["note"] == "Migration started" for c in body["results"] for h in c["history"])
