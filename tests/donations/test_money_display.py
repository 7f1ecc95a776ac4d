"""Money written one way, by language, wherever donations show it (issue 15): pages, the
widget, the badge, the receipt and the finance chart; gifts no exchange rate converts yet
are shown beside the total, not left out; the open books count each currency on its own."""

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.core.cache import cache

from donations import services
from donations.models import Donation, ExchangeRate
from tests.conftest import run_tasks, verified_login

pytestmark = pytest.mark.django_db

NBSP, NNBSP, RLM, LRM = "\u00a0", "\u202f", "\u200f", "\u200e"


def offline(campaign, amount_minor, currency, **extra):
    return services.record_offline_gift(
        method=Donation.Method.BANK_TRANSFER,
        amount_minor=amount_minor,
        currency=currency,
        received_on=date(2026, 11, 2),
        campaign=campaign,
        by=None,
        **extra,
    )


@pytest.fixture
def mixed(fundraiser):
    """€250.00 and $25.00 toward a euro goal, and no USD rate."""
    offline(fundraiser, 25_000, "EUR")
    offline(fundraiser, 2_500, "USD")
    return fundraiser


def test_campaign_page_shows_gifts_without_a_rate_beside_the_total(client, mixed):
    body = client.get("/c/fund/").content.decode()
    assert "<strong>€250.00</strong> raised" in body
    assert "plus $25.00 not yet converted" in body
    assert '<progress max="100" value="25"' in body  # the bar counts only what converts

    ExchangeRate.objects.create(
        base="USD", quote="EUR", rate=Decimal("0.8"), valid_from=date(2026, 1, 1)
    )
    cache.clear()  # Finance's rates are read when the figures are next counted
    body = client.get("/c/fund/").content.decode()
    assert "<strong>€270.00</strong> raised" in body
    assert "not yet converted" not in body


@pytest.mark.parametrize(
    ("prefix", "total", "unconverted"),
    [
        ("", "€250.00", "$25.00"),
        ("/es", f"250,00{NBSP}€", f"25,00{NBSP}US$"),
        ("/fr", f"250,00{NBSP}€", f"25,00{NBSP}$US"),
        ("/pt", f"€{NBSP}250,00", f"US${NBSP}25,00"),
        ("/ar", f"{RLM}250.00{NBSP}€", f"{RLM}25.00{NBSP}US${LRM}"),
    ],
)
def test_donate_page_writes_money_in_its_language(client, mixed, prefix, total, unconverted):
    body = client.get(f"{prefix}/c/fund/donate/").content.decode()
    assert f"<strong>{total}</strong>" in body
    assert unconverted in body.split('class="unconverted', 1)[1].split("</p>", 1)[0]


def test_widget_writes_money_in_its_language_and_shows_what_is_not_converted(client, mixed):
    body = client.get("/embed/fund/", {"lang": "es"}).content.decode()
    assert f"<strong>250,00{NBSP}€</strong>" in body
    assert f"1.000,00{NBSP}€" in body  # the goal
    assert f"25,00{NBSP}US$" in body
    assert " EUR</strong>" not in body  # no more "250.00 EUR"


def test_badge_writes_money_in_its_language(client, mixed):
    french = client.get("/embed/fund/badge.svg", {"lang": "fr"}).content.decode()
    assert f">250,00{NBSP}€ + 25,00{NBSP}$US</text>" in french
    english = client.get("/embed/fund/badge.svg", {"lang": "en"}).content.decode()
    assert ">€250.00 + $25.00</text>" in english
    arabic = client.get("/embed/fund/badge.svg", {"lang": "ar"}).content.decode()
    assert f"{RLM}250.00{NBSP}€" in arabic
    assert 'direction="rtl"' in arabic and 'direction="rtl"' not in english


@pytest.mark.parametrize(
    ("language", "amount"),
    [("en", "€120.50"), ("es", f"120,50{NBSP}€"), ("ar", f"{RLM}120.50{NBSP}€")],
)
def test_receipt_writes_the_amount_in_the_donors_language(fundraiser, language, amount):
    offline(fundraiser, 12_050, "EUR", email="giver@example.net", language=language)
    run_tasks()
    (receipt,) = mail.outbox
    assert amount.replace(NBSP, " ") in receipt.subject  # headers carry plain spaces
    assert amount in receipt.body


def test_open_books_has_a_currency_column_and_totals_per_currency(client, mixed):
    offline(None, 500_000, "GBP")  # the general fund
    body = client.get("/open-books/").content.decode()
    totals = body.split('id="currency-heading"', 1)[1].split("</section>", 1)[0]
    for code, amount in (("EUR", "€250.00"), ("GBP", "£5,000.00"), ("USD", "$25.00")):
        assert f'<th scope="row">{code}</th>' in totals
        assert amount in totals
    month = body.split('id="month-heading"', 1)[1].split("</section>", 1)[0]
    assert '<th scope="col">Currency</th>' in month and "<td>USD</td>" in month

    arabic = client.get("/ar/open-books/").content.decode()
    assert f"{RLM}250.00{NBSP}€" in arabic
    assert f"{RLM}25.00{NBSP}US${LRM}" in arabic


def test_finance_chart_labels_bars_with_written_money(client, finance, mixed):
    verified_login(client, finance)
    svg = client.get("/staff/donations/reports/chart.svg").content.decode()
    assert "2026-11: €250.00" in svg
    assert "2026-11: $25.00" in svg
