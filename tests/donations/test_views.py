"""Donate pages, the Checkout redirect, the open books page and the monthly cancel link."""

import json
import re
from urllib.parse import parse_qs

import pytest
import responses
from django.core import mail

from campaigns import services as campaign_services
from campaigns.models import Campaign
from donations import services
from donations.models import Donation
from tests.conftest import create_campaign, run_tasks
from tests.donations.conftest import pending_donation
from tests.donations.stripe_events import (
    invoice_paid,
    post_event,
    session_completed,
    subscription_deleted,
    subscription_session_completed,
)

pytestmark = pytest.mark.django_db

CHECKOUT_API = "https://api.stripe.com/v1/checkout/sessions"
CHECKOUT_URL = "https://checkout.stripe.com/c/pay/cs_test_abc"


def stripe_checkout_ok(rsps, session_id="cs_test_abc"):
    rsps.add(
        responses.POST,
        CHECKOUT_API,
        json={"id": session_id, "object": "checkout.session", "url": CHECKOUT_URL},
    )


def sent_form(call) -> dict[str, list[str]]:
    return parse_qs(call.request.body)


def test_donate_page_offers_presets_currencies_and_frequency(client, fundraiser, stripe_keys):
    response = client.get("/c/fund/donate/")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<h1") == 1
    for code in ("EUR", "USD", "GBP"):
        assert f'value="{code}"' in body
    assert "€25.00" in body
    assert 'value="monthly"' in body
    # Every visible input has a label.
    for input_id in re.findall(r'<(?:input|select|textarea)[^>]*id="([^"]+)"', body):
        assert f'for="{input_id}"' in body, input_id


def test_donate_page_allows_stripe_checkout_as_form_target_only_there(client, fundraiser):
    csp = client.get("/c/fund/donate/")["Content-Security-Policy"]
    assert "form-action 'self' https://checkout.stripe.com" in csp
    assert "checkout.stripe.com" not in client.get("/c/fund/")["Content-Security-Policy"]
    assert "checkout.stripe.com" not in client.get("/open-books/")["Content-Security-Policy"]


def test_without_stripe_keys_the_page_offers_offline_gifts_and_posting_does_not_crash(
    client, fundraiser, settings
):
    settings.STRIPE_SECRET_KEY = ""
    body = client.get("/c/fund/donate/").content.decode()
    assert "Card payment is not configured" in body
    assert "Bank transfer" in body
    response = client.post("/c/fund/donate/", {"amount": "25", "currency": "EUR"})
    assert response.status_code == 503
    assert not Donation.objects.exists()


@responses.activate
def test_one_off_gift_creates_a_payment_checkout_session_and_redirects(
    client, fundraiser, stripe_keys
):
    stripe_checkout_ok(responses)
    response = client.post(
        "/c/fund/donate/",
        {
            "amount": "custom",
            "custom_amount": "12.50",
            "currency": "EUR",
            "frequency": "once",
            "donor_name": "Ana",
            "public_listing": "on",
            "email": "Ana@Example.net",
        },
    )
    assert response.status_code == 303
    assert response["Location"] == CHECKOUT_URL
    donation = Donation.objects.get()
    assert donation.status == Donation.Status.PENDING
    assert donation.amount_minor == 1250
    assert donation.email == "ana@example.net"
    assert donation.stripe_checkout_session_id == "cs_test_abc"

    (call,) = responses.calls
    sent = sent_form(call)
    assert sent["mode"] == ["payment"]
    assert sent["line_items[0][price_data][unit_amount]"] == ["1250"]
    assert sent["line_items[0][price_data][currency]"] == ["eur"]
    assert "line_items[0][price_data][recurring][interval]" not in sent
    assert sent["metadata[donation_id]"] == [str(donation.pk)]
    assert sent["payment_intent_data[metadata][donation_id]"] == [str(donation.pk)]
    assert sent["client_reference_id"] == [str(donation.pk)]
    assert call.request.headers["Idempotency-Key"] == f"checkout-{donation.reference}"
    assert call.request.headers["Authorization"] == "Bearer sk_test_donations"


@responses.activate
def test_monthly_gift_uses_subscription_mode_with_inline_recurring_price(
    client, fundraiser, stripe_keys
):
    stripe_checkout_ok(responses)
    response = client.post(
        "/fr/c/fund/donate/", {"amount": "10", "currency": "EUR", "frequency": "monthly"}
    )
    assert response.status_code == 303
    donation = Donation.objects.get()
    assert donation.language == "fr"
    sent = sent_form(responses.calls[0])
    assert sent["mode"] == ["subscription"]
    assert sent["line_items[0][price_data][recurring][interval]"] == ["month"]
    assert sent["line_items[0][price_data][unit_amount]"] == ["1000"]
    assert sent["subscription_data[metadata][donation_id]"] == [str(donation.pk)]
    assert sent["locale"] == ["fr"]


@responses.activate
@pytest.mark.parametrize(
    ("currency", "amount", "minor"),
    [("JPY", "5000", "5000"), ("KWD", "12.340", "12340"), ("USD", "7", "700")],
)
def test_zero_and_three_decimal_currencies_are_sent_in_minor_units(
    client, stripe_keys, settings, currency, amount, minor
):
    settings.DONATION_CURRENCIES = ["JPY", "KWD"]
    stripe_checkout_ok(responses)
    response = client.post(
        "/donate/", {"amount": "custom", "custom_amount": amount, "currency": currency}
    )
    assert response.status_code == 303
    sent = sent_form(responses.calls[0])
    assert sent["line_items[0][price_data][unit_amount]"] == [minor]
    assert sent["line_items[0][price_data][currency]"] == [currency.lower()]
    donation = Donation.objects.get()
    assert donation.campaign is None
    assert (donation.amount_minor, donation.currency) == (int(minor), currency)


@pytest.mark.parametrize(
    ("amount", "currency"),
    [
        ("0", "EUR"),
        ("-5", "EUR"),
        ("abc", "EUR"),
        ("NaN", "EUR"),
        ("1e400", "EUR"),
        ("99999999999", "EUR"),
        ("1.234", "EUR"),
        ("10.5", "JPY"),
        ("10", "XXX"),
        ("10", ""),
        ("", "EUR"),
    ],
)
def test_bad_amounts_and_currencies_are_form_errors(
    client, fundraiser, stripe_keys, settings, amount, currency
):
    settings.DONATION_CURRENCIES = ["JPY"]
    with responses.RequestsMock() as rsps:  # any call to Stripe would fail the test
        response = client.post(
            "/c/fund/donate/",
            {"amount": "custom", "custom_amount": amount, "currency": currency},
        )
        assert len(rsps.calls) == 0
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert not Donation.objects.exists()


def test_stripe_outage_is_a_clear_message_not_a_500(client, fundraiser, stripe_keys):
    with responses.RequestsMock() as rsps:
        rsps.add(
            responses.POST,
            CHECKOUT_API,
            status=500,
            json={"error": {"type": "api_error", "message": "boom"}},
        )
        response = client.post("/c/fund/donate/", {"amount": "25", "currency": "EUR"})
    assert response.status_code == 503
    assert "could not be reached" in response.content.decode()
    assert Donation.objects.get().status == Donation.Status.FAILED


def test_browser_return_to_thanks_page_counts_nothing(client, fundraiser, stripe_keys):
    donation = pending_donation(fundraiser)
    assert client.get("/donate/thanks/").status_code == 200
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PENDING


def test_campaign_without_fundraising_has_no_donate_page(client, campaign):
    assert client.get("/c/refuse/donate/").status_code == 404
    page = client.get("/c/refuse/").content.decode()
    # The site footer links to the general fund on every page; the campaign itself has no
    # call to give.
    main = page.split('<main id="main-content"', 1)[1].split("</main>", 1)[0]
    assert "Donate" not in main
    assert "/c/refuse/donate/" not in page


def test_closed_campaign_takes_no_donations(client, stripe_keys):
    closed = create_campaign(
        "over",
        kind=Campaign.Kind.FUNDRAISER,
        fundraising_goal_minor=1000,
        fundraising_currency="EUR",
    )
    campaign_services.close(closed, by=None)
    assert "no longer takes donations" in client.get("/c/over/donate/").content.decode()
    response = client.post("/c/over/donate/", {"amount": "25", "currency": "EUR"})
    assert response.status_code == 400
    assert not Donation.objects.exists()


def test_campaign_page_shows_fundraising_bar_and_call_to_action(client, fundraiser, finance):
    services.record_offline_gift(
        method=Donation.Method.BANK_TRANSFER,
        amount_minor=25_000,
        currency="EUR",
        received_on=fundraiser.launched_at.date(),
        campaign=fundraiser,
        by=finance,
    )
    body = client.get("/c/fund/").content.decode()
    assert "€250.00" in body
    assert '<progress max="100" value="25"' in body
    assert 'href="/c/fund/donate/"' in body
    assert body.count("<h1") == 1


def test_open_books_lists_only_donors_who_opted_in(client, fundraiser, finance):
    for name, listed in (("Listed Lou", True), ("Hidden Hal", False)):
        services.record_offline_gift(
            method=Donation.Method.CASH,
            amount_minor=1000,
            currency="EUR",
            received_on=fundraiser.launched_at.date(),
            donor_name=name,
            email=f"{name.split()[0].lower()}@example.net",
            public_listing=listed,
            campaign=fundraiser,
            by=finance,
        )
    response = client.get("/open-books/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Listed Lou" in body
    assert "Hidden Hal" not in body
    assert "@" not in body.split("<main", 1)[1]
    assert "2 donors" in body
    assert "€20.00" in body
    assert body.count("<h1") == 1
    assert client.get("/es/open-books/").status_code == 200


def monthly_gift(client, fundraiser) -> Donation:
    gift = pending_donation(
        fundraiser, amount_minor=1000, frequency=Donation.Frequency.MONTHLY, language="es"
    )
    post_event(client, subscription_session_completed(gift))
    post_event(client, invoice_paid(gift, number=1))
    gift.refresh_from_db()
    return gift


def test_cancel_link_in_receipt_confirms_then_cancels_through_stripe(
    client, fundraiser, stripe_keys
):
    gift = monthly_gift(client, fundraiser)
    run_tasks()
    (receipt,) = mail.outbox
    link = re.search(r"http://testserver(/\S+/cancel/)", receipt.body).group(1)
    assert link.startswith("/es/")

    page = client.get(link)
    assert page.status_code == 200
    assert "10,00\u00a0€" in page.content.decode()  # as Spanish writes money (Babel)
    gift.refresh_from_db()
    assert gift.cancel_requested_at is None  # GET changes nothing

    assert client.post(link, {}).status_code == 400  # must tick the confirmation
    response = client.post(link, {"confirm": "on"})
    assert response.status_code == 200
    with responses.RequestsMock() as rsps:
        rsps.add(
            responses.DELETE,
            f"https://api.stripe.com/v1/subscriptions/sub_{gift.pk}",
            json={"id": f"sub_{gift.pk}", "object": "subscription", "status": "canceled"},
        )
        run_tasks()
        assert len(rsps.calls) == 1
    gift.refresh_from_db()
    assert gift.subscription_ended_at is not None
    # The webhook that follows changes nothing more.
    ended = gift.subscription_ended_at
    post_event(client, subscription_deleted(gift))
    gift.refresh_from_db()
    assert gift.subscription_ended_at == ended
    # A second POST does not call Stripe again.
    with responses.RequestsMock() as rsps:
        client.post(link, {"confirm": "on"})
        run_tasks()
        assert len(rsps.calls) == 0


def test_damaged_cancel_token_is_404(client, db):
    assert client.get("/donate/monthly/not-a-token/cancel/").status_code == 404
    assert client.post("/donate/monthly/not-a-token/cancel/").status_code == 404


def test_one_off_receipt_has_no_cancel_link(client, fundraiser, stripe_keys):
    donation = pending_donation(fundraiser)
    post_event(client, session_completed(donation))
    run_tasks()
    assert "/cancel/" not in mail.outbox[0].body
    assert json.dumps(mail.outbox[0].to) == '["donor@example.net"]'


# --- Currencies, names and garbled text (issue "Hardening", findings 4 and 5) ----------


@pytest.mark.parametrize("currency", ["ZZZ", "XXX", "XTS", "DEM"])
def test_donate_form_offers_and_accepts_only_iso_4217_currencies(
    client, fundraiser, stripe_keys, settings, currency
):
    settings.DONATION_CURRENCIES = [currency, "JPY"]
    page = client.get(f"/c/fund/donate/?currency={currency}").content.decode()
    assert f'value="{currency}"' not in page
    assert 'value="JPY"' in page
    with responses.RequestsMock() as rsps:
        response = client.post(
            "/c/fund/donate/", {"amount": "custom", "custom_amount": "10", "currency": currency}
        )
        assert len(rsps.calls) == 0
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert not Donation.objects.exists()


def test_start_donation_refuses_a_made_up_currency_even_if_configured(fundraiser, settings):
    settings.DONATION_CURRENCIES = ["ZZZ"]
    with pytest.raises(services.ValidationError):
        pending_donation(fundraiser, currency="ZZZ")
    assert not Donation.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("donor_name", "Mallory\r\nBcc: x@y.org"),
        ("donor_name", "Mallory\nSubject: pwned"),
        ("donor_name", "Mallory\rX"),
        ("donor_name", "Bell\x07"),
        ("donor_name", "Next\x85line"),
        ("donor_name", "Para\u2029graph"),
        ("message", "Hello\x1b[2J"),
        ("message", "Hi\u2028there"),
    ],
)
def test_line_breaks_and_control_characters_in_donor_fields_are_form_errors(
    client, fundraiser, stripe_keys, field, value
):
    with responses.RequestsMock() as rsps:
        response = client.post("/c/fund/donate/", {"amount": "25", "currency": "EUR", field: value})
        assert len(rsps.calls) == 0
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert not Donation.objects.exists()


@responses.activate
def test_a_message_keeps_its_paragraphs(client, fundraiser, stripe_keys):
    stripe_checkout_ok(responses)
    message = "First line.\r\nSecond line.\n\tIndented."
    response = client.post(
        "/c/fund/donate/",
        {"amount": "25", "currency": "EUR", "message": message, "donor_name": "Zoë Ōkubo"},
    )
    assert response.status_code == 303
    donation = Donation.objects.get()
    assert donation.donor_name == "Zoë Ōkubo"
    assert "Second line." in donation.message


@pytest.mark.parametrize("field", ["donor_name", "message"])
@pytest.mark.parametrize("raw", [b"\xff\xfe", b"Jos\xe9", b"\xc3\x28", b"\xed\xa0\x80"])
def test_invalid_utf8_in_donor_fields_is_a_form_error_not_stored_garbled(
    client, fundraiser, stripe_keys, field, raw
):
    from urllib.parse import quote_from_bytes

    body = b"amount=25&currency=EUR&" + field.encode() + b"=" + quote_from_bytes(raw).encode()
    with responses.RequestsMock() as rsps:
        response = client.post(
            "/c/fund/donate/", body, content_type="application/x-www-form-urlencoded"
        )
        assert len(rsps.calls) == 0
    assert response.status_code == 400
    assert "garbled" in response.content.decode()
    assert not Donation.objects.exists()


def test_the_service_collapses_a_donor_name_to_one_line(fundraiser):
    donation = pending_donation(fundraiser, donor_name="Mallory\r\nBcc: x@y.org")
    assert donation.donor_name == "Mallory Bcc: x@y.org"


def test_the_service_refuses_garbled_text(fundraiser):
    with pytest.raises(services.ValidationError):
        pending_donation(fundraiser, donor_name="Jos\ufffd")
    with pytest.raises(services.ValidationError):
        pending_donation(fundraiser, message="\ufffd")
    assert not Donation.objects.exists()
