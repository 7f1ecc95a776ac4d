"""Finance reports and the offline-gift walkthrough in the staff area; donor data is Finance's."""

import csv
import io
from datetime import date

import openpyxl
import pytest
from django.contrib.auth.models import Permission

from donations import services
from donations.models import Donation
from tests.conftest import run_tasks, verified_login
from tests.donations.conftest import pending_donation, submission_key
from tests.donations.stripe_events import (
    charge_refunded,
    invoice_paid,
    post_event,
    session_completed,
    subscription_session_completed,
)

pytestmark = pytest.mark.django_db

ADMIN = "/staff/admin/"
REPORTS = "/staff/donations/reports/"

# persona -> expected status for the reports page (302: sent to log in).
MATRIX = {"anonymous": 302, "outsider": 403, "comms": 403, "moderator": 403, "finance": 200}


def seed(campaign):
    services.record_offline_gift(
        method=Donation.Method.MOBILE_MONEY,
        amount_minor=5000,
        currency="EUR",
        received_on=date(2026, 10, 5),
        reference="=cmd|' /C calc'!A0",
        donor_name="@Secret Donor",
        email="secret.donor@example.net",
        campaign=campaign,
        by=None,
    )


@pytest.mark.parametrize("persona", MATRIX)
@pytest.mark.parametrize(
    "path", [REPORTS, f"{REPORTS}ledger.csv", f"{REPORTS}ledger.xlsx", f"{REPORTS}chart.svg"]
)
def test_only_finance_sees_reports(persona, path, persona_client, fundraiser):
    seed(fundraiser)
    response = persona_client(persona).get(path)
    assert response.status_code == MATRIX[persona]
    if response.status_code != 200:
        assert b"secret.donor" not in response.content
        assert b"Secret Donor" not in response.content


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 302), ("outsider", 302), ("comms", 403), ("moderator", 403), ("finance", 200)],
)
def test_only_finance_sees_donations_in_the_staff_area(persona, status, persona_client, fundraiser):
    seed(fundraiser)
    client = persona_client(persona)
    for path in ("donations/donation/", "donations/offlinegift/", "donations/offlinegift/add/"):
        response = client.get(f"{ADMIN}{path}")
        assert response.status_code == status, path
        if status != 200:
            assert b"secret.donor" not in response.content


def test_unknown_report_is_404(client, finance):
    verified_login(client, finance)
    assert client.get(f"{REPORTS}nope.csv").status_code == 404
    assert client.get(f"{REPORTS}ledger.pdf").status_code == 404


def test_finance_records_an_offline_gift_and_downloads_the_reports(client, finance, fundraiser):
    verified_login(client, finance)
    form = client.get(f"{ADMIN}donations/offlinegift/add/")
    assert form.status_code == 200
    response = client.post(
        f"{ADMIN}donations/offlinegift/add/",
        {
            "submission_key": submission_key(form),
            "method": "bank_transfer",
            "amount": "1,250.50",
            "currency": "EUR",
            "received_on": "2026-11-03",
            "offline_reference": "+SEPA-2026-11-03",
            "campaign": fundraiser.pk,
            "donor_name": "Bank Giver",
            "email": "bank.giver@example.net",
            "public_listing": "on",
            "language": "fr",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    gift = Donation.objects.get()
    assert (gift.method, gift.amount_minor, gift.status) == ("bank_transfer", 125050, "succeeded")
    assert gift.recorded_by == finance
    run_tasks()  # the receipt goes out in French

    # Bad input is a form error, not a 500.
    bad = client.post(
        f"{ADMIN}donations/offlinegift/add/",
        {"method": "cash", "amount": "-3", "currency": "EUR", "received_on": "2026-11-03"},
    )
    assert bad.status_code == 200
    assert "errorlist" in bad.content.decode()
    bad = client.post(
        f"{ADMIN}donations/offlinegift/add/",
        {"method": "card", "amount": "3", "currency": "EUR", "received_on": "2026-11-03"},
    )
    assert bad.status_code == 200
    assert Donation.objects.count() == 1

    page = client.get(REPORTS)
    assert page.status_code == 200
    assert f"{REPORTS}by_method.csv" in page.content.decode()

    ledger = list(csv.DictReader(io.StringIO(client.get(f"{REPORTS}ledger.csv").content.decode())))
    assert ledger[0]["method"] == "bank_transfer"
    assert ledger[0]["amount"] == "1250.50"
    assert ledger[0]["reference"] == "'+SEPA-2026-11-03"
    by_method = client.get(f"{REPORTS}by_method.csv").content.decode()
    assert "bank_transfer,EUR,1,125050" in by_method

    xlsx = client.get(f"{REPORTS}ledger.xlsx")
    assert xlsx["Content-Disposition"] == 'attachment; filename="donations-ledger.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert rows[1][header.index("reference")] == "'+SEPA-2026-11-03"

    chart = client.get(f"{REPORTS}chart.svg")
    assert chart["Content-Type"] == "image/svg+xml"
    assert b"<rect" in chart.content and b"2026-11" in chart.content


def with_personal_data(user):
    user.user_permissions.add(Permission.objects.get(codename="export_personal_data"))
    return user


def test_formula_cells_are_neutralised(client, finance, fundraiser):
    seed(fundraiser)
    verified_login(client, with_personal_data(finance))
    text = client.get(f"{REPORTS}ledger.csv").content.decode()
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["reference"] == "'=cmd|' /C calc'!A0"
    assert row["donor_name"] == "'@Secret Donor"


def test_reports_cover_recurring_refunds_and_active_monthly_donors(
    client, finance, fundraiser, stripe_keys
):
    one_off = pending_donation(fundraiser, amount_minor=4000)
    post_event(client, session_completed(one_off))
    post_event(
        client, charge_refunded(payment_intent=f"pi_{one_off.pk}", amount=4000, refunded=1500)
    )
    gift = pending_donation(fundraiser, amount_minor=1000, frequency=Donation.Frequency.MONTHLY)
    post_event(client, subscription_session_completed(gift))
    post_event(client, invoice_paid(gift, number=1))
    post_event(client, invoice_paid(gift, number=2))
    verified_login(client, with_personal_data(finance))

    def rows(name):
        return list(
            csv.DictReader(io.StringIO(client.get(f"{REPORTS}{name}.csv").content.decode()))
        )

    frequency = {r["frequency"]: r for r in rows("by_frequency")}
    assert frequency["monthly"]["gifts"] == "2"
    assert frequency["once"]["net_minor"] == "2500"
    (refund,) = rows("refunds")
    assert refund["refunded"] == "15.00"
    (recurring,) = rows("monthly_recurring")
    assert (recurring["donors"], recurring["monthly_total"]) == ("1", "10.00")
    (donor,) = rows("monthly_donors")
    assert donor["email"] == "monthly@example.net"
    assert rows("by_currency")[0]["net_minor"] == "4500"
    assert {r["campaign"] for r in rows("by_campaign")} == {fundraiser.title}


def test_without_the_personal_data_permission_donors_are_masked(
    client, finance, fundraiser, stripe_keys
):
    gift = pending_donation(fundraiser, amount_minor=1000, frequency=Donation.Frequency.MONTHLY)
    post_event(client, subscription_session_completed(gift))
    post_event(client, invoice_paid(gift, number=1))
    verified_login(client, finance)
    text = client.get(f"{REPORTS}monthly_donors.csv").content.decode()
    (donor,) = list(csv.DictReader(io.StringIO(text)))
    assert donor["email"] == "m…@example.net"
    assert "monthly@example.net" not in client.get(REPORTS).content.decode()
    assert "monthly@example.net" not in client.get(f"{REPORTS}ledger.csv").content.decode()
