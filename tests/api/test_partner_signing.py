"""POST /api/v1/campaigns/<slug>/signatures/: partners sign on someone's behalf."""

import json

import pytest
from django.core import mail

from campaigns import services as campaign_services
from lib.mailboxes import email_hash
from partners import services
from partners.models import Partner, PartnerToken
from pledges.models import Signature
from tests.conftest import create_campaign, run_tasks
from tests.pledges.conftest import sign

pytestmark = pytest.mark.django_db
Scope = PartnerToken.Scope
URL = "/api/v1/campaigns/refuse/signatures/"


@pytest.fixture
def partner(campaign):
    partner = Partner.objects.create(name="Allies", ref="allies")
    partner.campaigns.add(campaign)
    return partner


def bearer(partner, scopes=(Scope.SIGNATURES_WRITE,)) -> dict:
    _, raw = services.issue_token(partner, name="site", scopes=list(scopes))
    return {"Authorization": f"Bearer {raw}"}


def body(**overrides) -> dict:
    values = {"name": "Amina Yusuf", "email": "amina@example.org", "country": "KE"}
    values.update(overrides)
    return values


def post(client, headers, data, *, url=URL, content_type="application/json"):
    if content_type == "application/json" and not isinstance(data, str):
        data = json.dumps(data)
    return client.post(url, data, content_type=content_type, headers=headers)


def test_signature_is_stored_attributed_and_confirmed_by_email(client, partner, campaign):
    response = post(
        client,
        bearer(partner),
        body(show_publicly=True, share_with_partner=True, affiliation="Uni", language="es"),
    )
    assert response.status_code == 202
    assert response.json()["status"] == "accepted"
    signature = Signature.objects.get()
    assert signature.partner == partner
    assert signature.shared_with_partner is True
    assert signature.status == Signature.Status.PENDING
    assert (signature.email, signature.language, signature.affiliation) == (
        "amina@example.org",
        "es",
        "Uni",
    )
    assert signature.show_publicly is True
    run_tasks()
    (message,) = mail.outbox
    assert message.to == ["amina@example.org"]
    assert "/c/refuse/confirm/" in message.body
    assert "no-store" in response["Cache-Control"]
    assert "Set-Cookie" not in response.headers


def test_defaults_without_consent_and_in_the_campaigns_language(client, partner, campaign):
    assert post(client, bearer(partner), body(email=" Amina@Example.ORG ")).status_code == 202
    signature = Signature.objects.get()
    assert signature.email == "amina@example.org"
    assert signature.shared_with_partner is False
    assert signature.show_publicly is False
    assert signature.language == campaign.default_language


def test_answer_never_tells_whether_the_address_signed(client, partner, campaign, settings):
    headers = bearer(partner)
    settings.PLEDGE_RATE_LIMITS = {"email": (3, 3600)}
    sign(campaign, email="confirmed@example.org")
    from pledges import services as pledge_services

    pledge_services.confirm_signature(Signature.objects.get().pk)
    answers = [
        post(client, headers, body(email="new@example.org")),
        post(client, headers, body(email="new@example.org")),  # pending: resent
        post(client, headers, body(email="confirmed@example.org")),  # already signed
        post(client, headers, body(email="new@example.org")),
        post(client, headers, body(email="new@example.org")),  # over the limit: held
    ]
    assert {r.status_code for r in answers} == {202}
    assert len({r.content for r in answers}) == 1
    # The same dedup as the web form: one row per address, the first attribution kept.
    assert Signature.objects.filter(email_hash=email_hash("new@example.org")).count() == 1
    assert Signature.objects.get(email_hash=email_hash("confirmed@example.org")).partner is None


def test_same_validation_as_the_web_form(client, partner):
    headers = bearer(partner)
    cases = [
        (body(email="not-an-address"), "email"),
        (body(country="ZZ"), "country"),
        (body(name=""), "name"),
        (body(name="x" * 500), "name"),
        (body(language="xx"), "language"),
        (body(show_publicly="maybe"), "show_publicly"),
        (body(name=["a"]), "name"),
        (body(extra="?"), "extra"),
        ({"email": "a@example.org"}, "name"),
    ]
    for data, field in cases:
        response = post(client, headers, data)
        assert response.status_code == 400, data
        error = response.json()["error"]
        assert error["code"] == "invalid"
        assert field in error["fields"], (data, error)
    assert not Signature.objects.exists()


@pytest.mark.parametrize(
    "data, content_type, status",
    [
        ("{not json", "application/json", 400),
        ("[]", "application/json", 400),
        ('"text"', "application/json", 400),
        ("", "application/json", 400),
        ("name=A&email=a@example.org&country=KE", "application/x-www-form-urlencoded", 415),
        ("<xml/>", "text/xml", 415),
        (json.dumps(body(name="x" * 20000)), "application/json", 413),
    ],
)
def test_bad_bodies_are_4xx_json(client, partner, data, content_type, status):
    response = post(client, bearer(partner), data, content_type=content_type)
    assert response.status_code == status
    assert response.json()["error"]["status"] == status
    assert not Signature.objects.exists()


def test_token_needs_the_scope_and_the_campaign(client, partner, db):
    assert post(client, {}, body()).status_code == 401
    response = post(client, bearer(partner, scopes=[Scope.STATS_READ]), body())
    assert response.status_code == 403
    stranger = Partner.objects.create(name="Stranger", ref="stranger")
    response = post(client, bearer(stranger), body())
    assert response.status_code == 403
    assert "does not promote" in response.json()["error"]["detail"]
    assert not Signature.objects.exists()


def test_draft_unknown_closed_and_non_signing_campaigns(client, partner):
    headers = bearer(partner)
    draft = create_campaign("draft", live=False)
    partner.campaigns.add(draft)
    for slug in ("draft", "nope"):
        response = post(client, headers, body(), url=f"/api/v1/campaigns/{slug}/signatures/")
        assert response.status_code == 404
    fund = create_campaign("fund", kind="fundraiser", fundraising_currency="EUR")
    partner.campaigns.add(fund)
    response = post(client, headers, body(), url="/api/v1/campaigns/fund/signatures/")
    assert response.status_code == 404
    closed = create_campaign("closed")
    partner.campaigns.add(closed)
    campaign_services.close(closed, by=None)
    response = post(client, headers, body(), url="/api/v1/campaigns/closed/signatures/")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_open"
    assert not Signature.objects.exists()


def test_signing_is_throttled_per_token(client, partner, settings):
    settings.API_THROTTLE_RATES = {"partner_sign": "2/min"}
    first, second = bearer(partner), bearer(partner)
    for n in range(2):
        assert post(client, first, body(email=f"p{n}@example.org")).status_code == 202
    response = post(client, first, body(email="p3@example.org"))
    assert response.status_code == 429
    assert response.json()["error"]["status"] == 429
    assert post(client, second, body(email="p4@example.org")).status_code == 202
    assert Signature.objects.count() == 3


def test_get_is_not_allowed(client, partner):
    response = client.get(URL, headers=bearer(partner))
    assert response.status_code == 405
    assert response.json()["error"]["status"] == 405
