"""Donors' addresses are kept while a receipt is owed (and while a monthly gift runs), then
EMAIL_RETENTION_DAYS more; the keyed hash stays, so the books still count one donor per mailbox."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone

from donations import services
from donations.models import Donation
from donations.queries import donor_count
from lib.mailboxes import email_hash
from lib.personal_data import forget_spent_addresses
from tests.conftest import run_tasks
from tests.donations.conftest import pending_donation
from tests.donations.stripe_events import (
    invoice_paid,
    post_event,
    session_completed,
    session_expired,
    session_failed,
    subscription_deleted,
    subscription_session_completed,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stripe_keys")]

DAY = timedelta(days=1)
Status = Donation.Status


@pytest.fixture
def start():
    return timezone.now()


def stored_email(gift: Donation) -> str:
    return (
        Donation.objects.filter(pk=gift.pk)
        .annotate(raw=Cast("email", TextField()))
        .values_list("raw", flat=True)
        .get()
    )


def email_of(gift: Donation) -> str:
    return Donation.objects.get(pk=gift.pk).email


def forget_at(when) -> dict[str, int]:
    with time_machine.travel(when, tick=False):
        return forget_spent_addresses()


def test_a_receipted_gift_forgets_the_address_seven_days_after_the_receipt(
    client, fundraiser, start
):
    with time_machine.travel(start, tick=False):
        gift = pending_donation(fundraiser, donor_name="Dana Donor", public_listing=True)
        post_event(client, session_completed(gift))
        run_tasks()
    assert mail.outbox[-1].to == ["donor@example.net"]
    assert donor_count() == 1

    forget_at(start + 7 * DAY - timedelta(minutes=1))
    assert email_of(gift) == "donor@example.net"
    assert forget_at(start + 7 * DAY + timedelta(minutes=1))["donations"] == 1
    assert stored_email(gift) == ""
    kept = Donation.objects.get(pk=gift.pk)
    assert kept.email_hash == email_hash("donor@example.net")
    assert (kept.donor_name, kept.status) == ("Dana Donor", Status.SUCCEEDED)
    assert donor_count() == 1


def test_the_same_donor_is_still_counted_once_after_one_address_is_forgotten(
    client, fundraiser, start
):
    with time_machine.travel(start, tick=False):
        first = pending_donation(fundraiser)
        post_event(client, session_completed(first))
        run_tasks()
    forget_at(start + 8 * DAY)
    assert email_of(first) == ""
    with time_machine.travel(start + 9 * DAY, tick=False):
        again = pending_donation(fundraiser, email="Donor@Example.net")
        post_event(client, session_completed(again))
    assert email_of(again) == "donor@example.net"
    assert donor_count() == 1


def test_an_address_is_kept_while_its_receipt_is_still_owed(client, fundraiser, start):
    with time_machine.travel(start, tick=False):
        gift = pending_donation(fundraiser)
        post_event(client, session_completed(gift))  # the receipt task has not run yet
    forget_at(start + 30 * DAY)
    assert email_of(gift) == "donor@example.net"
    with time_machine.travel(start + 30 * DAY, tick=False):
        run_tasks()
    assert [m.to for m in mail.outbox] == [["donor@example.net"]]


def test_an_offline_gift_forgets_the_address_after_its_receipt(fundraiser, finance, start):
    with time_machine.travel(start, tick=False):
        gift = services.record_offline_gift(
            method=Donation.Method.BANK_TRANSFER,
            amount_minor=50_00,
            currency="EUR",
            received_on=timezone.localdate(),
            campaign=fundraiser,
            donor_name="Kwame Asante",
            email="kwame@example.org",
            by=finance,
        )
        run_tasks()
    assert mail.outbox[-1].to == ["kwame@example.org"]
    forget_at(start + 6 * DAY)
    assert email_of(gift) == "kwame@example.org"
    forget_at(start + 8 * DAY)
    assert email_of(gift) == ""


@pytest.mark.parametrize("outcome", ["failed", "expired"])
def test_a_gift_that_never_went_through_forgets_the_address(client, fundraiser, start, outcome):
    with time_machine.travel(start, tick=False):
        gift = pending_donation(fundraiser, email="typed@example.net")
        event = session_failed(gift) if outcome == "failed" else session_expired(gift)
        post_event(client, event)
    assert Donation.objects.get(pk=gift.pk).status == outcome
    forget_at(start + 6 * DAY)
    assert email_of(gift) == "typed@example.net"
    forget_at(start + 8 * DAY)
    assert stored_email(gift) == ""
    assert not mail.outbox


def test_a_gift_still_waiting_for_payment_keeps_the_address(fundraiser, start):
    with time_machine.travel(start, tick=False):
        gift = pending_donation(fundraiser, email="typed@example.net")
    forget_at(start + 30 * DAY)
    assert email_of(gift) == "typed@example.net"


def test_a_running_monthly_gift_keeps_the_address_for_each_month_s_receipt(
    client, fundraiser, start
):
    with time_machine.travel(start, tick=False):
        gift = pending_donation(fundraiser, amount_minor=1000, frequency=Donation.Frequency.MONTHLY)
        post_event(client, subscription_session_completed(gift))
        post_event(client, invoice_paid(gift, number=1))
        run_tasks()
    assert mail.outbox[-1].to == ["monthly@example.net"]

    forget_at(start + 40 * DAY)
    assert email_of(gift) == "monthly@example.net"

    # Next month's charge: a receipt to the same donor.
    with time_machine.travel(start + 40 * DAY, tick=False):
        post_event(client, invoice_paid(gift, number=2))
        run_tasks()
    second = Donation.objects.get(parent=gift)
    assert second.status == Status.SUCCEEDED
    assert mail.outbox[-1].to == ["monthly@example.net"]
    assert len(mail.outbox) == 2

    # The donor stops: nothing more is owed once the last receipt is a week old.
    with time_machine.travel(start + 41 * DAY, tick=False):
        post_event(client, subscription_deleted(gift))
    forget_at(start + 42 * DAY)
    assert email_of(gift) == ""
    assert email_of(second) == "monthly@example.net"
    forget_at(start + 48 * DAY)
    assert email_of(second) == ""
    assert donor_count() == 1


def test_a_payment_arriving_after_a_forgotten_failure_still_sends_its_receipt(
    client, fundraiser, start
):
    with time_machine.travel(start, tick=False):
        gift = pending_donation(fundraiser)
        post_event(client, session_failed(gift))
    assert Donation.objects.get(pk=gift.pk).status == Status.FAILED
    forget_at(start + 8 * DAY)
    assert email_of(gift) == ""

    with time_machine.travel(start + 9 * DAY, tick=False):
        late = session_completed(gift, type="checkout.session.async_payment_succeeded")
        assert post_event(client, late).status_code == 200
        run_tasks()
    assert Donation.objects.get(pk=gift.pk).status == Status.SUCCEEDED
    assert [m.to for m in mail.outbox] == [["donor@example.net"]]
