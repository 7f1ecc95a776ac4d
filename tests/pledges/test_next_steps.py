"""After acting, the next step: share at once, then invite an organisation and give."""

import pytest

from pledges import tokens
from tests.conftest import create_campaign
from tests.pledges.conftest import sign, signed_and_confirmed

pytestmark = pytest.mark.django_db

SAME_ORIGIN = {"HTTP_SEC_FETCH_SITE": "same-origin"}


def confirm(client, signature, prefix=""):
    token = tokens.make_token("confirm", signature.pk)
    return client.post(f"{prefix}/c/refuse/confirm/{token}/", **SAME_ORIGIN).content.decode()


def test_check_your_email_already_offers_sharing(client, campaign):
    body = client.get("/c/refuse/sign/check-your-email/").content.decode()
    assert 'id="share-url"' in body and 'value="http://testserver/c/refuse/"' in body
    assert "https://wa.me/?" in body and "data-copy" in body and "data-share-url" in body
    spanish = client.get("/es/c/refuse/sign/check-your-email/").content.decode()
    assert 'value="http://testserver/es/c/refuse/"' in spanish  # the page's own language


def test_the_confirmed_page_counts_the_signer_in_and_offers_share_sign_on_and_give(
    client, campaign
):
    for n in range(3):
        signed_and_confirmed(campaign, email=f"early{n}@example.org")
    create_campaign(
        "fund", kind="fundraiser", fundraising_goal_minor=5000, fundraising_currency="EUR"
    )
    body = confirm(client, sign(campaign, email="new@example.org").signature)
    assert "You and about 3 others have signed" in body
    share, sign_on, give = (
        body.index(x)
        for x in ('id="share-url"', "/c/refuse/organisations/sign/", "/c/fund/donate/")
    )
    assert share < sign_on < give, "share first, then invite, then give"


def test_with_no_fundraiser_nothing_asks_for_money(client, campaign):
    body = confirm(client, sign(campaign).signature)
    assert "You have signed" in body
    next_steps = body.split('id="next-heading"')[1].split("</ol>")[0]
    assert "/donate/" not in next_steps  # the footer's link stays, nothing more
    assert "Give to the coalition" not in body


def test_the_first_signer_is_not_told_about_others(client, campaign):
    body = confirm(client, sign(campaign).signature)
    assert "You and about" not in body


def test_a_spanish_signer_is_thanked_in_spanish_with_a_spanish_share_link(client, campaign):
    signature = sign(campaign, language="es").signature
    body = confirm(client, signature)
    assert 'value="http://testserver/es/c/refuse/"' in body
    assert 'lang="es"' in body
