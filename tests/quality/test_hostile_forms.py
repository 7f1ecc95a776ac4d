"""Hypothesis throws any text at every public form and one staff form: the answer is a page
(200/302/303/400), never a server error, and Unicode names come back on the public lists."""

import itertools

import pytest
from django.conf import settings
from django.utils.html import escape
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings

from campaigns.models import Campaign
from donations.models import Donation
from lib.mailboxes import email_hash
from pledges import contact, services
from pledges.models import OrgPledge, Signature
from tests.commitments.helpers import create_drive
from tests.conftest import create_campaign, take_signatures, verified_login
from tests.donations.conftest import submission_key
from tests.quality.hostile import (
    COMMITMENT,
    DONATE,
    FORMSET,
    OFFLINE_GIFT,
    ORGANISATION,
    SIGN,
    hostile_form,
    maybe_hostile,
    unicode_name,
)

pytestmark = pytest.mark.django_db

examples = hypothesis_settings(
    max_examples=25,
    deadline=None,
    # The database and client fixtures are shared by the examples on purpose.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PAGE = {200, 302, 303, 400}
ADMIN = f"/{settings.ADMIN_PATH}"
unique = itertools.count()


@examples
@given(data=hostile_form(SIGN))
def test_sign_form_answers_a_page_whatever_is_typed(client, statement, no_rate_limits, data):
    response = client.post("/c/refuse/sign/", data)
    assert response.status_code in PAGE
    assert b"<script>alert(1)</script>" not in response.content


@examples
@given(data=hostile_form(ORGANISATION))
def test_org_sign_on_form_answers_a_page_whatever_is_typed(client, statement, no_rate_limits, data):
    response = client.post("/c/refuse/organisations/sign/", data)
    assert response.status_code in PAGE
    assert b"<script>alert(1)</script>" not in response.content


@examples
@given(data=hostile_form({**ORGANISATION, **COMMITMENT}), total=maybe_hostile("1"))
def test_commitment_pledge_form_answers_a_page_whatever_is_typed(
    client, no_rate_limits, data, total
):
    if not Campaign.objects.filter(slug="bds").exists():
        create_drive("bds")
    response = client.post(
        "/c/bds/commitments/pledge/", {**FORMSET, "commitments-TOTAL_FORMS": total, **data}
    )
    assert response.status_code in PAGE
    assert b"<script>alert(1)</script>" not in response.content


@examples
@given(data=hostile_form(DONATE))
def test_donate_form_answers_a_page_whatever_is_typed(client, stripe_api, data):
    if not Campaign.objects.filter(slug="fund").exists():
        create_campaign(
            "fund", kind="fundraiser", fundraising_goal_minor=10_000, fundraising_currency="EUR"
        )
    for path in ("/c/fund/donate/", "/donate/"):
        response = client.post(path, data)
        assert response.status_code in PAGE
        assert b"<script>alert(1)</script>" not in response.content
        if response.status_code == 303:
            assert response["Location"].startswith("https://checkout.stripe.com/")


@examples
@given(data=hostile_form(OFFLINE_GIFT))
def test_offline_gift_staff_form_answers_a_page_whatever_is_typed(client, finance, data):
    verified_login(client, finance)
    before = Donation.objects.count()
    # Each rendered form carries its own one-time key, as a browser would send it back.
    key = submission_key(client.get(f"{ADMIN}donations/offlinegift/add/"))
    response = client.post(f"{ADMIN}donations/offlinegift/add/", {**data, "submission_key": key})
    assert response.status_code in {200, 302}
    assert b"<script>alert(1)</script>" not in response.content
    assert Donation.objects.count() == before + (response.status_code == 302)


@examples
@given(name=unicode_name)
def test_unicode_signer_names_round_trip_to_the_signatories_list(
    client, statement, no_rate_limits, name
):
    email = f"signer{next(unique)}@example.org"
    response = client.post("/c/refuse/sign/", {**SIGN, "name": name, "email": email})
    assert response.status_code == 302
    take_signatures()
    signature = Signature.objects.get(campaign=statement, email_hash=email_hash(email))
    assert signature.name == name
    services.confirm_signature(signature.pk)
    page = client.get("/c/refuse/signatories/")
    assert escape(name) in page.content.decode()


@examples
@given(name=unicode_name)
def test_unicode_organisation_names_round_trip_to_the_signatories_list(
    client, statement, no_rate_limits, name
):
    n = next(unique)
    response = client.post(
        "/c/refuse/organisations/sign/",
        {
            **ORGANISATION,
            "name": name,
            "website": f"https://org{n}.example/",
            "contact_email": f"c{n}@org{n}.example",
        },
    )
    assert response.status_code == 302
    pledge = OrgPledge.objects.get(proposed_organisation__domain=f"org{n}.example")
    assert pledge.named_organisation.name == name
    pledge, _ = contact.confirm_contact(pledge)
    assert pledge.organisation.name == name
    contact.approve(pledge, by=None)
    page = client.get("/c/refuse/signatories/")
    assert escape(name) in page.content.decode()
