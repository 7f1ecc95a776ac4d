"""Public forms are protected by where the browser says the POST comes from, not by a token:
same-origin submissions pass, cross-site ones get a 403, and supporters get no cookie."""

import pytest
from django.test import Client

from pledges.models import Signature
from tests.conftest import create_campaign, take_signatures

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Amina Yusuf",
    "email": "amina@example.org",
    "country": "KE",
    "affiliation": "",
    "language": "en",
}
OWN = "http://testserver"
EVIL = "https://evil.example"


@pytest.fixture
def campaign(db):
    return create_campaign("refuse")


def sign(headers: dict):
    # enforce_csrf_checks: the test client otherwise skips CSRF protection altogether.
    return Client(enforce_csrf_checks=True).post("/c/refuse/sign/", FORM, headers=headers)


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"Sec-Fetch-Site": "same-origin", "Origin": OWN}, id="same-origin form"),
        pytest.param({"Sec-Fetch-Site": "none"}, id="typed or bookmarked"),
        pytest.param({"Origin": OWN}, id="older browser, own origin"),
        pytest.param({"Referer": f"{OWN}/c/refuse/"}, id="older browser, own referer"),
        pytest.param({}, id="no browser headers (curl)"),
    ],
)
def test_submissions_from_this_site_are_accepted(campaign, headers):
    response = sign(headers)
    assert response.status_code == 302
    take_signatures()
    assert Signature.objects.count() == 1


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"Sec-Fetch-Site": "cross-site", "Origin": EVIL}, id="cross-site form"),
        pytest.param(
            {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors", "Origin": EVIL},
            id="cross-site fetch",
        ),
        pytest.param(
            {"Sec-Fetch-Site": "same-site", "Origin": "http://a.testserver"},
            id="untrusted sibling subdomain",
        ),  # fmt: skip
        pytest.param({"Origin": EVIL}, id="older browser, other origin"),
        pytest.param({"Origin": "null"}, id="sandboxed or privacy-redirected origin"),
        pytest.param({"Referer": f"{EVIL}/page"}, id="older browser, other referer"),
    ],
)
def test_cross_site_submissions_are_refused(campaign, headers):
    response = sign(headers)
    assert response.status_code == 403
    assert "sent from another website" in response.content.decode()
    assert not Signature.objects.exists()


def test_a_trusted_origin_may_post(campaign, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://join.example"]
    response = sign({"Sec-Fetch-Site": "same-site", "Origin": "https://join.example"})
    assert response.status_code == 302


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/c/refuse/",
        "/ar/c/refuse/",
        "/c/refuse/signatories/",
        "/c/refuse/organisations/sign/",
        "/my-data/",
        "/privacy/",
        "/donate/",
    ],
)
def test_public_pages_set_no_cookie_and_carry_no_token(campaign, path):
    response = Client().get(path)
    assert response.status_code == 200
    assert response.cookies == {}
    assert "csrfmiddlewaretoken" not in response.content.decode()


def test_signing_sets_no_cookie(campaign):
    client = Client()
    response = client.post("/c/refuse/sign/", FORM, headers={"Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 302
    done = client.get(response["Location"])
    assert response.cookies == {} and done.cookies == {}


def test_staff_pages_keep_token_csrf(comms):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/staff/admin/login/",
        {"username": "comms", "password": "x"},
        headers={"Sec-Fetch-Site": "same-origin", "Origin": OWN},
    )
    assert response.status_code == 403
