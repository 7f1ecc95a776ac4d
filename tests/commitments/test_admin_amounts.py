"""Divestment amounts in major units: typed so on the pledge form (as the page's language
writes numbers) and shown so in the staff area, never as the minor units the row stores."""

from decimal import Decimal

import pytest

from commitments.models import CommitmentPledge
from tests.commitments.helpers import approved_pledge, boycott, create_drive, divestment
from tests.commitments.test_views import BOYCOTT, DIVEST, form_data
from tests.conftest import verified_login

pytestmark = pytest.mark.django_db

ADMIN = "/staff/admin/commitments/"
PLEDGE_FORM = "/c/bds/commitments/pledge/"


@pytest.fixture
def drive(db):
    return create_drive()


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [
        ("250,000.00", "EUR", 25_000_000),
        ("5,000", "JPY", 5_000),
        ("1,500.50", "kes", 150_050),
        ("2500000", "USD", 250_000_000),
    ],
)
def test_the_staff_area_shows_amounts_in_major_units(
    client, moderator, drive, amount, currency, minor
):
    pledge = approved_pledge(
        drive, divestment(amount=Decimal(amount.replace(",", "")), currency=currency)
    )
    commitment = pledge.commitments.get()
    assert commitment.amount_minor == minor
    verified_login(client, moderator)
    shown = {
        "EUR": "€250,000.00",
        "JPY": "¥5,000",
        "KES": "KES\u00a01,500.50",
        "USD": "$2,500,000.00",
    }[currency.upper()]
    for page in (f"commitment/{commitment.pk}/change/", f"commitmentpledge/{pledge.pk}/change/"):
        body = client.get(ADMIN + page).content.decode()
        assert shown in body, page
        assert "minor units" not in body, page
        assert f">{minor}<" not in body, page


def test_a_commitment_without_an_amount_shows_a_dash(client, moderator, drive):
    commitment = approved_pledge(drive, boycott()).commitments.get()
    verified_login(client, moderator)
    body = client.get(f"{ADMIN}commitment/{commitment.pk}/change/").content.decode()
    assert "—" in body and "minor units" not in body


@pytest.mark.parametrize(
    ("prefix", "amount", "currency", "minor"),
    [
        ("", "2,500,000.00", "eur", 250_000_000),
        ("", "1200.50", "eur", 120_050),
        ("/es", "2.500.000,00", "eur", 250_000_000),
        ("/fr", "2 500 000,00", "eur", 250_000_000),
        ("", "5,000", "jpy", 5_000),
        ("/ar", "٥٠٠٠", "jpy", 5_000),
    ],
)
def test_the_pledge_form_reads_amounts_as_the_language_writes_them(
    client, drive, prefix, amount, currency, minor
):
    row = {**DIVEST, "amount": amount, "currency": currency}
    response = client.post(prefix + PLEDGE_FORM, form_data([BOYCOTT, row]))
    assert response.status_code == 302, response.content.decode()[:3000]
    divest = CommitmentPledge.objects.get().commitments.get(kind="divestment")
    assert (divest.amount_minor, divest.currency) == (minor, currency.upper())


@pytest.mark.parametrize(
    ("amount", "currency", "error"),
    [
        ("1,5", "eur", "Enter an amount as digits"),  # 1.5 or 15? refused, not guessed
        ("-100", "eur", "Enter an amount as digits"),
        ("5000.5", "jpy", "Not an amount in this currency"),
        ("0", "eur", "Give an amount above zero"),
    ],
)
def test_amounts_that_cannot_be_read_are_form_errors(client, drive, amount, currency, error):
    row = {**DIVEST, "amount": amount, "currency": currency}
    response = client.post(PLEDGE_FORM, form_data([BOYCOTT, row]))
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not CommitmentPledge.objects.exists()


def test_the_amount_box_is_a_decimal_keypad_running_left_to_right(client, drive):
    body = client.get("/ar" + PLEDGE_FORM).content.decode()
    box = body.split('name="commitments-0-amount"', 1)[1].split(">", 1)[0]
    assert 'inputmode="decimal"' in box and 'dir="ltr"' in box
