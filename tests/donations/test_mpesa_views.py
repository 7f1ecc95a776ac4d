"""The donate page's M-Pesa form, the "check your phone" page, Finance's setting, and the
whole journey over HTTP: donate page → STK push → callback → the platform's query → open books."""

import re

import pytest
import requests
import responses

from donations.management.commands.mpesa_fake_callback import fake_payload
from donations.models import Donation, MpesaSetting
from tests.conftest import run_tasks, verified_login
from tests.donations import mpesa_payloads as daraja
from tests.test_site import EMAIL_RE, PageParser

pytestmark = pytest.mark.django_db

CHECKOUT = "ws_CO_011220261030009999"
FORM = {
    "mpesa-amount": "1,500",
    "mpesa-phone": "0711 000 000",
    "mpesa-email": "amina@example.org",
    "mpesa-donor_name": "Amina",
    "mpesa-public_listing": "on",
}


def assert_accessible_public_page(response):
    body = response.content.decode()
    page = PageParser()
    page.feed(body)
    assert page.h1 == 1 and page.has_main
    assert page.inline_scripts == 0 and page.inline_styles == 0
    for asset in page.assets:
        assert asset.startswith("/") and not asset.startswith("//"), asset
    return body


def test_the_donate_page_offers_m_pesa_where_finance_turned_it_on(
    client, mpesa_keys, kes_fundraiser, fundraiser
):
    body = assert_accessible_public_page(client.get("/c/harambee/donate/"))
    assert "Give with M-Pesa" in body
    assert 'action="/c/harambee/donate/mpesa/"' in body
    assert 'inputmode="tel"' in body
    for input_id in re.findall(r'<(?:input|select|textarea)[^>]*id="([^"]+)"', body):
        assert f'for="{input_id}"' in body, input_id
    # Another campaign, and the general fund, without Finance's setting: no M-Pesa.
    assert "Give with M-Pesa" not in client.get("/c/fund/donate/").content.decode()
    assert "Give with M-Pesa" not in client.get("/donate/").content.decode()
    MpesaSetting.objects.create(campaign=None, enabled=True)
    assert 'action="/donate/mpesa/"' in client.get("/donate/").content.decode()


def test_without_daraja_keys_m_pesa_is_offered_nowhere(client, kes_fundraiser, settings):
    settings.MPESA_CONSUMER_KEY = ""
    MpesaSetting.objects.create(campaign=None, enabled=True)
    for url in ("/c/harambee/donate/", "/donate/", "/es/c/harambee/donate/"):
        assert "M-Pesa" not in client.get(url).content.decode().replace("M-Pesa (Safaricom)", "")
    with responses.RequestsMock():  # nothing reaches Daraja
        response = client.post("/c/harambee/donate/mpesa/", FORM)
    assert response.status_code == 503
    assert not Donation.objects.exists()
    assert daraja.post_callback(client, daraja.paid_callback(CHECKOUT)).status_code == 404


def test_finance_turning_it_off_hides_the_form(client, mpesa_keys, kes_fundraiser):
    MpesaSetting.objects.filter(campaign=kes_fundraiser).update(enabled=False)
    assert "Give with M-Pesa" not in client.get("/c/harambee/donate/").content.decode()


def test_a_closed_campaign_takes_no_m_pesa_gift(client, mpesa_keys, kes_fundraiser):
    from campaigns import services as campaign_services

    campaign_services.close(kes_fundraiser, by=None)
    assert "Give with M-Pesa" not in client.get("/c/harambee/donate/").content.decode()
    with responses.RequestsMock():
        assert client.post("/c/harambee/donate/mpesa/", FORM).status_code == 400
    assert not Donation.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("mpesa-phone", "0811 000 000", "Enter a Kenyan mobile number"),
        ("mpesa-phone", "+44 7700 900000", "Enter a Kenyan mobile number"),
        ("mpesa-phone", "", "This field is required"),
        ("mpesa-amount", "500.50", "Enter whole shillings"),
        ("mpesa-amount", "0", "Enter whole shillings"),
        ("mpesa-amount", "200000", "Enter whole shillings"),
        ("mpesa-amount", "five hundred", "Enter whole shillings"),
        ("mpesa-email", "not-an-address", "Enter a valid email address"),
    ],
)
def test_bad_input_is_a_form_error_and_nothing_is_sent(
    client, mpesa_keys, kes_fundraiser, field, value, message
):
    with responses.RequestsMock():
        response = client.post("/c/harambee/donate/mpesa/", {**FORM, field: value})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Donation.objects.exists()


def test_email_receipt_chosen_without_an_address_is_a_form_error(
    client, mpesa_keys, sms_keys, kes_fundraiser
):
    form = {**FORM, "mpesa-receipt_by": "email", "mpesa-email": ""}
    with responses.RequestsMock():
        response = client.post("/c/harambee/donate/mpesa/", form)
    assert response.status_code == 400
    assert "Give the email address for your receipt." in response.content.decode()


def test_a_dead_daraja_gives_a_clear_message_not_a_500(client, mpesa_keys, kes_fundraiser):
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, daraja.TOKEN_URL, body=requests.ConnectTimeout("timeout"))
        response = client.post("/c/harambee/donate/mpesa/", FORM)
    assert response.status_code == 503
    assert "M-Pesa could not be reached. Nothing was charged" in response.content.decode()
    assert Donation.objects.get().status == Donation.Status.FAILED


def test_a_cross_site_post_is_refused(client, mpesa_keys, kes_fundraiser):
    with responses.RequestsMock():
        response = client.post(
            "/c/harambee/donate/mpesa/", FORM, headers={"Sec-Fetch-Site": "cross-site"}
        )
    assert response.status_code == 403


def test_the_status_page_of_an_unknown_gift_is_a_404(client, mpesa_keys):
    assert client.get("/donate/mpesa/2f1b0c2e-1111-4c7a-9a55-000000000000/").status_code == 404
    assert client.get("/donate/mpesa/not-a-uuid/").status_code == 404


def test_journey_donate_page_to_stk_push_to_callback_to_open_books(
    client, mpesa_keys, kes_fundraiser, django_capture_on_commit_callbacks
):
    assert client.get("/c/harambee/donate/").status_code == 200
    with responses.RequestsMock() as rsps:
        daraja.token(rsps)
        push = daraja.push_accepted(rsps, CHECKOUT)
        response = client.post("/c/harambee/donate/mpesa/", FORM)
    assert response.status_code == 303
    assert b'"Amount": 1500' in push.calls[0].request.body
    donation = Donation.objects.get()
    status_url = f"/donate/mpesa/{donation.reference}/"
    assert response["Location"] == status_url

    waiting = client.get(status_url)
    body = assert_accessible_public_page(waiting)
    assert "Check your phone" in body and 'http-equiv="refresh"' in body
    assert "no-cache" in waiting["Cache-Control"] or "max-age=0" in waiting["Cache-Control"]
    # Nothing counts yet.
    books = client.get("/open-books/").content.decode()
    assert "No donations yet." in books

    assert (
        daraja.post_callback(client, daraja.paid_callback(CHECKOUT, amount=1500)).status_code == 200
    )
    with responses.RequestsMock() as rsps, django_capture_on_commit_callbacks(execute=True):
        daraja.query_result(rsps, CHECKOUT, "0")
        run_tasks()  # the cached figures go stale once the gift counts

    paid = client.get(status_url)
    body = assert_accessible_public_page(paid)
    assert "Thank you for your gift" in body and 'http-equiv="refresh"' not in body
    # No personal data on the donor's page: not the number, not the address, not the name.
    assert "0711" not in body and "254711" not in body and not EMAIL_RE.search(body)
    assert "Amina" not in body
    books = client.get("/open-books/").content.decode()
    assert "KES" in books and "1,500.00" in books
    assert "Amina" in books  # she chose to be listed
    # The campaign page's fundraising bar moved too.
    assert "1,500" in client.get("/c/harambee/").content.decode()


def test_a_cancelled_payment_says_so_and_offers_to_try_again(client, mpesa_keys, kes_fundraiser):
    with responses.RequestsMock() as rsps:
        daraja.token(rsps)
        daraja.push_accepted(rsps, CHECKOUT)
        client.post("/c/harambee/donate/mpesa/", FORM)
    donation = Donation.objects.get()
    daraja.post_callback(client, daraja.failed_callback(CHECKOUT, code=1032))
    with responses.RequestsMock() as rsps:
        daraja.query_result(rsps, CHECKOUT, "1032")
        run_tasks()
    body = client.get(f"/donate/mpesa/{donation.reference}/").content.decode()
    assert "You cancelled the request on your phone. Nothing was paid." in body
    assert 'href="/c/harambee/donate/"' in body


def test_the_general_fund_takes_m_pesa_gifts_too(client, mpesa_keys):
    MpesaSetting.objects.create(campaign=None, enabled=True)
    with responses.RequestsMock() as rsps:
        daraja.token(rsps)
        push = daraja.push_accepted(rsps, CHECKOUT)
        response = client.post("/donate/mpesa/", FORM)
    assert response.status_code == 303
    assert b'"AccountReference": "FUND-' in push.calls[0].request.body
    assert Donation.objects.get().campaign is None


def test_the_local_fake_walks_the_same_journey_without_an_account(client, settings, kes_fundraiser):
    """MPESA_ENVIRONMENT=fake (DEBUG only): no keys, no network, the same ledger."""
    settings.DEBUG = True
    settings.MPESA_ENVIRONMENT = "fake"
    for name in ("MPESA_CONSUMER_KEY", "MPESA_CONSUMER_SECRET", "MPESA_PASSKEY"):
        setattr(settings, name, "")
    settings.MPESA_CALLBACK_SECRET = ""
    with responses.RequestsMock():  # any HTTP call would fail
        response = client.post("/c/harambee/donate/mpesa/", FORM)
        assert response.status_code == 303
        donation = Donation.objects.get()
        assert donation.mpesa_checkout_request_id.startswith("ws_CO_FAKE")
        path = "/mobile-money/stk-callback/local-fake-callback-secret/"
        answer = daraja.post_callback(client, fake_payload(donation, 0), path=path)
        assert answer.status_code == 200
        run_tasks()
    donation.refresh_from_db()
    assert donation.status == Donation.Status.SUCCEEDED


def test_finance_turns_m_pesa_on_in_the_staff_area(client, finance, kes_fundraiser, fundraiser):
    verified_login(client, finance)
    assert client.get("/staff/admin/donations/mpesasetting/add/").status_code == 200
    response = client.post(
        "/staff/admin/donations/mpesasetting/add/",
        {"campaign": fundraiser.pk, "enabled": "on"},
    )
    assert response.status_code == 302
    assert MpesaSetting.objects.filter(campaign=fundraiser, enabled=True).exists()
    # One setting per donate page.
    again = client.post(
        "/staff/admin/donations/mpesasetting/add/",
        {"campaign": fundraiser.pk, "enabled": "on"},
    )
    assert (
        again.status_code == 200 and MpesaSetting.objects.filter(campaign=fundraiser).count() == 1
    )
    assert client.get("/staff/admin/donations/mpesacallback/").status_code == 200


@pytest.mark.parametrize(
    "field", ["mpesa-amount", "mpesa-phone", "mpesa-email", "mpesa-donor_name", "ref"]
)
@pytest.mark.parametrize(
    "payload", ["<script>alert(1)</script>", "' OR 1=1 --", "a\r\nBcc: x@example.org", "\x00"]
)
def test_hostile_input_is_a_form_error_or_a_gift_never_a_500(
    client, mpesa_keys, kes_fundraiser, field, payload
):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        daraja.token(rsps)
        daraja.push_accepted(rsps, CHECKOUT)
        response = client.post("/c/harambee/donate/mpesa/", {**FORM, field: payload})
    assert response.status_code in (303, 400)
    assert "<script>alert(1)</script>" not in response.content.decode()
