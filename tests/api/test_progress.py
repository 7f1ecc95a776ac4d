from decimal import Decimal

import pytest
from django.utils import timezone

from campaigns import progress as campaign_progress_module
from donations import services as donation_services
from donations.models import ExchangeRate
from tests.conftest import create_campaign

pytestmark = pytest.mark.django_db


def test_progress_has_counts_goals_and_labels(client, campaign):
    response = client.get("/api/v1/campaigns/refuse/progress/")
    assert response.status_code == 200
    body = response.json()
    assert body["campaign"] == "refuse"
    assert body["total_signatures"] == 0
    assert body["total_organisations"] == 0
    assert body["fundraising"] is None
    assert body["figures"] == [
        {"key": "signatures", "label": "signatures", "count": 0, "goal": 1000, "percent": 0},
        {"key": "organisations", "label": "organisations", "count": 0, "goal": 50, "percent": 0},
    ]
    assert body["updated_at"]


def test_progress_labels_follow_lang(client, campaign):
    body = client.get("/api/v1/campaigns/refuse/progress/?lang=es").json()
    assert body["title"] == "Rechazamos"
    assert body["browser_url"] == "http://testserver/es/c/refuse/"


def test_progress_shows_fundraising_from_the_donations_ledger(client, db, settings):
    settings.DONATION_CURRENCIES = ["JPY"]
    fund = create_campaign(
        "fund", kind="fundraiser", fundraising_goal_minor=100000, fundraising_currency="EUR"
    )
    today = timezone.localdate()
    ExchangeRate.objects.create(base="USD", quote="EUR", rate=Decimal("0.5"), valid_from=today)
    for amount, currency in ((25050, "EUR"), (1000, "USD"), (1000, "JPY")):
        donation_services.record_offline_gift(
            method="cash",
            amount_minor=amount,
            currency=currency,
            received_on=today,
            campaign=fund,
            by=None,
        )
    body = client.get("/api/v1/campaigns/fund/progress/").json()
    assert body["fundraising"] == {
        "currency": "EUR",
        "total_amount": "255.50",
        "goal_amount": "1000.00",
        "percent": 25,
        "gifts": 3,
        "unconverted": ["JPY"],
        "by_currency": [
            {"currency": "EUR", "total_amount": "250.50"},
            {"currency": "JPY", "total_amount": "1000"},
            {"currency": "USD", "total_amount": "10.00"},
        ],
    }


def test_fundraising_without_gifts_or_goal(client, db):
    create_campaign("fund", kind="fundraiser", fundraising_currency="KWD")
    body = client.get("/api/v1/campaigns/fund/progress/").json()
    assert body["fundraising"] == {
        "currency": "KWD",
        "total_amount": "0.000",
        "goal_amount": None,
        "percent": None,
        "gifts": 0,
        "unconverted": [],
        "by_currency": [],
    }


def test_progress_is_served_from_the_cache(client, campaign, django_assert_num_queries):
    client.get("/api/v1/campaigns/refuse/progress/")
    calls = []
    original = campaign_progress_module.compute_progress
    campaign_progress_module.compute_progress = lambda c: calls.append(c) or original(c)
    try:
        client.get("/api/v1/campaigns/refuse/progress/")
    finally:
        campaign_progress_module.compute_progress = original
    assert calls == []
