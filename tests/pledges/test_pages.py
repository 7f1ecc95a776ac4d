"""Every public pledge page: one <h1>, language and direction set, no email address, no 500."""

import re

import pytest

from pledges import tokens
from tests.pledges.conftest import approved_org, sign, signed_and_confirmed

pytestmark = pytest.mark.django_db

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


@pytest.fixture
def pages(campaign, moderator):
    signature = signed_and_confirmed(campaign)
    pending = sign(campaign, email="pending@example.org").signature
    pledge = approved_org(campaign, moderator=moderator)
    contact = tokens.make_token("contact", f"pledges.orgpledge:{pledge.pk}")
    data = tokens.make_token("my-data", f"pledges.signature:{signature.pk}")
    return [
        "/c/refuse/",
        "/c/refuse/sign/",
        "/c/refuse/sign/check-your-email/",
        f"/c/refuse/confirm/{tokens.make_token('confirm', pending.pk)}/",
        f"/c/refuse/confirm/{tokens.make_token('confirm', signature.pk)}/",
        f"/c/refuse/withdraw/{tokens.make_token('withdraw', signature.pk)}/",
        "/c/refuse/organisations/sign/",
        "/c/refuse/organisations/sign/check-your-email/",
        "/c/refuse/signatories/",
        "/c/refuse/versions/",
        f"/confirm-contact/{contact}/",
        f"/unsubscribe/{tokens.make_token('unsubscribe', signature.pk)}/",
        "/my-data/",
        "/my-data/check-your-email/",
        f"/my-data/{data}/erase/",
    ]


@pytest.mark.parametrize("prefix", ["", "/ar", "/es"])
def test_public_pages_are_well_formed(client, pages, prefix):
    for path in pages:
        response = client.get(prefix + path)
        assert response.status_code == 200, path
        body = response.content.decode()
        assert body.count("<h1") == 1, path
        assert re.search(r'<html lang="\w+" dir="(ltr|rtl)">', body), path
        assert not EMAIL.findall(body), (path, EMAIL.findall(body))
        # No inline script or style (a strict CSP holds); only our own deferred scripts.
        for tag in re.findall(r"<script[^>]*>", body):
            assert re.fullmatch(r'<script src="/static/[\w/.-]+\.js" defer>', tag), (path, tag)
        assert "style=" not in body, path


@pytest.mark.parametrize(
    "path",
    [
        "/c/refuse/confirm/é/",
        "/c/refuse/confirm/..%2F..%2F/",
        "/c/refuse/withdraw/a:b:c/",
        "/my-data/%F0%9F%98%80/",
        "/my-data/x:y/erase/",
        "/unsubscribe/%00/",
        "/confirm-contact/:::/",
        "/c/nope/signatories/",
        "/c/refuse/signatories/?before=99999999999999999999999",
    ],
)
def test_odd_links_are_4xx_not_500(client, campaign, path):
    assert 400 <= client.get(path).status_code < 500
    assert 400 <= client.post(path).status_code < 500


def test_put_and_delete_are_refused(client, campaign):
    assert client.put("/c/refuse/sign/").status_code == 405
    assert client.delete("/c/refuse/signatories/").status_code == 405
