"""Finance's offline-gift form in the staff area: one gift per rendered form, however often it
is posted (issue "Hardening", finding 3), and only real currencies and one-line names."""

import uuid
from datetime import date

import pytest
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.core.exceptions import ValidationError

from donations import services
from donations.models import Donation, ExchangeRate
from tests.conftest import run_tasks, verified_login
from tests.donations.conftest import submission_key

pytestmark = pytest.mark.django_db

ADD = "/staff/admin/donations/offlinegift/add/"
GIFT = {
    "method": "bank_transfer",
    "amount": "120.50",
    "currency": "EUR",
    "received_on": "2026-11-03",
    "offline_reference": "SEPA-1",
    "donor_name": "Bank Giver",
    "email": "bank.giver@example.net",
    "language": "en",
}


@pytest.fixture
def finance_client(client, finance):
    return verified_login(client, finance)


def change_url(gift: Donation) -> str:
    return f"/staff/admin/donations/offlinegift/{gift.pk}/change/"


def test_each_rendered_form_carries_its_own_key(finance_client):
    first = submission_key(finance_client.get(ADD))
    second = submission_key(finance_client.get(ADD))
    assert first != second
    assert uuid.UUID(first) and uuid.UUID(second)


def test_sixteen_clicks_on_save_record_one_gift_and_show_it(finance_client, finance):
    key = submission_key(finance_client.get(ADD))
    first = finance_client.post(ADD, {**GIFT, "submission_key": key})
    assert first.status_code == 302
    gift = Donation.objects.get()
    assert gift.idempotency_key == uuid.UUID(key)

    for _ in range(15):
        again = finance_client.post(ADD, {**GIFT, "submission_key": key})
        assert again.status_code == 302
        assert again["Location"] == change_url(gift)

    assert Donation.objects.count() == 1
    page = finance_client.get(change_url(gift))
    assert page.status_code == 200
    assert "This gift was already recorded" in page.content.decode()
    # One addition in the admin log, one receipt.
    assert LogEntry.objects.filter(object_id=str(gift.pk)).count() == 1
    run_tasks()
    assert len(mail.outbox) == 1


def test_a_new_form_records_a_second_identical_gift(finance_client):
    # Two real gifts can look the same (two cash envelopes of 20 EUR): a new form, a new key.
    for _ in range(2):
        key = submission_key(finance_client.get(ADD))
        assert finance_client.post(ADD, {**GIFT, "submission_key": key}).status_code == 302
    assert Donation.objects.count() == 2


@pytest.mark.parametrize("key", [None, "", "not-a-key", "x" * 500])
def test_a_post_without_a_usable_key_records_nothing_and_offers_a_fresh_form(finance_client, key):
    data = dict(GIFT) if key is None else {**GIFT, "submission_key": key}
    response = finance_client.post(ADD, data)
    assert response.status_code == 200
    assert "This form had expired" in response.content.decode()
    assert not Donation.objects.exists()
    # The page comes back with the typed gift and a fresh key: saving again records it.
    fresh = submission_key(response)
    assert fresh != key
    assert finance_client.post(ADD, {**GIFT, "submission_key": fresh}).status_code == 302
    assert Donation.objects.count() == 1


def test_a_form_error_does_not_use_up_the_key(finance_client):
    key = submission_key(finance_client.get(ADD))
    bad = finance_client.post(ADD, {**GIFT, "amount": "-3", "submission_key": key})
    assert bad.status_code == 200
    assert submission_key(bad) == key
    assert not Donation.objects.exists()
    assert finance_client.post(ADD, {**GIFT, "submission_key": key}).status_code == 302
    assert Donation.objects.count() == 1


def offline(**extra) -> Donation:
    values = {
        "method": Donation.Method.CASH,
        "amount_minor": 2000,
        "currency": "EUR",
        "received_on": date(2026, 11, 2),
        "by": None,
    }
    return services.record_offline_gift(**{**values, **extra})


def test_the_service_refuses_a_repeated_key_naming_the_recorded_gift(db):
    key = uuid.uuid4()
    gift = offline(idempotency_key=key)
    with pytest.raises(services.GiftAlreadyRecorded) as repeat:
        offline(idempotency_key=key, amount_minor=9999)
    assert repeat.value.gift == gift
    assert Donation.objects.count() == 1


def test_without_a_key_the_service_records_every_call(db):
    offline()
    offline()
    assert Donation.objects.count() == 2


# --- Currencies and names (findings 4 and 5) -----------------------------------------


@pytest.mark.parametrize("currency", ["ZZZ", "XXX", "XTS", "DEM", "EU", "eur1"])
def test_offline_gift_in_a_currency_that_is_not_iso_4217_is_a_form_error(
    finance_client, settings, currency
):
    settings.DONATION_CURRENCIES = [currency]
    form = finance_client.get(ADD)
    assert f'value="{currency}"' not in form.content.decode()
    response = finance_client.post(
        ADD, {**GIFT, "currency": currency, "submission_key": submission_key(form)}
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not Donation.objects.exists()


@pytest.mark.parametrize("currency", ["ZZZ", "XXX", "zzz"])
def test_the_service_refuses_a_currency_that_is_not_iso_4217(db, settings, currency):
    settings.DONATION_CURRENCIES = ["ZZZ", "XXX"]
    with pytest.raises(services.ValidationError):
        offline(currency=currency)
    assert not Donation.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("donor_name", "Mallory\r\nBcc: x@y.org"),
        ("donor_name", "Mallory\nSubject: pwned"),
        ("donor_name", "Tab\tbed"),
        ("donor_name", "Esc\x1b[31m"),
        ("donor_name", "Line\u2028separator"),
        ("donor_name", "Garbled \ufffd name"),
        ("offline_reference", "SEPA\r\n1"),
    ],
)
def test_line_breaks_and_controls_in_names_are_form_errors(finance_client, field, value):
    key = submission_key(finance_client.get(ADD))
    response = finance_client.post(ADD, {**GIFT, field: value, "submission_key": key})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not Donation.objects.exists()


def test_unicode_names_are_kept_as_typed(finance_client):
    name = "Zoë Ṁüller‑Łukasz ליאור محمد 李"
    key = submission_key(finance_client.get(ADD))
    response = finance_client.post(ADD, {**GIFT, "donor_name": name, "submission_key": key})
    assert response.status_code == 302
    assert Donation.objects.get().donor_name == name


def test_the_service_collapses_a_name_to_one_line(db):
    gift = offline(donor_name="  Mallory\r\nBcc: x@y.org\x00 ", reference="SEPA\n1")
    assert gift.donor_name == "Mallory Bcc: x@y.org"
    assert gift.offline_reference == "SEPA 1"


def test_the_service_refuses_garbled_names(db):
    with pytest.raises(services.ValidationError):
        offline(donor_name="Garbled \ufffd")
    assert not Donation.objects.exists()


EXCHANGE_RATES = "/staff/admin/donations/exchangerate/add/"


@pytest.mark.parametrize(("base", "quote"), [("ZZZ", "EUR"), ("USD", "XXX"), ("XAU", "EUR")])
def test_exchange_rate_with_a_currency_that_is_not_iso_4217_is_a_form_error(
    finance_client, base, quote
):
    rate = {"base": base, "quote": quote, "rate": "0.9", "valid_from": "2026-11-01"}
    response = finance_client.post(EXCHANGE_RATES, rate)
    assert response.status_code == 200
    assert "ISO 4217" in response.content.decode()
    assert not ExchangeRate.objects.exists()


def test_exchange_rate_codes_are_read_in_capitals(finance_client):
    rate = {"base": "usd", "quote": " eur", "rate": "0.9", "valid_from": "2026-11-01"}
    assert finance_client.post(EXCHANGE_RATES, rate).status_code == 302
    assert ExchangeRate.objects.values_list("base", "quote").get() == ("USD", "EUR")


def test_exchange_rate_model_refuses_made_up_codes(db):
    with pytest.raises(ValidationError):
        ExchangeRate(base="ZZZ", quote="EUR", rate=1, valid_from=date(2026, 1, 1)).full_clean()
