"""Finance types offline gifts in major units, as the page's language writes numbers, beside
their currency; `donations.money` turns them into minor units and back."""

import html
from decimal import Decimal

import pytest
from django.utils import translation

from donations import money
from donations.forms import amount_to_minor, example_amount, parse_amount
from donations.models import Donation
from tests.conftest import verified_login
from tests.donations.conftest import submission_key

pytestmark = pytest.mark.django_db

ADD = "/staff/admin/donations/offlinegift/add/"
GIFT = {
    "method": "mobile_money",
    "received_on": "2026-11-03",
    "offline_reference": "MPESA-QWE123",
    "language": "en",
}


@pytest.fixture(autouse=True)
def _currencies(settings):
    settings.DONATION_CURRENCIES = ["KES", "JPY"]


@pytest.fixture
def finance_client(client, finance):
    return verified_login(client, finance)


def record(client, prefix: str = "", **fields):
    form = client.get(prefix + ADD)
    return client.post(prefix + ADD, {**GIFT, **fields, "submission_key": submission_key(form)})


@pytest.mark.parametrize(
    ("amount", "currency", "minor", "shown"),
    [
        ("1,500.00", "KES", 150_000, "KES\u00a01,500.00"),
        ("1500", "KES", 150_000, "KES\u00a01,500.00"),
        ("5000", "JPY", 5_000, "¥5,000"),
        ("5,000", "JPY", 5_000, "¥5,000"),
        ("120.50", "EUR", 12_050, "€120.50"),
        ("1,250.5", "EUR", 125_050, "€1,250.50"),
    ],
)
def test_amounts_in_major_units_round_trip(finance_client, amount, currency, minor, shown):
    response = record(finance_client, amount=amount, currency=currency)
    assert response.status_code == 302, response.content.decode()[:2000]
    gift = Donation.objects.get()
    assert (gift.amount_minor, gift.currency) == (minor, currency)
    page = finance_client.get(response["Location"]).content.decode()
    assert shown in page  # the recorded gift, read back in major units
    assert "minor units" not in page


@pytest.mark.parametrize(
    ("amount", "currency", "error"),
    [
        ("5000.5", "JPY", "JPY has no decimals"),
        ("12.345", "EUR", "at most 2 decimals"),
        ("1,5", "EUR", "Enter an amount as digits"),  # 1.5 or 15? refused, not guessed
        ("-3", "KES", "Enter an amount as digits"),
        ("0", "KES", "above zero"),
        ("€12", "EUR", "Enter an amount as digits"),
        ("1000000000", "EUR", "above zero"),  # beyond MAX_MINOR
    ],
)
def test_amounts_a_currency_cannot_take_are_form_errors(finance_client, amount, currency, error):
    response = record(finance_client, amount=amount, currency=currency)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Donation.objects.exists()


def test_a_spanish_page_reads_spanish_numbers(finance_client):
    response = record(finance_client, "/es", amount="1.500,00", currency="EUR")
    assert response.status_code == 302
    assert Donation.objects.get().amount_minor == 150_000


def test_an_arabic_page_reads_arabic_indic_digits(finance_client):
    response = record(finance_client, "/ar", amount="١٬٥٠٠٫٠٠", currency="KES")
    assert response.status_code == 302
    assert Donation.objects.get().amount_minor == 150_000


def test_the_form_puts_amount_and_currency_side_by_side_with_human_labels(finance_client):
    body = finance_client.get(ADD).content.decode()
    row = body.split("form-multiline field-amount field-currency", 1)[1]
    row = row.split('class="form-row', 1)[0]  # one row: the amount, then its currency
    assert 'name="amount"' in row and 'name="currency"' in row
    assert 'inputmode="decimal"' in row and 'dir="ltr"' in row
    assert "Kenyan Shilling (KES)" in row
    assert "e.g. 1,500.00 (1,500 for yen)" in row
    for label in ("Payment method", "Amount", "Currency", "Date received", "Donor's reference code",
                  "Show the donor's name on the open books"):  # fmt: skip
        assert f">{label}" in html.unescape(body), label
    assert "public open books page" in body and "without a name" in body


def test_the_listing_choice_decides_the_open_books(finance_client, client):
    record(finance_client, amount="10", currency="EUR", donor_name="Listed Giver",
           public_listing="on")  # fmt: skip
    record(finance_client, amount="10", currency="EUR", donor_name="Quiet Giver")
    finance_client.logout()
    books = client.get("/open-books/").content.decode()
    assert "Listed Giver" in books and "Quiet Giver" not in books


@pytest.mark.parametrize(
    ("language", "typed", "value"),
    [
        ("en", "1,500.00", "1500.00"),
        ("en", "1500.50", "1500.50"),
        ("es", "1.500,00", "1500.00"),
        ("es", "1500.50", "1500.50"),  # the plain machine way in every language
        ("fr", "1 500,00", "1500.00"),
        ("fr", "1\u202f500,00", "1500.00"),
        ("pt", "1.500", "1500"),
        ("ar", "١٥٠٠", "1500"),
    ],
)
def test_parse_amount_reads_each_language(language, typed, value):
    with translation.override(language):
        assert parse_amount(typed) == Decimal(value)


@pytest.mark.parametrize("currency", ["EUR", "JPY", "KES", "KWD"])
def test_example_and_conversion_agree_with_money(currency):
    with translation.override("en"):
        example = example_amount(currency)
        minor = amount_to_minor(example, currency)
    assert money.from_minor(minor, currency) == 1500
    assert money.decimal_string(minor, currency).startswith("1500")
