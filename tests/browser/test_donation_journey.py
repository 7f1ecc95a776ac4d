"""A supporter gives through Stripe Checkout, in the real browser.

The live server runs in this process, so `responses` intercepts the stripe library's
`requests` call that creates the Checkout Session. Chromium's navigation to Checkout is
answered by `page.route` with a stub page (nothing reaches Stripe), and only in this module
does the third-party request guard allow Checkout's origin. The payment is then reported by
a signed `checkout.session.completed` webhook, posted over HTTP to the live server.
"""

import json
import urllib.request
from urllib.parse import parse_qs

import pytest
import responses

from campaigns.models import Campaign
from donations.models import Donation
from donations.money import format_money
from tests.conftest import create_campaign
from tests.donations.stripe_events import WEBHOOK_SECRET, session_completed, sign

CHECKOUT_ORIGIN = "https://checkout.stripe.com"
CHECKOUT_URL = f"{CHECKOUT_ORIGIN}/c/pay/cs_test_journey"


@pytest.fixture
def allowed_origins(site) -> list[str]:
    # The stubbed Checkout page is the one other origin this journey may visit.
    return [site.url, CHECKOUT_ORIGIN]


def stub_checkout(page, success_url: list[str]) -> None:
    def fulfil(route):
        html = (
            '<!doctype html><html lang="en"><title>Stub Checkout</title>'
            f'<h1>Stub Stripe Checkout</h1><a href="{success_url[0]}">Pay</a></html>'
        )
        route.fulfill(status=200, content_type="text/html", body=html)

    page.route(f"{CHECKOUT_ORIGIN}/**", fulfil)


def post_webhook(site, payload: str) -> int:
    request = urllib.request.Request(  # noqa: S310 (the live server, http://127.0.0.1)
        f"{site.url}/stripe/webhook/",
        data=payload.encode(),
        headers={"Content-Type": "application/json", "Stripe-Signature": sign(payload)},
        method="POST",
    )
    with urllib.request.urlopen(request) as response:  # noqa: S310
        return response.status


def test_supporter_gives_through_checkout_and_the_open_books_show_the_gift(
    page, site, settings, screenshot
):
    settings.STRIPE_SECRET_KEY = "sk_test_journey"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.SITE_URL = site.url
    create_campaign(
        "fund",
        kind=Campaign.Kind.FUNDRAISER,
        fundraising_goal_minor=100_000,
        fundraising_currency="EUR",
    )
    page.goto(f"{site.url}/c/fund/")
    assert "€0.00" in page.locator(".raised").inner_text()

    success_url: list[str] = []
    stub_checkout(page, success_url)
    with responses.RequestsMock() as stripe_api:

        def create_session(request):
            success_url.extend(parse_qs(request.body)["success_url"])
            session = {"id": "cs_test_journey", "object": "checkout.session", "url": CHECKOUT_URL}
            return 200, {}, json.dumps(session)

        stripe_api.add_callback(
            responses.POST, "https://api.stripe.com/v1/checkout/sessions", callback=create_session
        )
        page.locator("main").get_by_role("link", name="Donate").click()
        page.locator("#id_amount_0").check()
        page.locator("#id_donor_name").fill("Nadia Listed")
        page.locator("#id_public_listing").check()
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(CHECKOUT_URL)
        assert page.locator("h1").inner_text() == "Stub Stripe Checkout"

    donation = Donation.objects.get()
    assert donation.stripe_checkout_session_id == "cs_test_journey"
    assert donation.status == Donation.Status.PENDING
    page.get_by_role("link", name="Pay").click()
    page.wait_for_url(f"{site.url}/donate/thanks/")

    assert post_webhook(site, session_completed(donation)) == 200
    donation.refresh_from_db()
    assert donation.status == Donation.Status.SUCCEEDED

    page.goto(f"{site.url}/c/fund/")
    assert format_money(donation.amount_minor, "EUR") in page.locator(".raised").inner_text()
    page.goto(f"{site.url}/open-books/")
    books = page.locator("main").inner_text()
    assert "Nadia Listed" in books
    assert "Campaign fund" in books
    screenshot("donation-on-open-books")
