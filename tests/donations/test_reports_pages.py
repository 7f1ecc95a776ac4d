"""The Finance reports page and chart: human headings, one table per currency, charts with
a scale per currency and their labels inside the viewBox; the downloads keep their names,
their columns and their formula guard."""

import csv
import io
import xml.etree.ElementTree as ET
from datetime import date

import openpyxl
import pytest
from django.conf import settings
from django.utils import translation

from donations import reports, services
from donations.models import Donation
from tests.conftest import verified_login
from tests.pledges.test_chart import SVG, label_boxes

pytestmark = pytest.mark.django_db

REPORTS = "/staff/donations/reports/"
LANGUAGES = [code for code, _name in settings.LANGUAGES]


@pytest.fixture(autouse=True)
def _currencies(settings):
    settings.DONATION_CURRENCIES = ["KES", "JPY"]


def gift(amount_minor: int, currency: str, on: date, *, campaign=None, **extra) -> Donation:
    return services.record_offline_gift(
        method=extra.pop("method", Donation.Method.BANK_TRANSFER),
        amount_minor=amount_minor,
        currency=currency,
        received_on=on,
        campaign=campaign,
        by=None,
        **extra,
    )


@pytest.fixture
def books(fundraiser):
    gift(150_000, "EUR", date(2026, 1, 5), campaign=fundraiser)
    gift(2_500, "USD", date(2026, 1, 9), campaign=fundraiser)
    gift(50_000, "EUR", date(2026, 3, 2))  # the general fund; February had no gift
    gift(5_000, "JPY", date(2026, 3, 2), method=Donation.Method.CASH)  # ¥5,000
    gift(150_000, "KES", date(2026, 3, 4), method=Donation.Method.MOBILE_MONEY)
    return fundraiser


@pytest.fixture
def finance_client(client, finance):
    return verified_login(client, finance)


def section(body: str, name: str) -> str:
    return body.split(f'id="report-{name}"', 1)[1].split("</section>", 1)[0]


def test_each_report_has_a_human_heading_and_its_downloads(finance_client, books):
    body = finance_client.get(REPORTS).content.decode()
    for name in reports.REPORT_NAMES:
        part = section(body, name)
        heading = part.split("</h2>", 1)[0]
        assert str(reports.REPORT_TITLES[name]) in heading
        assert name not in heading.split(">", 1)[1]  # "by_month" is a file name, not a title
        assert f'href="{REPORTS}{name}.csv"' in part and f'href="{REPORTS}{name}.xlsx"' in part
    assert "Net raised per month</h2>" in body


def test_summaries_are_one_table_per_currency_with_its_own_total(finance_client, books):
    month = section(finance_client.get(REPORTS).content.decode(), "by_month")
    tables = [part.split("</table>", 1)[0] for part in month.split("<table")[1:]]
    assert len(tables) == 4  # EUR, JPY, KES, USD: never added together
    euro = tables[0]
    assert "January 2026" in euro and "March 2026" in euro
    assert "€1,500.00" in euro and "€500.00" in euro and "€2,000.00" in euro  # the total
    assert "$" not in euro and "¥" not in euro
    assert month.index("Euro (EUR)") < month.index("Japanese Yen (JPY)")
    assert "¥5,000" in tables[1]
    campaign = section(finance_client.get(REPORTS).content.decode(), "by_campaign")
    assert "General fund" in campaign and books.title in campaign


def test_each_currency_has_its_chart_on_its_own_scale(finance_client, books):
    month = section(finance_client.get(REPORTS).content.decode(), "by_month")
    charts = month.split("<svg")[1:]
    assert len(charts) == 4
    euro = ET.fromstring("<svg" + charts[0].split("</svg>", 1)[0] + "</svg>")  # noqa: S314
    bars = [r for r in euro.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    titles = [r.find(f"{SVG}title").text for r in bars]
    # Every month from the first to the last, a month without gifts at zero.
    assert titles == ["2026-01: €1,500.00", "2026-02: €0.00", "2026-03: €500.00"]
    scale = [t.text for t in euro.iter(f"{SVG}text") if t.get("text-anchor") == "end"]
    assert scale[0] == "0" and scale[-1] == "1,500"  # in euros, round steps up to the peak


@pytest.mark.parametrize("language", LANGUAGES)
def test_chart_labels_stay_inside_the_viewbox(books, language):
    with translation.override(language):
        svg = reports.monthly_chart_svg()
        root = ET.fromstring(svg)  # noqa: S314 - our own markup
        _x, _y, width, height = (float(n) for n in root.get("viewBox").split())
        boxes = label_boxes(svg)
    assert len(boxes) > 8
    for text, left, right, top, bottom in boxes:
        assert left >= 0 and right <= width, (text, left, right)
        assert top >= 0 and bottom <= height, (text, top, bottom)


def test_the_chart_file_draws_one_currency_on_request(finance_client, books):
    one = finance_client.get(f"{REPORTS}chart.svg?currency=jpy")
    assert one["Content-Type"] == "image/svg+xml"
    assert "¥5,000" in one.content.decode() and "€" not in one.content.decode()
    every = finance_client.get(f"{REPORTS}chart.svg").content.decode()
    assert every.count("font-weight") == 4  # a panel per currency, each named
    assert finance_client.get(f"{REPORTS}chart.svg?currency=euro").status_code == 400


def test_an_arabic_page_writes_months_and_money_in_arabic(finance_client, books):
    body = finance_client.get("/ar" + REPORTS).content.decode()
    assert 'dir="rtl"' in body
    assert "يناير 2026" in body  # January, as Arabic names it
    assert "\u200f1,500.00\u00a0€" in body


def test_the_downloads_keep_their_names_and_columns(finance_client, books):
    ledger = finance_client.get(f"{REPORTS}ledger.csv")
    assert ledger["Content-Disposition"] == 'attachment; filename="donations-ledger.csv"'
    header = next(csv.reader(io.StringIO(ledger.content.decode())))
    assert header == [*reports.LEDGER_COLUMNS, "amount", "refunded", "net"]
    by_month = finance_client.get(f"{REPORTS}by_month.csv").content.decode()
    assert by_month.splitlines()[0] == (
        "month,currency,gifts,amount_minor,refunded_minor,net_minor,amount,refunded,net"
    )
    assert "2026-03,JPY,1,5000,0,5000,5000,0,5000" in by_month
    workbook = openpyxl.load_workbook(
        io.BytesIO(finance_client.get(f"{REPORTS}by_month.xlsx").content)
    )
    assert next(workbook.active.iter_rows(values_only=True))[:3] == ("month", "currency", "gifts")


def test_the_downloads_still_neutralise_formulas(finance_client, fundraiser):
    gift(1_000, "EUR", date(2026, 1, 5), campaign=fundraiser, reference="=HYPERLINK(1)")
    gift(1_000, "EUR", date(2026, 1, 6), campaign=fundraiser, reference="@SUM(A1)")
    rows = list(
        csv.DictReader(io.StringIO(finance_client.get(f"{REPORTS}ledger.csv").content.decode()))
    )
    assert [row["reference"] for row in rows] == ["'=HYPERLINK(1)", "'@SUM(A1)"]
    sheet = openpyxl.load_workbook(
        io.BytesIO(finance_client.get(f"{REPORTS}ledger.xlsx").content)
    ).active
    values = list(sheet.iter_rows(values_only=True))
    column = values[0].index("reference")
    assert [row[column] for row in values[1:]] == ["'=HYPERLINK(1)", "'@SUM(A1)"]
    # A campaign named like a formula is neutralised on its way out too.
    fundraiser.title = "+cmd"
    fundraiser.save()
    text = finance_client.get(f"{REPORTS}by_campaign.csv").content.decode()
    assert "'+cmd" in text


def test_an_empty_ledger_says_so(finance_client):
    body = finance_client.get(REPORTS).content.decode()
    assert "No gifts yet." in body
    assert "No donations yet" in finance_client.get(f"{REPORTS}chart.svg").content.decode()


def test_the_page_is_in_the_staff_area_frame(finance_client, books):
    body = finance_client.get(REPORTS).content.decode()
    assert body.count("<h1") == 1
    assert 'href="/staff/admin/"' in body  # the breadcrumbs go back to the staff area
