"""Pressure per company: organisations pledged, their countries, money committed to
divestment by currency (never added across), and a chart over time."""

from decimal import Decimal

import pytest
from django.utils import translation

from campaigns.models import Target
from commitments import services as commitment_services
from commitments import tracker
from commitments.chart import pressure_chart_svg
from tests.commitments.helpers import (
    approved_pledge,
    boycott,
    create_drive,
    divestment,
    moderator_update,
)
from tests.pledges.test_chart import assert_labels_inside

pytestmark = pytest.mark.django_db


@pytest.fixture
def drive(db):
    return create_drive()


@pytest.fixture
def pressed(drive, moderator):
    """Meta: two organisations from Mexico and Argentina, €250,000 and ¥5,000,000 to divest,
    a withdrawn commitment that no longer counts, and one that acted."""
    approved_pledge(drive, divestment(), boycott(target="meta"))  # MX
    other = approved_pledge(
        drive,
        divestment(amount=Decimal("5000000"), currency="JPY"),
        divestment(amount=Decimal("1000.50")),
        website="https://sindicato.example",
        name="Sindicato",
        country="AR",
    )
    jpy, eur = other.commitments.order_by("pk")
    commitment_services.fulfil_commitment(jpy, by=moderator)
    gone = approved_pledge(
        drive, divestment(amount=Decimal("99")), website="https://gone.example", country="BR"
    ).commitments.get()
    moderator_update(gone, "withdrawn", by=moderator)
    return drive


def test_pressure_counts_organisations_countries_and_money_per_currency(pressed, settings):
    settings.PUBLIC_MIN_COUNT = 1  # every count shown: the small-count rule is tested apart
    pressure = tracker.target_pressure(Target.objects.get(slug="meta"))
    assert pressure.organisations == 2
    assert {(c.code, c.organisations) for c in pressure.countries} == {("MX", 1), ("AR", 1)}
    assert [(d.currency, d.amount_minor, d.commitments) for d in pressure.divestment] == [
        ("EUR", 25_000_000 + 100_050, 2),
        ("JPY", 5_000_000, 1),
    ]
    day, pledged, acted = pressure.series[-1]
    assert (pledged, acted) == (2, 1)


def test_the_target_page_shows_the_pressure_formatted_for_its_language(client, pressed):
    english = client.get("/targets/meta/").content.decode()
    assert "€251,000.50" in english and "¥5,000,000" in english
    assert "2 organisations have pledged commitments." in english
    assert "pressure-chart" in english
    spanish = client.get("/es/targets/meta/").content.decode()
    assert "251.000,50" in spanish


def test_the_api_gives_the_pressure_as_decimal_strings_per_currency(client, pressed, settings):
    settings.PUBLIC_MIN_COUNT = 1  # every count shown: the small-count rule is tested apart
    body = client.get("/api/v1/targets/meta/").json()
    pressure = body["pressure"]
    assert pressure["organisations"] == 2
    assert pressure["divestment"] == [
        {"currency": "EUR", "amount": "251000.50", "commitments": 2},
        {"currency": "JPY", "amount": "5000000", "commitments": 1},
    ]
    assert {c["country"] for c in pressure["countries"]} == {"MX", "AR"}
    assert pressure["series"][-1]["organisations"] == 2
    assert pressure["series"][-1]["acted"] == 1
    assert len(pressure["series"]) in (12, 13)


# The pressure adds two queries to each (organisations with their countries and dates, the
# divestment totals); neither grows with the commitments.
TARGET_PAGE_QUERIES = 11
TARGET_API_QUERIES = 12


def test_target_page_and_api_take_a_fixed_number_of_queries(
    client, pressed, django_assert_num_queries
):
    client.get("/targets/meta/")  # once to warm the per-process caches (content types)
    for _round in range(2):
        with django_assert_num_queries(TARGET_PAGE_QUERIES):
            client.get("/targets/meta/")
        with django_assert_num_queries(TARGET_API_QUERIES):
            client.get("/api/v1/targets/meta/")
        for n in range(4):
            approved_pledge(pressed, divestment(), website=f"https://more{n}.example", country="CL")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_pressure_chart_keeps_its_dates_inside_in_every_direction(pressed, language):
    series = tracker.target_pressure(Target.objects.get(slug="meta")).series
    with translation.override(language):
        svg = str(pressure_chart_svg(series))
    assert svg.startswith("<svg")
    assert_labels_inside(svg)


def test_no_pledges_no_chart(drive):
    series = tracker.target_pressure(Target.objects.get(slug="meta")).series
    assert str(pressure_chart_svg(series)) == ""
