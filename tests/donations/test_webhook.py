"""POST /stripe/webhook/ with real event payloads signed with the endpoint secret."""

import itertools
import json
import logging

import pytest
import responses
import stripe
from django.core import mail

from campaigns.progress import campaign_progress
from donations import services
from donations.models import Donation, StripeEvent
from donations.progress import raised_for_campaign
from tests.conftest import run_tasks
from tests.donations.conftest import pending_donation
from tests.donations.stripe_events import (
    WEBHOOK_SECRET,
    build_event,
    charge_refunded,
    invoice_paid,
    post_event,
    session_completed,
    session_expired,
    session_failed,
    sign,
    subscription_deleted,
    subscription_session_completed,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stripe_keys")]

Status = Donation.Status


def test_fixture_signature_is_accepted_by_the_stripe_library(fundraiser):
    donation = pending_donation(fundraiser)
    payload = session_completed(donation)
    event = stripe.Webhook.construct_event(payload, sign(payload), WEBHOOK_SECRET)
    assert event.type == "checkout.session.completed"
    assert event.data.object.metadata["donation_id"] == str(donation.pk)


def test_completed_checkout_marks_succeeded_counts_and_sends_one_receipt(
    client, fundraiser, django_capture_on_commit_callbacks
):
    donation = pending_donation(fundraiser, amount_minor=2500)
    assert campaign_progress(fundraiser).raised["total_minor"] == 0

    with django_capture_on_commit_callbacks(execute=True):
        response = post_event(client, session_completed(donation))

    assert response.status_code == 200
    donation.refresh_from_db()
    assert donation.status == Status.SUCCEEDED
    assert donation.stripe_payment_intent_id == f"pi_{donation.pk}"
    assert donation.email == "donor@example.net"
    # Progress was invalidated on commit: the cached figure moved at once.
    raised = campaign_progress(fundraiser).raised
    assert raised["by_currency"] == {"EUR": 2500}
    assert raised["total_minor"] == 2500
    assert raised["percent"] == 2
    run_tasks()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["donor@example.net"]
    assert "€25.00" in mail.outbox[0].subject


def test_redelivered_event_is_acknowledged_and_changes_nothing(client, fundraiser):
    donation = pending_donation(fundraiser)
    payload = session_completed(donation)
    assert post_event(client, payload).status_code == 200
    run_tasks()
    again = post_event(client, payload)
    assert again.status_code == 200
    assert again.json()["outcome"] == "duplicate"
    run_tasks()
    assert StripeEvent.objects.count() == 1
    assert len(mail.outbox) == 1
    assert raised_for_campaign(fundraiser)["total_minor"] == donation.amount_minor


def test_same_payment_in_a_different_event_is_not_counted_twice(client, fundraiser):
    donation = pending_donation(fundraiser)
    post_event(client, session_completed(donation, event_id="evt_a"))
    post_event(client, session_completed(donation, event_id="evt_b"))
    run_tasks()
    assert Donation.objects.get().status == Status.SUCCEEDED
    assert len(mail.outbox) == 1
    assert raised_for_campaign(fundraiser)["total_minor"] == donation.amount_minor


@pytest.mark.parametrize(
    "signature",
    [
        None,
        "",
        "t=1,v1=deadbeef",
        "garbage",
        "sign-with-other-secret",
    ],
)
def test_bad_or_missing_signature_is_400_and_stores_nothing(client, fundraiser, signature):
    donation = pending_donation(fundraiser)
    payload = session_completed(donation)
    if signature == "sign-with-other-secret":
        signature = sign(payload, "whsec_someone_else")
    headers = {} if signature is None else {"Stripe-Signature": signature}
    response = client.post(
        "/stripe/webhook/", data=payload, content_type="application/json", headers=headers
    )
    assert response.status_code == 400
    assert not StripeEvent.objects.exists()
    donation.refresh_from_db()
    assert donation.status == Status.PENDING


def test_tampered_body_is_400(client, fundraiser):
    donation = pending_donation(fundraiser, amount_minor=2500)
    payload = session_completed(donation)
    signature = sign(payload)
    tampered = payload.replace('"amount_total": 2500', '"amount_total": 9999999')
    assert tampered != payload
    assert post_event(client, tampered, signature=signature).status_code == 400
    assert not StripeEvent.objects.exists()


def test_without_webhook_secret_every_event_is_refused(client, fundraiser, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    donation = pending_donation(fundraiser)
    assert post_event(client, session_completed(donation)).status_code == 400


def test_signed_non_event_json_is_400_not_500(client, db):
    for body in ["[]", '{"id": 5}', "not json", '{"id": "evt_x", "type": "x", "data": []}']:
        assert post_event(client, body).status_code == 400
    assert not StripeEvent.objects.exists()


def test_get_is_not_allowed(client, db):
    assert client.get("/stripe/webhook/").status_code == 405


def test_unknown_event_type_is_acknowledged_and_ignored(client, db):
    payload = build_event("payment_intent.created", event_id="evt_unknown")
    response = post_event(client, payload)
    assert response.status_code == 200
    assert response.json()["outcome"] == "ignored"


@pytest.mark.parametrize("bad_id", ["999999", "abc"])
def test_unknown_donation_id_in_metadata_is_400_and_stores_nothing(client, fundraiser, bad_id):
    donation = pending_donation(fundraiser)
    payload = session_completed(donation).replace(
        f'"donation_id": "{donation.pk}"', f'"donation_id": "{bad_id}"'
    )
    response = post_event(client, payload)
    assert response.status_code == 400
    assert not StripeEvent.objects.exists()
    donation.refresh_from_db()
    assert donation.status == Status.PENDING


def test_async_payment_processing_then_succeeded(client, fundraiser):
    donation = pending_donation(fundraiser)
    post_event(client, session_completed(donation, payment_status="unpaid"))
    donation.refresh_from_db()
    assert donation.status == Status.PROCESSING
    assert raised_for_campaign(fundraiser)["total_minor"] == 0
    post_event(
        client,
        session_completed(donation, type="checkout.session.async_payment_succeeded"),
    )
    donation.refresh_from_db()
    assert donation.status == Status.SUCCEEDED
    run_tasks()
    assert len(mail.outbox) == 1


def test_async_success_before_completed_stays_succeeded(client, fundraiser):
    donation = pending_donation(fundraiser)
    post_event(
        client,
        session_completed(donation, type="checkout.session.async_payment_succeeded"),
    )
    post_event(client, session_completed(donation, payment_status="unpaid"))
    donation.refresh_from_db()
    assert donation.status == Status.SUCCEEDED


def test_async_payment_failed(client, fundraiser):
    donation = pending_donation(fundraiser)
    post_event(client, session_completed(donation, payment_status="unpaid"))
    post_event(
        client,
        session_completed(
            donation, payment_status="unpaid", type="checkout.session.async_payment_failed"
        ),
    )
    donation.refresh_from_db()
    assert donation.status == Status.FAILED
    run_tasks()
    assert mail.outbox == []


def test_partial_then_full_refund(client, fundraiser):
    donation = pending_donation(fundraiser, amount_minor=5000)
    post_event(client, session_completed(donation))
    pi = f"pi_{donation.pk}"
    post_event(client, charge_refunded(payment_intent=pi, amount=5000, refunded=2000))
    donation.refresh_from_db()
    assert donation.status == Status.PARTIALLY_REFUNDED
    assert raised_for_campaign(fundraiser)["total_minor"] == 3000
    post_event(client, charge_refunded(payment_intent=pi, amount=5000, refunded=5000))
    donation.refresh_from_db()
    assert donation.status == Status.REFUNDED
    assert donation.refunded_minor == 5000
    assert raised_for_campaign(fundraiser)["total_minor"] == 0


def test_refund_before_completion_ends_refunded(client, fundraiser):
    donation = pending_donation(fundraiser, amount_minor=5000)
    pi = f"pi_{donation.pk}"
    # No metadata on the charge: it waits for its payment.
    response = post_event(client, charge_refunded(payment_intent=pi, amount=5000, refunded=5000))
    assert response.json()["outcome"] == "deferred"
    post_event(client, session_completed(donation))
    donation.refresh_from_db()
    assert donation.status == Status.REFUNDED
    assert StripeEvent.objects.get(type="charge.refunded").outcome == "applied"
    assert raised_for_campaign(fundraiser)["total_minor"] == 0


def test_refund_with_metadata_before_completion(client, fundraiser):
    donation = pending_donation(fundraiser, amount_minor=5000)
    pi = f"pi_{donation.pk}"
    post_event(
        client,
        charge_refunded(
            payment_intent=pi,
            amount=5000,
            refunded=1000,
            metadata={"donation_id": str(donation.pk)},
        ),
    )
    post_event(client, session_completed(donation))
    donation.refresh_from_db()
    assert donation.status == Status.PARTIALLY_REFUNDED
    assert donation.refunded_minor == 1000


def test_refund_of_a_charge_we_never_saw_is_ignored(client, db):
    payload = charge_refunded(payment_intent="", amount=100, refunded=100)
    assert post_event(client, payload).json()["outcome"] == "ignored"


def test_monthly_gift_first_invoice_counts_and_each_charge_is_its_own_donation(client, fundraiser):
    gift = pending_donation(
        fundraiser, amount_minor=1000, frequency=Donation.Frequency.MONTHLY, language="fr"
    )
    post_event(client, subscription_session_completed(gift))
    gift.refresh_from_db()
    # The session alone counts nothing: money comes from invoice.paid.
    assert gift.status == Status.PENDING
    assert gift.stripe_subscription_id == f"sub_{gift.pk}"
    assert raised_for_campaign(fundraiser)["total_minor"] == 0

    post_event(client, invoice_paid(gift, number=1))
    post_event(client, invoice_paid(gift, number=2))
    post_event(client, invoice_paid(gift, number=2))  # redelivered

    gift.refresh_from_db()
    assert gift.status == Status.SUCCEEDED
    assert gift.stripe_invoice_id == f"in_{gift.pk}_1"
    second = Donation.objects.get(parent=gift)
    assert second.stripe_invoice_id == f"in_{gift.pk}_2"
    assert second.status == Status.SUCCEEDED
    assert second.email == "monthly@example.net"
    assert raised_for_campaign(fundraiser)["total_minor"] == 2000
    run_tasks()
    assert len(mail.outbox) == 2
    # Receipts in the donor's language, with a link to stop the monthly gift.
    assert "/fr/donate/monthly/" in mail.outbox[0].body


def test_invoice_before_session_ends_in_the_same_state(client, fundraiser):
    gift = pending_donation(fundraiser, amount_minor=1000, frequency=Donation.Frequency.MONTHLY)
    post_event(client, invoice_paid(gift, number=1))
    post_event(client, subscription_session_completed(gift))
    gift.refresh_from_db()
    assert gift.status == Status.SUCCEEDED
    assert gift.stripe_invoice_id == f"in_{gift.pk}_1"
    assert gift.email == "monthly@example.net"
    assert Donation.objects.count() == 1


def test_refund_of_a_monthly_charge(client, fundraiser):
    gift = pending_donation(fundraiser, amount_minor=1000, frequency=Donation.Frequency.MONTHLY)
    post_event(client, invoice_paid(gift, number=1))
    post_event(client, invoice_paid(gift, number=2))
    post_event(
        client, charge_refunded(payment_intent=f"pi_{gift.pk}_in2", amount=1000, refunded=1000)
    )
    second = Donation.objects.get(parent=gift)
    assert second.status == Status.REFUNDED
    gift.refresh_from_db()
    assert gift.status == Status.SUCCEEDED


def test_subscription_deleted_ends_the_monthly_gift(client, fundraiser):
    gift = pending_donation(fundraiser, amount_minor=1000, frequency=Donation.Frequency.MONTHLY)
    post_event(client, subscription_session_completed(gift))
    post_event(client, invoice_paid(gift, number=1))
    post_event(client, subscription_deleted(gift))
    gift.refresh_from_db()
    assert gift.subscription_ended_at is not None
    assert gift.status == Status.SUCCEEDED


def test_event_body_is_stored_for_audit_without_the_customer(client, fundraiser):
    donation = pending_donation(fundraiser)
    payload = session_completed(donation)
    sent = json.loads(payload)
    assert sent["data"]["object"]["customer_details"]["email"]
    post_event(client, payload)
    record = StripeEvent.objects.get()
    assert record.type == "checkout.session.completed"
    stored = record.payload["data"]["object"]
    assert stored["customer_details"] is None
    # Everything the ledger reads is kept as Stripe sent it.
    for key in ("id", "amount_total", "currency", "metadata", "payment_intent", "mode"):
        assert stored[key] == sent["data"]["object"][key]
    assert record.payload["id"] == sent["id"] and record.payload["created"] == sent["created"]
    donation.refresh_from_db()
    assert donation.email == sent["data"]["object"]["customer_details"]["email"]


def test_event_contradicting_the_ledger_is_409_not_500(client, fundraiser):
    first = pending_donation(fundraiser)
    second = pending_donation(fundraiser)
    post_event(client, session_completed(first, payment_intent="pi_shared"))
    # Stripe would never reuse a payment for two sessions; if it did, nothing is counted twice.
    response = post_event(client, session_completed(second, payment_intent="pi_shared"))
    assert response.status_code == 409
    second.refresh_from_db()
    assert second.status == Status.PENDING
    assert raised_for_campaign(fundraiser)["total_minor"] == first.amount_minor


# --- Late payments and refused status changes (issue "Hardening", finding 1) -------------


def late_payment_events(donation: Donation) -> dict[str, str]:
    return {
        "failed": session_failed(donation),
        "expired": session_expired(donation),
        "paid": session_completed(donation),
    }


def test_payment_completing_after_the_session_expired_is_recorded(client, fundraiser):
    donation = pending_donation(fundraiser, amount_minor=4000)
    assert post_event(client, session_expired(donation)).status_code == 200
    donation.refresh_from_db()
    assert donation.status == Status.EXPIRED

    response = post_event(client, session_completed(donation))

    assert response.status_code == 200, response.content
    assert response.json()["outcome"] == "applied"
    donation.refresh_from_db()
    assert donation.status == Status.SUCCEEDED
    assert donation.succeeded_at is not None
    assert raised_for_campaign(fundraiser)["by_currency"] == {"EUR": 4000}
    run_tasks()
    assert len(mail.outbox) == 1


def test_async_success_after_async_failure_is_recorded(client, fundraiser):
    donation = pending_donation(fundraiser, amount_minor=3000)
    post_event(client, session_completed(donation, payment_status="unpaid"))
    post_event(client, session_failed(donation))
    donation.refresh_from_db()
    assert donation.status == Status.FAILED

    response = post_event(
        client, session_completed(donation, type="checkout.session.async_payment_succeeded")
    )

    assert response.status_code == 200, response.content
    donation.refresh_from_db()
    assert donation.status == Status.SUCCEEDED
    assert raised_for_campaign(fundraiser)["total_minor"] == 3000


@responses.activate
def test_payment_for_a_checkout_we_marked_failed_during_an_outage_is_recorded(
    client, fundraiser, stripe_keys
):
    # Stripe created the session but our request timed out: we marked the donation failed.
    responses.add(
        responses.POST,
        "https://api.stripe.com/v1/checkout/sessions",
        status=500,
        json={"error": {"type": "api_error", "message": "timeout"}},
    )
    details = services.GiftDetails(amount_minor=2000, currency="EUR")
    with pytest.raises(services.CheckoutUnavailable):
        services.begin_checkout(
            fundraiser, details, language="en", success_url="http://x/", cancel_url="http://x/"
        )
    donation = Donation.objects.get()
    assert donation.status == Status.FAILED

    assert post_event(client, session_completed(donation)).status_code == 200
    donation.refresh_from_db()
    assert donation.status == Status.SUCCEEDED


@pytest.mark.parametrize(
    "order",
    list(itertools.permutations(["failed", "expired", "paid"])),
    ids="-".join,
)
def test_any_order_of_failed_expired_and_paid_records_the_money_once(client, fundraiser, order):
    donation = pending_donation(fundraiser, amount_minor=2500)
    events = late_payment_events(donation)
    for name in order:
        response = post_event(client, events[name])
        assert response.status_code == 200, (name, response.content)
    for name in order:  # Stripe redelivers: nothing moves again
        assert post_event(client, events[name]).json()["outcome"] == "duplicate"

    donation.refresh_from_db()
    assert donation.status == Status.SUCCEEDED
    assert Donation.objects.count() == 1
    assert raised_for_campaign(fundraiser)["total_minor"] == 2500
    run_tasks()
    assert len(mail.outbox) == 1
    # Every event is kept. Only the first failure or expiry of a pending donation applies;
    # any other (after the money, or after the other one) is refused and says why.
    assert StripeEvent.objects.count() == 3
    first = order[0] if order[0] != "paid" else None
    refused = {name for name in order if name not in ("paid", first)}
    ignored = StripeEvent.objects.filter(outcome=StripeEvent.Outcome.IGNORED)
    names = {
        "checkout.session.async_payment_failed": "failed",
        "checkout.session.expired": "expired",
    }
    assert {names[record.type] for record in ignored} == refused
    assert all(record.reason.startswith("refused: ") for record in ignored)


def test_refused_status_change_is_stored_ignored_logged_and_acknowledged(
    client, fundraiser, caplog
):
    donation = pending_donation(
        fundraiser, amount_minor=2500, donor_name="Dana Secret", email="dana@example.net"
    )
    post_event(client, session_completed(donation))
    with caplog.at_level(logging.WARNING, logger="donations.services"):
        response = post_event(client, session_expired(donation, event_id="evt_late_expiry"))

    assert response.status_code == 200
    assert response.json() == {"received": True, "outcome": "ignored"}
    record = StripeEvent.objects.get(event_id="evt_late_expiry")
    assert record.outcome == StripeEvent.Outcome.IGNORED
    assert record.reason == (
        f"refused: donations.Donation {donation.pk}: cannot go from succeeded to expired"
    )
    assert record.payload["type"] == "checkout.session.expired"
    donation.refresh_from_db()
    assert donation.status == Status.SUCCEEDED
    (warning,) = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "evt_late_expiry" in warning.getMessage()
    for personal in ("Dana", "dana@example.net", "donor@example.net"):
        assert personal not in caplog.text


def test_a_refused_event_changes_nothing_else(client, fundraiser):
    donation = pending_donation(fundraiser, amount_minor=2500)
    post_event(client, session_completed(donation, payment_intent="pi_real"))
    donation.refresh_from_db()
    before = {f.attname: getattr(donation, f.attname) for f in Donation._meta.concrete_fields}
    # A failure for the same session naming another payment and amount arrives late.
    late = session_failed(donation).replace(f'"pi_{donation.pk}"', '"pi_other"')
    assert post_event(client, late).json()["outcome"] == "ignored"
    donation.refresh_from_db()
    after = {f.attname: getattr(donation, f.attname) for f in Donation._meta.concrete_fields}
    assert after == before


def test_failure_and_expiry_of_a_pending_donation_still_apply(client, fundraiser):
    failing = pending_donation(fundraiser)
    expiring = pending_donation(fundraiser)
    assert post_event(client, session_failed(failing)).json()["outcome"] == "applied"
    assert post_event(client, session_expired(expiring)).json()["outcome"] == "applied"
    failing.refresh_from_db()
    expiring.refresh_from_db()
    assert (failing.status, expiring.status) == (Status.FAILED, Status.EXPIRED)
    assert raised_for_campaign(fundraiser)["total_minor"] == 0


def test_ignored_events_say_why(client, fundraiser):
    payload = build_event("payment_intent.created", event_id="evt_noise")
    post_event(client, payload)
    post_event(client, charge_refunded(payment_intent="", amount=100, refunded=100))
    reasons = dict(StripeEvent.objects.values_list("type", "reason"))
    assert reasons == {
        "payment_intent.created": "not an event the ledger uses",
        "charge.refunded": "no payment to refund",
    }


def test_transition_table_reopens_only_failed_and_expired_as_succeeded():
    for status in (Status.FAILED, Status.EXPIRED):
        assert services.TRANSITIONS[status] == {Status.SUCCEEDED}
        for to in set(Status.values) - {Status.SUCCEEDED}:
            with pytest.raises(services.InvalidTransition):
                services.transition(Donation(status=status), to)
