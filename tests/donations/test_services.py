import io
from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from donations import services
from donations.models import Donation, ExchangeRate
from donations.progress import raised_for_campaign, rate_for
from tests.conftest import run_tasks
from tests.donations.conftest import pending_donation

pytestmark = pytest.mark.django_db


def offline(campaign, amount_minor, currency, *, by=None, **extra):
    return services.record_offline_gift(
        method=extra.pop("method", Donation.Method.BANK_TRANSFER),
        amount_minor=amount_minor,
        currency=currency,
        received_on=extra.pop("received_on", date(2026, 11, 2)),
        campaign=campaign,
        by=by,
        **extra,
    )


def test_start_donation_rejects_bad_amounts_and_currencies(fundraiser):
    for amount, currency in [(0, "EUR"), (-1, "EUR"), (10**12, "EUR"), (1000, "XXX")]:
        with pytest.raises(ValidationError):
            pending_donation(fundraiser, amount_minor=amount, currency=currency)
    assert not Donation.objects.exists()


def test_offline_gift_counts_at_once_and_sends_a_receipt_if_an_email_is_known(fundraiser, finance):
    gift = offline(
        fundraiser, 12_000, "EUR", by=finance, email="Giver@Example.net", reference="TRX-1"
    )
    assert gift.status == Donation.Status.SUCCEEDED
    assert gift.recorded_by == finance
    assert gift.email == "giver@example.net"
    assert raised_for_campaign(fundraiser)["total_minor"] == 12_000
    run_tasks()
    run_tasks()
    assert len(mail.outbox) == 1
    assert "Bank transfer" in mail.outbox[0].body


def test_offline_gift_must_not_claim_to_be_a_card_payment(fundraiser):
    with pytest.raises(ValidationError):
        offline(fundraiser, 1000, "EUR", method=Donation.Method.CARD)


def test_a_failed_transaction_leaves_no_receipt_task_behind(fundraiser):
    with pytest.raises(RuntimeError), transaction.atomic():
        offline(fundraiser, 1000, "EUR", email="a@example.net")
        raise RuntimeError("rolled back")
    assert not Donation.objects.exists()
    assert not DBTaskResult.objects.filter(task_path__startswith="donations.").exists()


def test_progress_totals_per_currency_and_in_the_goal_currency(fundraiser):
    offline(fundraiser, 10_000, "EUR")
    offline(fundraiser, 10_000, "USD")
    offline(fundraiser, 10_000, "GBP")
    ExchangeRate.objects.create(
        base="USD", quote="EUR", rate=Decimal("0.5"), valid_from=date(2020, 1, 1)
    )
    ExchangeRate.objects.create(
        base="USD", quote="EUR", rate=Decimal("0.9"), valid_from=date(2026, 1, 1)
    )
    # Inverse rates work too: 1 EUR = 0.8 GBP → 1 GBP = 1.25 EUR.
    ExchangeRate.objects.create(
        base="EUR", quote="GBP", rate=Decimal("0.8"), valid_from=date(2026, 1, 1)
    )
    raised = raised_for_campaign(fundraiser)
    assert raised["by_currency"] == {"EUR": 10_000, "GBP": 10_000, "USD": 10_000}
    assert raised["currency"] == "EUR"
    assert raised["total_minor"] == 10_000 + 9_000 + 12_500
    assert raised["goal_minor"] == 100_000
    assert raised["percent"] == 31
    assert raised["unconverted"] == []


def test_currency_without_a_rate_is_listed_not_guessed(fundraiser):
    offline(fundraiser, 10_000, "USD")
    raised = raised_for_campaign(fundraiser)
    assert raised["total_minor"] == 0
    assert raised["unconverted"] == ["USD"]


def test_rate_table_uses_the_latest_rate_on_or_before_the_day():
    ExchangeRate.objects.create(
        base="USD", quote="EUR", rate=Decimal("0.9"), valid_from=date(2026, 1, 1)
    )
    ExchangeRate.objects.create(
        base="USD", quote="EUR", rate=Decimal("0.8"), valid_from=date(2026, 6, 1)
    )
    assert rate_for("USD", "EUR", on=date(2026, 3, 1)) == Decimal("0.9")
    assert rate_for("USD", "EUR", on=date(2026, 7, 1)) == Decimal("0.8")
    assert rate_for("USD", "EUR", on=date(2025, 7, 1)) is None


def test_transition_table_refuses_going_back():
    donation = Donation(status=Donation.Status.REFUNDED)
    with pytest.raises(services.InvalidTransition):
        services.transition(donation, Donation.Status.SUCCEEDED)


def test_demo_gifts_load_once(fundraiser):
    call_command("load_demo", "--password", "demo-pass-123", stdout=io.StringIO())
    call_command("load_demo", "--password", "demo-pass-123", stdout=io.StringIO())
    assert Donation.objects.filter(offline_reference__startswith="DEMO-").count() == 3
