"""The campaign dashboard: who sees it, what each kind of campaign shows, figures from the rows,
charts whose labels stay inside their viewBox, and a number of queries that does not grow."""

import xml.etree.ElementTree as ET
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

from campaigns.models import Campaign
from donations import progress
from donations import services as donation_services
from donations.models import Donation, ExchangeRate
from donations.reports import RateBook, campaign_money
from partners.models import Partner
from pledges import services as pledge_services
from pledges.abuse import Client
from tests.commitments.helpers import approved_pledge, boycott, create_drive, divestment
from tests.conftest import PERSONAS, create_campaign, verified_login
from tests.donations.stripe_events import WEBHOOK_SECRET, post_event, session_completed
from tests.pledges.conftest import approved_org, sign, signature_data, signed_and_confirmed
from tests.pledges.test_chart import SVG, label_boxes
from tests.workspace.conftest import WORKSPACE, waiting_commitment_pledge, waiting_sign_on
from workspace import dashboard
from workspace.dashboard_charts import (
    AXIS,
    BARS_WIDTH,
    DAILY_HEIGHT,
    Bar,
    Series,
    bars_svg,
    daily_chart_svg,
)

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]
ALLOWED = {"comms", "moderator", "finance"}


def dashboard_url(campaign: Campaign) -> str:
    return f"{WORKSPACE}campaigns/{campaign.slug}/dashboard/"


def offline(campaign, amount_minor: int, currency: str, **extra) -> Donation:
    return donation_services.record_offline_gift(
        method=Donation.Method.BANK_TRANSFER,
        amount_minor=amount_minor,
        currency=currency,
        received_on=extra.pop("received_on", date(2026, 11, 3)),
        campaign=campaign,
        by=None,
        **extra,
    )


@pytest.fixture(autouse=True)
def _currencies(settings):
    """Shillings and yen besides euros, dollars and pounds (offline gifts take them)."""
    settings.DONATION_CURRENCIES = ["KES", "JPY"]


@pytest.fixture
def statement(db):
    return create_campaign("refuse", signature_goal=1000, organisation_goal=50)


@pytest.fixture
def fundraiser(db):
    return create_campaign(
        "fund",
        kind=Campaign.Kind.FUNDRAISER,
        fundraising_goal_minor=100_000,
        fundraising_currency="EUR",
    )


@pytest.fixture
def hold_every_address(settings):
    settings.PLEDGE_RATE_LIMITS = {"ip": (0, 3600), "email": (100, 3600), "domain": (1000, 3600)}


def fill_statement(campaign, *, n: int = 1, partner=None, batch: str = "") -> None:
    """Signatures in every status, sign-ons approved and waiting, from two countries."""
    for i in (f"{batch}{j}" for j in range(n)):
        signed_and_confirmed(campaign, email=f"c{i}@example.org", country="KE")
        signed_and_confirmed(campaign, email=f"d{i}@example.org", country="PS")
        sign(campaign, email=f"p{i}@example.org")
        withdrawn = signed_and_confirmed(campaign, email=f"w{i}@example.org")
        pledge_services.withdraw_signature(withdrawn.pk)
        approved_org(campaign, name=f"Org {i}", website=f"https://org{i}.example/")
        waiting_sign_on(campaign, name=f"Waiting {i}", website=f"https://waiting{i}.example/")
    if partner is not None:
        pledge_services.sign(
            campaign, signature_data(email=f"via.partner{batch}@example.org"), partner=partner
        )


# Who sees it ----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_staff_roles_see_the_dashboard_and_nobody_else(persona_client, persona, statement):
    fill_statement(statement)
    response = persona_client(persona).get(dashboard_url(statement))
    if persona in ALLOWED:
        assert response.status_code == 200
        assert "Signatures per day" in response.content.decode()
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(f"/{settings.ADMIN_PATH}login/")


def test_staff_without_the_second_factor_are_sent_to_it(client, comms, statement):
    client.force_login(comms)
    response = client.get(dashboard_url(statement))
    assert response.status_code == 302
    assert "/two-factor/" in response["Location"]
    assert "dashboard" in response["Location"]  # and back afterwards


def test_staff_without_the_campaign_permission_are_refused(client, django_user_model, statement):
    from tests.conftest import make_user

    staff = make_user(django_user_model, "nogroup")
    staff.is_staff = True
    staff.save()
    verified_login(client, staff)
    assert client.get(dashboard_url(statement)).status_code == 403
    assert client.get(f"{WORKSPACE}campaigns/").status_code == 403


def test_a_draft_has_a_dashboard_and_an_unknown_campaign_is_404(client, comms):
    draft = create_campaign("draft", live=False)
    verified_login(client, comms)
    assert client.get(dashboard_url(draft)).status_code == 200
    assert client.get(f"{WORKSPACE}campaigns/nope/dashboard/").status_code == 404
    listing = client.get(f"{WORKSPACE}campaigns/").content.decode()
    assert dashboard_url(draft) in listing


# What each kind of campaign shows ---------------------------------------------------------------


def panels_of(client, campaign) -> str:
    response = client.get(dashboard_url(campaign))
    assert response.status_code == 200
    return response.content.decode()


def test_a_statement_shows_signatures_organisations_countries_and_partners(
    client, comms, statement
):
    partner = Partner.objects.create(name="Allies Network", ref="allies")
    fill_statement(statement, partner=partner)
    body = panels_of(verified_login(client, comms), statement)
    for heading in ("signatures-heading", "organisations-heading", "countries-heading",
                    "referrals-heading"):  # fmt: skip
        assert f'id="{heading}"' in body, heading
    assert 'id="money-heading"' not in body
    assert 'id="commitments-heading"' not in body
    assert "Allies Network" in body
    assert "Kenya" in body and "Palestin" in body


def test_a_bds_drive_shows_organisations_and_commitments(client, moderator):
    drive = create_drive("bds")
    approved_pledge(drive, boycott(), divestment())
    waiting_commitment_pledge(drive, boycott(), name="Later Org", website="https://later.example/")
    body = panels_of(verified_login(client, moderator), drive)
    assert 'id="commitments-heading"' in body and 'id="organisations-heading"' in body
    assert 'id="signatures-heading"' not in body and 'id="money-heading"' not in body
    assert "Commitment pledges" in body
    assert "1 more in pledges waiting" in body


def test_a_fundraiser_shows_money_per_currency_and_what_is_not_converted(
    client, finance, fundraiser
):
    ExchangeRate.objects.create(
        base="USD", quote="EUR", rate=Decimal("0.9"), valid_from=date(2026, 1, 1)
    )
    offline(fundraiser, 150_000, "EUR")
    offline(fundraiser, 2_500, "USD")
    offline(fundraiser, 150_000, "KES")
    body = panels_of(verified_login(client, finance), fundraiser)
    assert 'id="money-heading"' in body and 'id="signatures-heading"' not in body
    assert "€1,522.50" in body  # 1,500.00 EUR + 25.00 USD × 0.9
    assert "of <bdi>€1,000.00</bdi>" in body
    assert "Plus <bdi>KES\u00a01,500.00</bdi> not converted" in body
    assert "1 USD = 0.9 EUR, rate of 2026-01-01" in body


def test_a_statement_with_a_fundraising_goal_shows_money_too(client, comms):
    campaign = create_campaign("both", fundraising_goal_minor=50_000, fundraising_currency="EUR")
    body = panels_of(verified_login(client, comms), campaign)
    assert 'id="money-heading"' in body and 'id="signatures-heading"' in body


# Figures from the rows ----------------------------------------------------------------------------


def test_signatures_per_day_count_every_status_from_the_rows(statement, hold_every_address):
    fill_statement(statement, n=2)
    suspect = pledge_services.sign(
        statement, signature_data(email="held@example.org"), client=Client(ip_hash="burst")
    ).signature
    assert suspect.status == "suspect"
    figures = dashboard.count_figures(statement)
    today = figures.days.index(timezone.localdate())
    per_day = {status: values[today] for status, values in figures.per_day.items()}
    assert per_day == {"confirmed": 4, "pending": 2, "suspect": 1, "withdrawn": 2}
    assert figures.signatures == {"confirmed": 4, "pending": 2, "suspect": 1, "withdrawn": 2}
    assert figures.sign_ons == {"approved": 2, "awaiting_moderation": 2}
    assert figures.people_by_country == {"KE": 2, "PS": 2}
    assert figures.organisations_by_country == {"MX": 2}


def test_the_daily_chart_covers_thirty_days_or_the_campaign_since_it_began(statement):
    start, end = dashboard.period(statement)
    assert end == timezone.localdate() and (end - start).days == 6  # launched today: a week
    statement.launched_at = timezone.now() - timedelta(days=90)
    start, end = dashboard.period(statement)
    assert (end - start).days == dashboard.DAYS - 1
    statement.closed_at = timezone.now() - timedelta(days=10)
    _start, end = dashboard.period(statement)
    assert end == timezone.localdate() - timedelta(days=10)


def test_partners_are_ranked_by_what_they_brought(statement):
    first = Partner.objects.create(name="Big Ally", ref="big")
    second = Partner.objects.create(name="Small Ally", ref="small")
    for i in range(3):
        pledge_services.sign(statement, signature_data(email=f"b{i}@example.org"), partner=first)
    pledge_services.sign(statement, signature_data(email="s@example.org"), partner=second)
    for signature in statement.signatures.filter(partner=first)[:2]:
        pledge_services.confirm_signature(signature.pk)
    referrals = dashboard.count_figures(statement).referrals
    assert [(r.partner, r.signatures, r.confirmed) for r in referrals] == [
        ("Big Ally", 3, 2),
        ("Small Ally", 1, 0),
    ]


def test_gifts_brought_by_partners_count_once_paid(client, fundraiser, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_dashboard"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    partner = Partner.objects.create(name="Donor Circle", ref="circle")
    gift = donation_services.GiftDetails(amount_minor=2500, currency="EUR", frequency="once")
    paid = donation_services.start_donation(fundraiser, gift, partner=partner)
    donation_services.start_donation(fundraiser, gift, partner=partner)  # never paid
    post_event(client, session_completed(paid))
    (referral,) = dashboard.count_figures(fundraiser).referrals
    assert (referral.partner, referral.gifts) == ("Donor Circle", 1)


def test_the_figures_are_cached_for_a_minute(statement):
    fill_statement(statement)
    first = dashboard.campaign_figures(statement)
    signed_and_confirmed(statement, email="late@example.org")
    assert dashboard.campaign_figures(statement).signatures == first.signatures
    assert dashboard.count_figures(statement).signatures["confirmed"] == 3


# Money: the donations app's rates, in one query ---------------------------------------------------


def test_the_rate_book_chooses_as_the_donations_app_does(db):
    rows = [
        ("USD", "EUR", date(2026, 1, 1), "0.90"),
        ("EUR", "USD", date(2026, 3, 1), "1.20"),  # newer, inverse
        ("USD", "EUR", date(2026, 3, 1), "0.85"),  # same day: the direct one wins
        ("GBP", "EUR", date(2026, 6, 1), "1.15"),
    ]
    for base, quote, valid_from, rate in rows:
        ExchangeRate.objects.create(
            base=base, quote=quote, rate=Decimal(rate), valid_from=valid_from
        )
    book = RateBook.load()
    for source, target in [("USD", "EUR"), ("EUR", "USD"), ("GBP", "EUR"), ("EUR", "GBP"),
                           ("JPY", "EUR"), ("EUR", "EUR")]:  # fmt: skip
        for on in [date(2025, 12, 31), date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1),
                   date(2026, 7, 1)]:  # fmt: skip
            expected = progress.rate_for(source, target, on=on)
            found = book.rate(source, target, on=on)
            assert (found.rate if found else None) == expected, (source, target, on)


def test_campaign_money_converts_with_the_rate_of_the_day_and_keeps_the_rest_apart(fundraiser):
    ExchangeRate.objects.create(
        base="USD", quote="EUR", rate=Decimal("0.5"), valid_from=date(2026, 1, 1)
    )
    ExchangeRate.objects.create(
        base="USD", quote="EUR", rate=Decimal("0.9"), valid_from=date(2026, 6, 1)
    )
    offline(fundraiser, 10_000, "USD")
    offline(fundraiser, 5_000, "JPY")
    assert campaign_money(fundraiser, on=date(2026, 3, 1)).total_minor == 5_000
    raised = campaign_money(fundraiser, on=date(2026, 7, 1))
    assert raised.total_minor == 9_000
    assert raised.unconverted_minor == {"JPY": 5_000}
    assert raised.percent == 9


# Charts: labels inside the viewBox, in every language -----------------------------------------


def assert_inside(svg: str) -> list:
    root = ET.fromstring(svg)  # noqa: S314 - our own markup
    _x, _y, width, height = (float(n) for n in root.get("viewBox").split())
    boxes = label_boxes(svg)
    assert boxes
    for text, left, right, top, bottom in boxes:
        assert left >= -0.5 and right <= width + 0.5, (text, left, right, width)
        assert top >= 0 and bottom <= height, (text, top, bottom, height)
    return boxes


DAYS = [date(2026, 11, 1) + timedelta(days=i) for i in range(30)]
SERIES = [
    Series("confirmed", "Confirmed", [i * 40 for i in range(30)], "#2e7d32"),
    Series("pending", "Pending", [i % 5 for i in range(30)], "#d08a00"),
]
BARS = [
    Bar("Coalición de Cooperativas Tecnológicas de América Latina", 12345, "12,345"),
    Bar("تحالف التعاونيات", 3, "3"),
    Bar("Euro (EUR)", 0, "€0.00 ≈ $0.00"),
]


@pytest.mark.parametrize("language", LANGUAGES)
def test_daily_chart_labels_are_inside_the_viewbox(language):
    with translation.override(language):
        boxes = assert_inside(str(daily_chart_svg(DAYS, SERIES, label="Signatures")))
    dates = [box for box in boxes if box[4] > DAILY_HEIGHT - AXIS + 10]  # under the plot
    assert len(dates) == 3
    first, last, middle = dates
    assert first[2] < middle[1] and middle[2] < last[1]  # no overlap, time left to right


@pytest.mark.parametrize("language", LANGUAGES)
def test_bar_chart_labels_are_inside_the_viewbox(language):
    with translation.override(language):
        svg = str(bars_svg(BARS, label="Partners"))
        assert_inside(svg)


def test_bar_charts_mirror_on_right_to_left_pages():
    with translation.override("ar"):
        root = ET.fromstring(str(bars_svg(BARS, label="Partners")))  # noqa: S314
    name, figure = list(root.iter(f"{SVG}text"))[:2]
    assert (name.get("x"), name.get("direction"), name.get("text-anchor")) == (
        str(BARS_WIDTH),
        "rtl",
        "start",  # its right edge at the chart's right edge
    )
    bar = next(root.iter(f"{SVG}rect"))
    assert float(bar.get("x")) + float(bar.get("width")) == pytest.approx(BARS_WIDTH)
    assert float(figure.get("x")) < float(bar.get("x"))  # the figure after the bar, leftwards


def test_the_page_charts_parse_and_keep_their_labels_inside(client, comms, statement):
    fill_statement(statement)
    verified_login(client, comms)
    for prefix in ("", "/ar"):
        body = client.get(prefix + dashboard_url(statement)).content.decode()
        charts = body.split('<svg class="dashboard-chart')[1:]
        assert len(charts) == 3  # per day, sign-ons, countries (no partner yet)
        with translation.override("ar" if prefix else "en"):
            for chart in charts:
                assert_inside(
                    '<svg class="dashboard-chart' + chart.split("</svg>", 1)[0] + "</svg>"
                )


# A fixed number of queries ----------------------------------------------------------------------


# Per kind: the session, the user, their device and permissions, the campaign with its
# translations and targets, the staff menu's counts, then one query per figure.
QUERIES = {"statement": 19, "bds": 14, "fundraiser": 11}
FIGURE_QUERIES = {"statement": 10, "bds": 6, "fundraiser": 3}


def dashboard_campaign(kind: str) -> Campaign:
    if kind == "bds":
        return create_drive("bds")
    return create_campaign(
        kind,
        kind=Campaign.Kind.FUNDRAISER if kind == "fundraiser" else Campaign.Kind.STATEMENT,
        fundraising_goal_minor=10_000,
        fundraising_currency="EUR",
    )


def grow(campaign: Campaign, kind: str, size: int) -> None:
    """More of everything the kind collects: rows, partners, countries, currencies."""
    partner = Partner.objects.create(name=f"Ally {size}", ref=f"ally{size}")
    if kind == "statement":
        fill_statement(campaign, n=size, partner=partner, batch=f"b{size}-")
    if kind == "bds":
        for i in range(size):
            approved_pledge(
                campaign, boycott(), name=f"Org {size}-{i}", website=f"https://o{size}{i}.example/"
            )
    if kind in ("statement", "fundraiser"):
        for i, code in enumerate(["EUR", "USD", "KES"][:size]):
            offline(campaign, 1_000 + i, code)


@pytest.mark.parametrize("kind", list(QUERIES))
def test_the_dashboard_takes_a_fixed_number_of_queries(
    client, comms, django_assert_max_num_queries, kind
):
    campaign = dashboard_campaign(kind)
    verified_login(client, comms)
    for size in (1, 3):  # three times the rows, partners and currencies: no more queries
        grow(campaign, kind, size)
        cache.clear()
        with django_assert_max_num_queries(QUERIES[kind]):
            assert client.get(dashboard_url(campaign)).status_code == 200
    # Within the minute the figures come from the cache: none of their queries runs.
    with django_assert_max_num_queries(QUERIES[kind] - FIGURE_QUERIES[kind]):
        assert client.get(dashboard_url(campaign)).status_code == 200


# The staff home's links ---------------------------------------------------------------------------


def test_the_staff_home_links_live_campaigns_and_finance_pages(client, comms, finance, statement):
    create_campaign("draft-only", live=False)
    verified_login(client, comms)
    home = client.get(WORKSPACE).content.decode()
    assert dashboard_url(statement) in home
    assert "/campaigns/draft-only/dashboard/" not in home  # not live: on the full list only
    assert "/staff/donations/reports/" not in home
    client.logout()
    verified_login(client, finance)
    home = client.get(WORKSPACE).content.decode()
    assert "/staff/donations/reports/" in home
    assert f"/{settings.ADMIN_PATH}donations/offlinegift/add/" in home
    assert dashboard_url(statement) in home
