"""The fundraising goal is typed in major units beside its currency ("50,000.00 EUR") and
stored in minor units, with the currency's decimals (the yen has none), by lib.currencies."""

from decimal import Decimal

import pytest

from campaigns.models import Campaign
from donations import money
from lib import currencies
from tests.campaigns.staff_pages import ADMIN, change_url, page_data, save
from tests.conftest import create_campaign, verified_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, comms):
    return verified_login(client, comms)


@pytest.fixture
def fund(db):
    return create_campaign(
        "fund",
        kind=Campaign.Kind.FUNDRAISER,
        fundraising_goal_minor=5_000_000,
        fundraising_currency="EUR",
    )


def test_the_exponent_lives_in_lib_and_donations_uses_it():
    assert [currencies.exponent(c) for c in ("EUR", "jpy", "KWD")] == [2, 0, 3]
    assert money.exponent is currencies.exponent
    assert currencies.major_to_minor(Decimal("50000.00"), "EUR") == 5_000_000
    assert currencies.major_to_minor("5000", "JPY") == 5000
    assert currencies.minor_to_major(5_000_000, "EUR") == Decimal("50000.00")
    with pytest.raises(ValueError):
        currencies.major_to_minor("12.5", "JPY")
    assert money.to_minor("12.50", "EUR") == 1250  # donations' own helpers still work


def test_typed_amounts_read_as_each_language_writes_them():
    assert currencies.parse_amount("50,000.00", language="en") == Decimal("50000.00")
    assert currencies.parse_amount("50.000,00", language="es") == Decimal("50000.00")
    assert currencies.parse_amount("50 000,00", language="fr") == Decimal("50000.00")
    assert currencies.parse_amount("٥٠٠٠٠", language="ar") == Decimal("50000")
    with pytest.raises(ValueError):
        currencies.parse_amount("1,5", language="en")  # 1.5 or 15?
    assert currencies.format_amount(5_000_000, "EUR", language="en") == "50,000.00"
    assert currencies.format_amount(5_000_000, "EUR", language="es") == "50.000,00"
    assert currencies.format_amount(5_000_000, "JPY", language="en") == "5,000,000"


def test_the_goal_is_shown_in_major_units_beside_its_currency(staff, fund):
    body = staff.get(change_url(fund)).content.decode()
    assert "Fundraising goal" in body
    assert "minor units" not in body
    assert 'name="fundraising_goal" value="50,000.00"' in body
    assert 'name="fundraising_goal_minor"' not in body
    # One line: the amount, then its currency.
    line = body[body.index("field-fundraising_goal") :][:2000]
    assert "flex-container form-multiline" in body[body.index("field-fundraising_goal") - 80 :][:80]
    assert 'name="fundraising_currency"' in line


def test_an_amount_in_euros_is_stored_in_cents(staff, fund):
    response = save(staff, fund, {"fundraising_goal": "75,000.50"})
    assert response.status_code == 302, response.content.decode()[:2000]
    fund.refresh_from_db()
    assert fund.fundraising_goal_minor == 7_500_050


def test_an_amount_in_yen_has_no_decimals(staff, fund):
    response = save(staff, fund, {"fundraising_goal": "5,000,000", "fundraising_currency": "JPY"})
    assert response.status_code == 302, response.content.decode()[:2000]
    fund.refresh_from_db()
    assert (fund.fundraising_goal_minor, fund.fundraising_currency) == (5_000_000, "JPY")
    assert 'value="5,000,000"' in staff.get(change_url(fund)).content.decode()
    response = save(staff, fund, {"fundraising_goal": "12.5", "fundraising_currency": "JPY"})
    assert response.status_code == 200
    assert "JPY has no decimals: enter the goal in whole units, e.g. 50,000." in (
        response.content.decode()
    )
    fund.refresh_from_db()
    assert fund.fundraising_goal_minor == 5_000_000


@pytest.mark.parametrize(
    ("typed", "currency", "error"),
    [
        ("1.234", "EUR", "at most 2 decimals in EUR, e.g. 50,000.00"),
        ("0", "EUR", "Enter a goal above zero"),
        ("fifty", "EUR", "Enter the goal as digits, e.g. 50,000.00."),
        ("1,5", "EUR", "Enter the goal as digits"),
        ("100", "", "Give the goal&#x27;s currency, e.g. EUR."),
    ],
)
def test_a_goal_that_cannot_be_right_is_refused(staff, fund, typed, currency, error):
    response = save(staff, fund, {"fundraising_goal": typed, "fundraising_currency": currency})
    assert response.status_code == 200
    assert error in response.content.decode()
    fund.refresh_from_db()
    assert fund.fundraising_goal_minor == 5_000_000


def test_a_lower_case_currency_is_taken_in_capitals(staff, fund):
    save(staff, fund, {"fundraising_goal": "100", "fundraising_currency": "gbp"})
    fund.refresh_from_db()
    assert (fund.fundraising_goal_minor, fund.fundraising_currency) == (10_000, "GBP")


def test_a_goal_is_typed_the_way_the_staff_language_writes_it(staff, fund):
    url = f"/es{ADMIN}campaigns/campaign/{fund.pk}/change/"
    body = staff.get(url).content.decode()
    assert 'name="fundraising_goal" value="50.000,00"' in body
    data = page_data(staff, fund)
    data["fundraising_goal"] = "60.000,00"
    response = staff.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    fund.refresh_from_db()
    assert fund.fundraising_goal_minor == 6_000_000


def test_clearing_the_goal_removes_it(staff):
    statement = create_campaign("with-goal", fundraising_goal_minor=100, fundraising_currency="EUR")
    save(staff, statement, {"fundraising_goal": "", "fundraising_currency": ""})
    statement.refresh_from_db()
    assert statement.fundraising_goal_minor is None


def test_a_new_fundraiser_takes_its_goal_in_major_units(staff):
    data = page_data_for_add(staff)
    data.update(
        title="Fund us",
        slug="fund-us",
        kind="fundraiser",
        fundraising_goal="2,500",
        fundraising_currency="USD",
    )
    response = staff.post(f"{ADMIN}campaigns/campaign/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Campaign.objects.get(slug="fund-us").fundraising_goal_minor == 250_000


def page_data_for_add(client) -> dict:
    from tests.campaigns.staff_pages import form_data

    return form_data(client.get(f"{ADMIN}campaigns/campaign/add/").content.decode())


def test_read_only_staff_see_the_goal_with_its_currency(client, moderator, fund):
    body = verified_login(client, moderator).get(change_url(fund)).content.decode()
    assert "50,000.00 EUR" in body
