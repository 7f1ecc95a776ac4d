"""Classic attack payloads at every public form and endpoint: XSS, SQL fragments, header
injection through names and emails, path traversal, 1 MB bodies, invalid UTF-8 and JSON
bombs. The answer is a 4xx or a form error; payloads come back escaped; emails carry no
injected header."""

import email
import email.policy
import itertools
import json

import pytest
from django.core import mail
from django.utils import timezone

from commitments import services as commitment_services
from commitments.models import CommitmentPledge
from donations import services as donation_services
from partners.models import Partner, PartnerToken
from pledges import contact, services
from pledges.models import OrgPledge, Signature
from tests.commitments.helpers import create_drive
from tests.conftest import create_campaign, run_tasks, take_signatures
from tests.donations.stripe_events import sign as stripe_sign
from tests.quality.hostile import (
    COMMITMENT,
    CRLF_EMAIL,
    CRLF_NAME,
    DONATE,
    FORMSET,
    ORGANISATION,
    PAYLOADS,
    SIGN,
    SQL,
    XSS,
)

pytestmark = pytest.mark.django_db
Scope = PartnerToken.Scope
unique = itertools.count()
RAW = [b"<script>alert(1)</script>", b"<img src=x onerror=alert(1)>"]


@pytest.fixture
def world(statement, no_rate_limits, stripe_api):
    create_drive("bds")
    create_campaign(
        "fund", kind="fundraiser", fundraising_goal_minor=10_000, fundraising_currency="EUR"
    )


def fresh_email() -> str:
    return f"p{next(unique)}@example.org"


def with_fresh_contact(valid: dict) -> dict:
    data = dict(valid)
    for key in ("email", "contact_email"):
        if key in data:
            data[key] = fresh_email()
    if "website" in data:
        data["website"] = f"https://site{next(unique)}.example/"
    return data


# (path, valid values, the text fields to attack)
FORMS = [
    ("/c/refuse/sign/", SIGN, ["name", "email", "affiliation"]),
    (
        "/c/refuse/organisations/sign/",
        ORGANISATION,
        ["name", "website", "contact_name", "contact_email"],
    ),
    (
        "/c/bds/commitments/pledge/",
        {**ORGANISATION, **COMMITMENT, **FORMSET},
        [
            "name",
            "website",
            "contact_name",
            "contact_email",
            "commitments-0-action",
            "commitments-0-amount",
            "commitments-0-currency",
            "commitments-0-deadline",
        ],
    ),
    ("/c/fund/donate/", DONATE, ["custom_amount", "donor_name", "email", "message"]),
    ("/donate/", DONATE, ["custom_amount", "donor_name", "email", "message"]),
    ("/my-data/", {"email": "me@example.org", "language": "en"}, ["email"]),
]


def assert_no_raw_payload(response) -> None:
    for raw in RAW:
        assert raw not in response.content, response.request["PATH_INFO"]


def assert_no_injected_headers() -> None:
    """Every sent email, serialised and parsed back, has exactly the headers we set: a
    hostile name may appear inside the subject's text, never as a header of its own."""
    for message in mail.outbox:
        assert not message.bcc and not message.cc
        assert all("x@y.org" not in address for address in message.recipients())
        parsed = email.message_from_bytes(message.message().as_bytes(), policy=email.policy.SMTP)
        assert parsed["Bcc"] is None and parsed["Cc"] is None
        assert len(parsed.get_all("Subject")) == 1
        assert "x@y.org" not in parsed["To"]
        for name, value in parsed.items():
            assert "\r" not in str(value) and "\n" not in str(value), (name, value)


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
@pytest.mark.parametrize(("path", "valid", "fields"), FORMS, ids=[f[0] for f in FORMS])
def test_payload_in_any_field_is_a_form_error_or_stored_as_text(
    client, world, path, valid, fields, payload
):
    for field in fields:
        response = client.post(path, {**with_fresh_contact(valid), field: payload})
        assert response.status_code in {302, 303, 400}, (field, response.status_code)
        assert_no_raw_payload(response)
        if response.status_code == 400:
            assert b"errorlist" in response.content, field
    run_tasks()
    assert_no_injected_headers()


def test_stored_payloads_are_shown_escaped_on_every_public_page(client, world):
    for n, payload in enumerate([*XSS, *SQL, CRLF_NAME]):
        client.post(
            "/c/refuse/sign/",
            {**SIGN, "name": payload, "affiliation": payload, "email": fresh_email()},
        )
        client.post(
            "/c/refuse/organisations/sign/",
            {**with_fresh_contact(ORGANISATION), "name": f"{payload} {n}"},
        )
        client.post(
            "/c/bds/commitments/pledge/",
            {
                **with_fresh_contact({**ORGANISATION, **COMMITMENT, **FORMSET}),
                "name": f"{payload} bds {n}",
                "commitments-0-action": payload,
            },
        )
    take_signatures()
    for signature in Signature.objects.all():
        services.confirm_signature(signature.pk)
    for pledge in [*OrgPledge.objects.all(), *CommitmentPledge.objects.all()]:
        confirmed, _ = contact.confirm_contact(pledge)
        contact.approve(confirmed, by=None)
    commitment = CommitmentPledge.objects.first().commitments.get()
    commitment_services.post_commitment_update(
        commitment,
        commitment_services.UpdateData(status="in_progress", note=XSS[0]),
        source="moderator",
    )
    assert Signature.objects.filter(listed_name=XSS[0], status="confirmed").exists()
    pages = [
        "/c/refuse/",
        "/c/refuse/signatories/",
        f"/c/refuse/signatories/?q={XSS[0]}",
        "/c/bds/tracker/",
        f"/c/bds/tracker/?q={XSS[1]}",
        f"/organisations/{commitment.pledge.organisation_id}/",
        "/targets/alphabet/",
        "/api/v1/campaigns/refuse/",
        "/embed/refuse/",
        "/embed/refuse/badge.svg?label=%3Cscript%3E",
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code in {200, 400}, page
        assert_no_raw_payload(response)
    body = client.get("/c/refuse/signatories/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_hostile_names_never_become_email_headers(client, world):
    # A name with line breaks is a form error on every public form...
    refused = client.post(
        "/c/refuse/sign/", {**SIGN, "name": CRLF_NAME, "email": "refused@example.org"}
    )
    assert refused.status_code == 400
    refused = client.post(
        "/c/refuse/organisations/sign/",
        {**ORGANISATION, "contact_name": CRLF_NAME, "name": CRLF_NAME},
    )
    assert refused.status_code == 400
    # ...and where one still arrives (staff typing a gift), it never reaches a header.
    client.post("/c/refuse/sign/", {**SIGN, "email": "signer@example.org"})
    client.post("/c/refuse/organisations/sign/", ORGANISATION)
    client.post("/c/refuse/sign/", {**SIGN, "email": CRLF_EMAIL})
    client.post("/my-data/", {"email": CRLF_EMAIL, "language": "en"})
    donation_services.record_offline_gift(
        method="cash",
        amount_minor=1000,
        currency="EUR",
        received_on=timezone.localdate(),
        reference=CRLF_NAME,
        campaign=None,
        donor_name=CRLF_NAME,
        email="giver@example.org",
        public_listing=True,
        language="en",
        by=None,
    )
    run_tasks()
    assert {"signer@example.org", "luz@red.example", "giver@example.org"} <= {
        address for message in mail.outbox for address in message.to
    }
    assert_no_injected_headers()


TRAVERSALS = [
    "/c/..%2f..%2fetc%2fpasswd/",
    "/c/..%2F..%2Fetc%2Fpasswd/signatories/",
    "/c/%2e%2e/",
    "/es/c/..%2f..%2f/",
    "/targets/..%2f..%2fetc%2fpasswd/",
    "/embed/..%2f..%2fetc%2fpasswd/",
    "/embed/..%2f..%2fetc%2fpasswd/badge.svg",
    "/api/v1/campaigns/..%2f..%2fetc%2fpasswd/",
    "/api/v1/campaigns/..%2f..%2fetc%2fpasswd/progress/",
    "/static/..%2f..%2fconfig%2fsettings.py",
    "/static/../config/settings.py",
    "/commitments/report/..%2f..%2fetc%2fpasswd/",
    "/c/refuse/confirm/..%2f..%2fetc%2fpasswd/",
    "/my-data/..%2f..%2fetc%2fpasswd/",
    "/organisations/..%2f1/",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_path_traversal_in_slugs_and_tokens_is_a_4xx(client, world, path):
    response = client.get(path)
    assert 400 <= response.status_code < 500, response.status_code
    assert b"root:" not in response.content
    assert b"SECRET_KEY" not in response.content


MEGABYTE = "x" * (1024 * 1024)


@pytest.mark.parametrize(("path", "valid", "fields"), FORMS, ids=[f[0] for f in FORMS])
def test_one_megabyte_fields_are_a_form_error(client, world, path, valid, fields):
    for field in fields:
        response = client.post(path, {**with_fresh_contact(valid), field: MEGABYTE})
        assert response.status_code == 400, field
        assert len(response.content) < 200_000, "the megabyte is not echoed back"


@pytest.mark.parametrize(
    "path", ["/api/v1/partners/me/webhooks/", "/stripe/webhook/", "/api/v1/campaigns/"]
)
def test_one_megabyte_json_bodies_are_refused(client, world, path):
    body = json.dumps({"url": "https://partner.example/hook", "padding": MEGABYTE})
    response = client.post(path, body, content_type="application/json")
    assert 400 <= response.status_code < 500


INVALID_UTF8 = [b"\xff\xfe\xfd", b"\xc3\x28", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80"]


@pytest.mark.parametrize("raw", INVALID_UTF8, ids=range(len(INVALID_UTF8)))
@pytest.mark.parametrize(("path", "valid", "fields"), FORMS, ids=[f[0] for f in FORMS])
def test_invalid_utf8_in_form_posts_is_a_4xx_or_form_error(client, world, path, valid, fields, raw):
    from urllib.parse import quote_from_bytes, urlencode

    base = urlencode(with_fresh_contact(valid)).encode()
    for field in fields:
        for encoded in (quote_from_bytes(raw).encode(), raw):
            body = base + b"&" + field.encode() + b"=" + encoded
            response = client.post(path, body, content_type="application/x-www-form-urlencoded")
            assert response.status_code in {302, 303, 400}, (field, encoded)


QUERY_PAGES = [
    "/c/refuse/signatories/",
    "/c/bds/tracker/",
    "/c/fund/donate/",
    "/embed/refuse/",
    "/embed/refuse/badge.svg",
    "/oembed",
    "/api/v1/campaigns/",
    "/api/v1/campaigns/refuse/",
    "/api/v1/campaigns/refuse/progress/",
    "/api/v1/targets/",
    "/c/refuse/qr.png",
    "/c/refuse/qr.svg",
    "/partners/",
]


@pytest.mark.parametrize("path", QUERY_PAGES)
def test_invalid_utf8_and_payloads_in_query_strings_are_a_page_or_a_4xx(client, world, path):
    for name in ("q", "lang", "ref", "page", "country", "url", "size", "label", "currency"):
        for value in ("%ff%fe", "%c3%28", "%00", "%3Cscript%3Ealert(1)%3C/script%3E"):
            response = client.get(path, QUERY_STRING=f"{name}={value}")
            assert response.status_code in {200, 400, 404}, (name, value, response.status_code)
            assert_no_raw_payload(response)
        # Raw bytes: WSGI hands them over as a latin-1 string.
        response = client.get(path, QUERY_STRING=f"{name}=\xff\xfe\xc3\x28")
        assert response.status_code in {200, 400, 404}


def json_bomb(depth: int) -> str:
    return "[" * depth + "]" * depth


def nested_object(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


@pytest.fixture
def partner_token(world):
    from campaigns.models import Campaign
    from partners import services as api_services

    partner = Partner.objects.create(name="Allies", organisation="Allied Org", ref="allies-1")
    partner.campaigns.add(Campaign.objects.get(slug="refuse"))
    _, raw = api_services.issue_token(
        partner, name="site", scopes=[Scope.STATS_READ, Scope.WEBHOOKS_MANAGE]
    )
    return raw


@pytest.mark.parametrize("bomb", [json_bomb(5000), nested_object(3000), json_bomb(100)])
@pytest.mark.parametrize("authorised", [True, False])
def test_json_bombs_to_the_api_are_a_4xx(client, partner_token, bomb, authorised):
    headers = {"Authorization": f"Bearer {partner_token}"} if authorised else {}
    for path in ("/api/v1/partners/me/webhooks/", "/api/v1/campaigns/", "/oembed"):
        response = client.post(path, bomb, content_type="application/json", headers=headers)
        assert 400 <= response.status_code < 500, (path, response.status_code)


@pytest.mark.parametrize("bomb", [json_bomb(5000), nested_object(3000)])
def test_a_signed_json_bomb_to_the_stripe_webhook_is_a_400(client, world, bomb):
    response = client.post(
        "/stripe/webhook/",
        bomb,
        content_type="application/json",
        headers={"Stripe-Signature": stripe_sign(bomb)},
    )
    assert response.status_code == 400


def test_api_errors_repeat_bad_values_as_json_escapes_not_markup(client, world):
    response = client.get("/api/v1/campaigns/", {"lang": XSS[0]})
    assert response.status_code == 400
    assert b"<script>" not in response.content
    assert b"\\u003cscript\\u003e" in response.content
    assert XSS[0] in response.json()["error"]["fields"]["lang"][0]
