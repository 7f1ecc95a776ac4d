"""The leak crawl: with private people in the database, no public page, embed, badge,
oEmbed answer or API response (pagination included) shows an email address, a contact
person, an unlisted signer or donor, or anything still waiting for moderation.

The crawl starts at the home page in English and Arabic and at every known public path, and
follows every same-origin link (href, src, action, and URLs inside JSON) it finds.
"""

import json
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.conf import settings
from django.utils import timezone

from commitments import services as commitment_services
from donations import services as donation_services
from donations.models import Donation
from partners import services as api_services
from partners.models import Partner, PartnerToken
from pledges import contact, services
from tests.commitments.helpers import boycott, contact_update, create_drive, pledge
from tests.conftest import create_campaign
from tests.donations.conftest import pending_donation
from tests.donations.stripe_events import WEBHOOK_SECRET, post_event, session_completed
from tests.pledges.conftest import org_data, sign

pytestmark = pytest.mark.django_db

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# Strings that must never be public. Names are distinctive so a hit is never a coincidence.
SECRETS = [
    "Zebulon Unlistedsigner",  # confirmed, chose not to be listed
    "Petronella Pendingsigner",  # asked to be listed but never confirmed
    "Wilhelmina Withdrawnsigner",  # listed, then withdrew
    "Orsolya Orgcontact",  # contact person of an approved sign-on
    "Quirinus Queuedcontact",  # contact of a sign-on awaiting moderation
    "Unmoderated Leak Collective",  # organisation awaiting moderation
    "Rejected Leak Network",  # rejected organisation
    "Cornelius Commitcontact",  # contact of an approved commitment pledge
    "Secret pending report note",  # a contact update not yet accepted
    "Dorothea Unlisteddonor",  # succeeded gift, not listed
    "Private donor message",  # donors' messages are for the coalition
    "SECRET-BANK-REF-77",  # offline gift reference
    "Pendrick Pendingdonor",  # listed, but never paid
]
LISTED = ["Lamberta Listedsigner", "Approved Leak Union", "Lorcan Listeddonor"]
LIMIT = 600


@pytest.fixture
def populated(settings, comms, moderator, finance, outsider):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.PLEDGE_RATE_LIMITS = {k: (10**6, 3600) for k in ("ip", "email", "domain")}
    statement = create_campaign(
        "refuse",
        signature_goal=100,
        organisation_goal=10,
        translations={"ar": {"title": "نرفض", "summary": "ملخص"}},
    )
    drive = create_drive("bds")
    fund = create_campaign(
        "fund", kind="fundraiser", fundraising_goal_minor=100_000, fundraising_currency="EUR"
    )

    def confirmed(name, email, **extra):
        result = sign(statement, name=name, email=email, **extra)
        return services.confirm_signature(result.signature.pk)[0]

    confirmed("Zebulon Unlistedsigner", "zebulon@leak-signer.example", show_publicly=False)
    sign(statement, name="Petronella Pendingsigner", email="petronella@leak-signer.example")
    withdrawn = confirmed("Wilhelmina Withdrawnsigner", "wilhelmina@leak-signer.example")
    services.withdraw_signature(withdrawn.pk)
    for n in range(51):  # a second page of listed signers (50 a page)
        confirmed(f"Lamberta Listedsigner {n}", f"lamberta{n}@leak-listed.example")

    approved = services.sign_on(
        statement,
        org_data(
            name="Approved Leak Union",
            website="https://approved-union.example/",
            contact_name="Orsolya Orgcontact",
            contact_email="orsolya@leak-org.example",
        ),
    ).pledge
    contact.approve(contact.confirm_contact(approved)[0], by=moderator)
    queued = services.sign_on(
        statement,
        org_data(
            name="Unmoderated Leak Collective",
            website="https://unmoderated.example/",
            contact_name="Quirinus Queuedcontact",
            contact_email="quirinus@leak-org.example",
        ),
    ).pledge
    contact.confirm_contact(queued)
    rejected = services.sign_on(
        statement,
        org_data(
            name="Rejected Leak Network",
            website="https://rejected.example/",
            contact_email="rejected@leak-org.example",
        ),
    ).pledge
    contact.reject(contact.confirm_contact(rejected)[0], by=moderator, reason="Not a fit")

    commitment_pledge = pledge(
        drive,
        boycott(),
        name="Approved Leak Union",
        website="https://approved-union.example/",
        contact_name="Cornelius Commitcontact",
        contact_email="cornelius@leak-commit.example",
    ).pledge
    commitment_pledge = contact.approve(contact.confirm_contact(commitment_pledge)[0], by=moderator)
    contact_update(
        commitment_pledge.commitments.get(), "in_progress", note="Secret pending report note"
    )
    commitment_services.fulfil_commitment(
        commitment_pledge.commitments.get(), by=moderator, note="Done in public"
    )

    def paid(donation):
        response = post_event(_Client(), session_completed(donation))
        assert response.status_code == 200

    paid(
        pending_donation(
            fund,
            email="dorothea@leak-donor.example",
            donor_name="Dorothea Unlisteddonor",
            message="Private donor message",
        )
    )
    paid(
        pending_donation(
            fund,
            email="lorcan@leak-donor.example",
            donor_name="Lorcan Listeddonor",
            public_listing=True,
        )
    )
    pending_donation(
        fund, email="pendrick@leak-donor.example", donor_name="Pendrick Pendingdonor",
        public_listing=True,
    )  # fmt: skip
    donation_services.record_offline_gift(
        method=Donation.Method.BANK_TRANSFER,
        amount_minor=5000,
        currency="EUR",
        received_on=timezone.localdate(),
        reference="SECRET-BANK-REF-77",
        campaign=fund,
        donor_name="Dorothea Unlisteddonor",
        email="dorothea@leak-donor.example",
        public_listing=False,
        language="en",
        by=finance,
    )

    partner = Partner.objects.create(name="Allies", organisation="Allied Org", ref="allies")
    partner.campaigns.add(statement)
    api_services.issue_token(partner, name="site", scopes=[PartnerToken.Scope.STATS_READ])
    return statement


def _Client():  # noqa: N802 (a factory that reads like the class)
    from django.test import Client

    return Client()


SEEDS = [
    "/",
    "/ar/",
    "/es/",
    "/c/refuse/",
    "/ar/c/refuse/",
    "/c/refuse/signatories/",
    "/c/refuse/signatories/?type=individual",
    "/c/refuse/signatories/?q=Zebulon",
    "/c/refuse/signatories/?q=Unmoderated",
    "/c/refuse/versions/",
    "/c/bds/",
    "/c/bds/tracker/",
    "/c/bds/tracker/?status=fulfilled",
    "/targets/alphabet/",
    "/targets/meta/",
    "/targets/changes/",
    "/c/fund/",
    "/c/fund/donate/",
    "/donate/",
    "/open-books/",
    "/ar/open-books/",
    "/partners/",
    "/partners/?campaign=refuse",
    "/embed/refuse/",
    "/embed/refuse/badge.svg",
    "/embed/bds/",
    "/embed/fund/badge.svg",
    "/embed.js",
    "/oembed?url=http://testserver/c/refuse/&format=json",
    "/oembed?url=http://testserver/c/bds/&format=json",
    "/api/v1/campaigns/",
    "/api/v1/campaigns/?page_size=1",
    "/api/v1/campaigns/?page=2&page_size=1",
    "/api/v1/campaigns/refuse/",
    "/api/v1/campaigns/refuse/progress/",
    "/api/v1/campaigns/bds/",
    "/api/v1/campaigns/bds/progress/",
    "/api/v1/campaigns/fund/progress/",
    "/api/v1/targets/",
    "/api/v1/targets/?page_size=1",
    "/api/v1/open-data/campaigns.json",
    "/api/v1/open-data/campaigns.csv",
    "/api/v1/open-data/target-changes.csv",
    "/api/schema/",
    "/api/docs/",
    "/my-data/",
    "/privacy/",
]


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src", "action") and value:
                self.found.append(value)


def links_in(path: str, response) -> list[str]:
    content_type = response.get("Content-Type", "")
    text = response.content.decode("utf-8", "replace")
    if "html" in content_type:
        parser = Links()
        parser.feed(text)
        candidates = parser.found
    elif "json" in content_type:
        decoded = json.dumps(response.json(), ensure_ascii=False)
        candidates = re.findall(r'(?:https?://testserver)?/[^"\s\\<>]*', decoded)
    else:
        return []
    found = []
    for link in candidates:
        url = urljoin("http://testserver" + path, link)
        url, _ = urldefrag(url)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
            continue
        local = parts.path + (f"?{parts.query}" if parts.query else "")
        if local.startswith(("/static/", f"/{settings.ADMIN_PATH}", "/media/")):
            continue
        found.append(local)
    return found


def crawl(client) -> dict[str, object]:
    seen: dict[str, object] = {}
    queue = deque(SEEDS)
    while queue and len(seen) < LIMIT:
        path = queue.popleft()
        if path in seen:
            continue
        response = client.get(path)
        seen[path] = response
        if response.status_code == 200:
            queue.extend(link for link in links_in(path, response) if link not in seen)
    return seen


def visible_text(response) -> str:
    text = response.content.decode("utf-8", "replace")
    if "json" in response.get("Content-Type", ""):
        # Read the JSON as its strings are meant: \u escapes decoded.
        text += json.dumps(response.json(), ensure_ascii=False)
    headers = "\n".join(f"{k}: {v}" for k, v in response.items())
    return headers + "\n" + text


def test_no_public_page_shows_private_people(client, populated):
    pages = crawl(client)
    assert len(pages) > len(SEEDS), "the crawl followed links"
    assert not [path for path, r in pages.items() if r.status_code >= 500]
    leaks = {}
    for path, response in pages.items():
        text = visible_text(response)
        found = [secret for secret in SECRETS if secret in text] + EMAIL.findall(text)
        if found:
            leaks[path] = found
    assert not leaks, leaks

    # The crawl did reach the listed, public people: the check above is not vacuous.
    everything = "\n".join(visible_text(r) for r in pages.values())
    for name in LISTED:
        assert name in everything, name
    assert "/c/refuse/signatories/?before=" in "".join(pages), "pagination was followed"
    assert any(path.startswith("/organisations/") for path in pages)
