"""GET /api/v1/open-books/: the public ledger's figures, the same as the /open-books/ page."""

import datetime

import pytest

from donations import services
from tests.conftest import create_campaign

pytestmark = pytest.mark.django_db


def gift(campaign, amount_minor, currency="EUR", **extra):
    return services.record_offline_gift(
        method="bank_transfer",
        amount_minor=amount_minor,
        currency=currency,
        received_on=datetime.date(2026, 10, 5),
        campaign=campaign,
        by=None,
        **extra,
    )


def test_open_books_totals_without_donors(client, db):
    fund = create_campaign("fund", kind="fundraiser", fundraising_currency="EUR")
    gift(fund, 2500, donor_name="Ana Listed", public_listing=True, email="ana@example.net")
    gift(fund, 1000, donor_name="Bo Private", email="bo@example.net")
    gift(None, 5000, "USD")

    response = client.get("/api/v1/open-books/")

    assert response.status_code == 200
    body = response.json()
    # The general fund sorts first or last depending on the database (NULL title).
    body["by_campaign"].sort(key=lambda row: row["campaign"] or "")
    assert body == {
        "donors": 3,
        "gifts": 3,
        "by_month": [
            {"month": "2026-10", "currency": "EUR", "total_amount": "35.00", "gifts": 2},
            {"month": "2026-10", "currency": "USD", "total_amount": "50.00", "gifts": 1},
        ],
        "by_campaign": [
            {
                "campaign": None,
                "title": None,
                "currency": "USD",
                "total_amount": "50.00",
                "gifts": 1,
            },
            {
                "campaign": "fund",
                "title": "Campaign fund",
                "currency": "EUR",
                "total_amount": "35.00",
                "gifts": 2,
            },
        ],
        "refunds": [],
    }
    text = response.content.decode()
    assert "@" not in text and "Ana" not in text and "Bo Private" not in text
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "public" in response["Cache-Control"]
    assert (
        client.get("/api/v1/open-books/", headers={"If-None-Match": response["ETag"]}).status_code
        == 304
    )


def test_open_books_when_nothing_was_given(client, db):
    assert client.get("/api/v1/open-books/").json() == {
        "donors": 0,
        "gifts": 0,
        "by_month": [],
        "by_campaign": [],
        "refunds": [],
    }
