"""Property: any interleaving of duplicated and reordered webhook events ends in one ledger.

Late payments included: a session whose payment fails or expires *and* is paid (Stripe
does not promise order) ends succeeded, its money counted once, one receipt sent.
"""

import pytest
from django.core import mail
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from donations.models import Donation
from donations.progress import raised_for_campaign
from tests.conftest import run_tasks
from tests.donations.conftest import pending_donation
from tests.donations.stripe_events import (
    build_event,
    charge_refunded,
    invoice_paid,
    post_event,
    session_completed,
    session_expired,
    session_failed,
    subscription_deleted,
    subscription_session_completed,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stripe_keys")]

Status = Donation.Status


def scenario(campaign) -> tuple[dict[str, Donation], list[str]]:
    one_off = pending_donation(campaign, amount_minor=5000)
    async_gift = pending_donation(campaign, amount_minor=3000, currency="USD")
    monthly = pending_donation(campaign, amount_minor=1000, frequency=Donation.Frequency.MONTHLY)
    # Paid by bank debit after the session expired and the first attempt failed.
    late = pending_donation(campaign, amount_minor=700, currency="GBP")
    # Expired, then its delayed payment failed: never any money.
    lost = pending_donation(campaign, amount_minor=900)
    events = [
        session_completed(one_off),
        # Partial refund without metadata (waits for its payment), full refund with it.
        charge_refunded(payment_intent=f"pi_{one_off.pk}", amount=5000, refunded=2000),
        charge_refunded(
            payment_intent=f"pi_{one_off.pk}",
            amount=5000,
            refunded=5000,
            metadata={"donation_id": str(one_off.pk)},
        ),
        session_completed(async_gift, payment_status="unpaid"),
        session_completed(async_gift, type="checkout.session.async_payment_succeeded"),
        subscription_session_completed(monthly),
        invoice_paid(monthly, number=1),
        invoice_paid(monthly, number=2),
        invoice_paid(monthly, number=3),
        charge_refunded(payment_intent=f"pi_{monthly.pk}_in2", amount=1000, refunded=1000),
        subscription_deleted(monthly),
        build_event("payment_intent.created", event_id=f"evt_noise_{one_off.pk}"),
        session_expired(late),
        session_failed(late),
        session_completed(late, payment_status="unpaid"),
        session_completed(late, type="checkout.session.async_payment_succeeded"),
        session_expired(lost),
        session_failed(lost),
    ]
    gifts = {"one_off": one_off, "async": async_gift, "monthly": monthly, "late": late}
    return {**gifts, "lost": lost}, events


def ledger(gifts: dict[str, Donation]) -> dict:
    def state(d: Donation) -> tuple:
        return (d.status, d.amount_minor, d.refunded_minor, d.currency)

    monthly = gifts["monthly"]
    fresh = {name: Donation.objects.get(pk=d.pk) for name, d in gifts.items()}
    return {
        **{name: state(d) for name, d in fresh.items()},
        "monthly_ended": fresh["monthly"].subscription_ended_at is not None,
        "monthly_charges": sorted(
            (d.stripe_invoice_id.rsplit("_", 1)[-1], *state(d))
            for d in Donation.objects.filter(stripe_subscription_id=f"sub_{monthly.pk}")
        ),
        "count": Donation.objects.count(),
    }


def expected() -> dict:
    return {
        "one_off": (Status.REFUNDED, 5000, 5000, "EUR"),
        "async": (Status.SUCCEEDED, 3000, 0, "USD"),
        "late": (Status.SUCCEEDED, 700, 0, "GBP"),
        "monthly": (Status.SUCCEEDED, 1000, 0, "EUR"),
        "monthly_ended": True,
        "monthly_charges": [
            ("1", Status.SUCCEEDED, 1000, 0, "EUR"),
            ("2", Status.REFUNDED, 1000, 1000, "EUR"),
            ("3", Status.SUCCEEDED, 1000, 0, "EUR"),
        ],
        "count": 7,
    }


class Rollback(Exception):
    pass


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_order_with_redeliveries_ends_in_the_same_ledger(client, fundraiser, data):
    try:
        with transaction.atomic():
            gifts, events = scenario(fundraiser)
            extra = data.draw(st.lists(st.sampled_from(events), max_size=8), label="redeliveries")
            delivery = data.draw(st.permutations(events + extra), label="delivery order")
            for payload in delivery:
                response = post_event(client, payload)
                assert response.status_code == 200, response.content
            state = ledger(gifts)
            # Whichever of "expired" and "failed" came first stuck; no money either way.
            assert state.pop("lost")[0] in (Status.EXPIRED, Status.FAILED)
            assert state == expected()
            raised = raised_for_campaign(fundraiser)
            assert raised["by_currency"] == {"EUR": 2000, "GBP": 700, "USD": 3000}
            mail.outbox = []
            run_tasks()
            # One receipt per payment that succeeded, however often events repeat.
            assert len(mail.outbox) == 6
            raise Rollback
    except Rollback:
        pass
