"""Webhook events emitted by the pledges and donations services, and the goal checks."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from campaigns import counters, figures
from commitments import services as commitment_services
from lib.mailboxes import email_hash
from lib.personal_data import forget_spent_addresses
from partners import services
from partners.models import Partner, WebhookDelivery, WebhookSubscription
from pledges import contact
from pledges import services as pledge_services
from tests.commitments.helpers import (
    approved_commitment,
    approved_pledge,
    boycott,
    contact_update,
    create_drive,
    divestment,
    in_days,
    moderator_update,
    pledge,
)
from tests.conftest import create_campaign, run_tasks
from tests.donations.conftest import pending_donation
from tests.donations.stripe_events import WEBHOOK_SECRET, post_event, session_completed
from tests.pledges.conftest import approved_org, signature_data, signed_and_confirmed

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(campaign):
    partner = Partner.objects.create(name="Allies", ref="allies")
    partner.campaigns.add(campaign)
    return partner


def received(receiver) -> list[dict]:
    return [json.loads(body) for _headers, body in receiver.requests]


def sign_through(campaign, partner, *, shared: bool, email="amina@example.org"):
    result = pledge_services.sign(
        campaign, signature_data(email=email, shared_with_partner=shared), partner=partner
    )
    signature, outcome = pledge_services.confirm_signature(result.signature.pk)
    assert outcome == "confirmed"
    return signature


def test_signature_confirmed_goes_to_the_partner_with_details_under_consent(
    partner, campaign, receiver
):
    other = Partner.objects.create(name="Others", ref="others")
    services.subscribe_webhook(partner, url=receiver.url, events=["signature.confirmed"])
    services.subscribe_webhook(other, url=receiver.url + "/other", events=["signature.confirmed"])

    signature = sign_through(campaign, partner, shared=True)
    run_tasks()

    (event,) = received(receiver)
    assert event["type"] == "signature.confirmed"
    assert event["campaign"] == "refuse"
    assert event["data"]["shared_with_partner"] is True
    assert event["data"]["signer"] == {
        "id": signature.pk,
        "campaign": "refuse",
        "name": "Amina Yusuf",
        "email": "amina@example.org",
        "country": "KE",
        "affiliation": "",
        "language": "en",
        "confirmed_at": signature.confirmed_at.isoformat(),
    }
    assert receiver.requests[0][0]["X-Coalition-Event"] == "signature.confirmed"
    assert WebhookDelivery.objects.get().subscription.partner == partner


def test_signature_confirmed_without_consent_carries_no_personal_data(partner, campaign, receiver):
    services.subscribe_webhook(partner, url=receiver.url, events=["signature.confirmed"])
    sign_through(campaign, partner, shared=False)
    run_tasks()
    (event,) = received(receiver)
    assert event["data"] == {
        "shared_with_partner": False,
        "confirmed_at": event["data"]["confirmed_at"],
    }
    assert b"@" not in receiver.requests[0][1]
    assert b"Amina" not in receiver.requests[0][1]


def test_signatures_nobody_brought_are_sent_to_nobody(partner, campaign, receiver):
    services.subscribe_webhook(partner, url=receiver.url, events=["signature.confirmed"])
    signed_and_confirmed(campaign)
    # Confirming twice emits nothing more.
    sign_through(campaign, partner, shared=True, email="b@example.org")
    pledge_services.confirm_signature(
        campaign.signatures.get(email_hash=email_hash("b@example.org")).pk
    )
    run_tasks()
    assert len(receiver.requests) == 1


def test_organisation_approved_is_public_data_for_every_subscriber(
    partner, campaign, receiver, moderator
):
    other = Partner.objects.create(name="Others", ref="others")
    services.subscribe_webhook(partner, url=receiver.url, events=["organisation.approved"])
    services.subscribe_webhook(other, url=receiver.url, events=["organisation.approved"])
    approved_org(campaign, moderator=moderator)
    run_tasks()
    events = received(receiver)
    assert len(events) == 2
    assert events[0]["type"] == "organisation.approved"
    assert events[0]["data"] == {
        "organisation": {
            "name": "Red Comunitaria",
            "kind": "community_network",
            "country": "MX",
            "website": "https://www.redcomunitaria.example/",
            "logo_url": None,
        }
    }
    for _headers, body in receiver.requests:
        assert b"Luz" not in body and b"@" not in body


def test_confirming_a_signature_checks_the_goals(partner, db, receiver):
    small = create_campaign("small", signature_goal=2)
    services.subscribe_webhook(partner, url=receiver.url, events=["goal.reached"])
    signed_and_confirmed(small, email="a@example.org")
    counters.count()  # the counting job checks the goals
    run_tasks()
    assert receiver.requests == []
    signed_and_confirmed(small, email="b@example.org")
    counters.count()  # the counting job checks the goals
    run_tasks()
    (event,) = received(receiver)
    assert event["type"] == "goal.reached"
    assert event["campaign"] == "small"
    assert event["data"] == {"figure": "signatures", "goal": 2, "count": 2}
    # A third signature announces nothing more.
    signed_and_confirmed(small, email="c@example.org")
    counters.count()  # the counting job checks the goals
    run_tasks()
    assert len(receiver.requests) == 1


def test_approving_an_organisation_checks_the_goals(partner, db, receiver):
    small = create_campaign("small", organisation_goal=1)
    services.subscribe_webhook(partner, url=receiver.url, events=["goal.reached"])
    approved_org(small)
    counters.count()  # the counting job checks the goals
    run_tasks()
    assert [e["data"]["figure"] for e in received(receiver)] == ["organisations"]


def test_a_donation_reaching_the_fundraising_goal_is_announced(
    client, partner, db, receiver, settings
):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    fund = create_campaign(
        "fund", kind="fundraiser", fundraising_goal_minor=5000, fundraising_currency="EUR"
    )
    services.subscribe_webhook(partner, url=receiver.url, events=["goal.reached"])
    first = pending_donation(fund, amount_minor=2500)
    assert post_event(client, session_completed(first)).status_code == 200
    counters.count()  # the counting job checks the goals
    run_tasks()
    assert receiver.requests == []
    second = pending_donation(fund, amount_minor=2500)
    assert post_event(client, session_completed(second)).status_code == 200
    counters.count()  # the counting job checks the goals
    run_tasks()
    (event,) = received(receiver)
    assert event["data"] == {"figure": "raised", "goal": 5000, "count": 5000, "currency": "EUR"}


def test_a_failed_transaction_leaves_no_event_and_no_task(partner, campaign, receiver):
    services.subscribe_webhook(partner, url=receiver.url, events=["signature.confirmed"])
    result = pledge_services.sign(
        campaign, signature_data(shared_with_partner=True), partner=partner
    )
    tasks_before = DBTaskResult.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        pledge_services.confirm_signature(result.signature.pk)
        raise RuntimeError
    assert not WebhookDelivery.objects.exists()
    assert DBTaskResult.objects.count() == tasks_before
    run_tasks()
    assert receiver.requests == []


# commitment.status_changed -------------------------------------------------------------


def commitment_events() -> list[dict]:
    return [
        d.payload
        for d in WebhookDelivery.objects.filter(event_type="commitment.status_changed").order_by(
            "pk"
        )
    ]


def check_goal_tasks() -> int:
    return DBTaskResult.objects.filter(task_path="api.tasks.check_goals").count()


@pytest.fixture
def drive_partner(db):

    drive = create_drive()
    partner = Partner.objects.create(name="Trackers", ref="trackers")
    services.subscribe_webhook(
        partner, url="https://hooks.example/t", events=["commitment.status_changed"]
    )
    return drive, partner


def test_approving_a_commitment_pledge_makes_each_commitment_public(drive_partner, moderator):
    drive, _ = drive_partner
    result = approved_pledge(drive, boycott(), divestment(), moderator=moderator)
    events = commitment_events()
    assert len(events) == 2
    first, second = (e["data"] for e in events)
    assert events[0]["type"] == "commitment.status_changed"
    assert events[0]["campaign"] == "bds"
    ids = list(result.commitments.order_by("pk").values_list("pk", flat=True))
    assert [first["commitment"]["id"], second["commitment"]["id"]] == ids
    assert first == {
        "commitment": {
            "id": ids[0],
            "campaign": "bds",
            "target": {"slug": "alphabet", "name": "Alphabet (Google)"},
            "all_targets": False,
            "type": "boycott",
            "action": "Move our staff email from Gmail to our own server",
        },
        "organisation": {
            "id": result.organisation_id,
            "name": "Red Comunitaria",
            "kind": "community_network",
            "country": "MX",
            "website": "https://www.redcomunitaria.example/",
            "logo_url": None,
        },
        "from_status": None,
        "status": "pledged",
        "changed_at": result.moderated_at.isoformat(),
        "note": "",
        "evidence_url": None,
    }


def test_status_changes_are_announced_with_public_data_only(drive_partner, moderator):
    drive, _ = drive_partner
    commitment = approved_commitment(drive)
    WebhookDelivery.objects.all().delete()

    moderator_update(commitment, "in_progress", by=moderator, note="Migration started")
    # A note without a move, and a contact's update waiting for review: no event.
    moderator_update(commitment, "in_progress", note="Still going")
    pending = contact_update(commitment, "fulfilled", note="Secret draft from the contact")
    assert [e["data"]["status"] for e in commitment_events()] == ["in_progress"]
    # Rejected: still nothing. Accepted: the move is public, and so is the event.
    rejected = contact_update(commitment, "withdrawn", note="Refused claim")
    commitment_services.review_commitment_update(rejected, accept=False, by=moderator, reason="x")
    assert len(commitment_events()) == 1
    commitment_services.review_commitment_update(pending, accept=True, by=moderator)

    first, second = (e["data"] for e in commitment_events())
    assert (first["from_status"], first["status"], first["note"]) == (
        "pledged",
        "in_progress",
        "Migration started",
    )
    assert (second["from_status"], second["status"]) == ("in_progress", "fulfilled")
    assert second["note"] == "Secret draft from the contact"  # accepted: now public
    body = json.dumps(commitment_events())
    assert "@" not in body and "Luz" not in body and "Refused claim" not in body


def test_a_lapse_is_announced(drive_partner, settings):
    settings.COMMITMENT_LAPSE_GRACE_DAYS = 0
    drive, _ = drive_partner
    approved_commitment(drive, boycott(deadline=in_days(1)))
    with time_machine.travel(timezone.now() + timedelta(days=3), tick=False):
        assert commitment_services.lapse_overdue_commitments() == 1
    last = commitment_events()[-1]["data"]
    assert (last["from_status"], last["status"]) == ("pledged", "lapsed")


def test_commitments_of_unapproved_pledges_announce_nothing(drive_partner, moderator):
    drive, _ = drive_partner
    result = pledge(drive)
    confirmed, _ = contact.confirm_contact(result.pledge)
    contact.reject(confirmed, by=moderator, reason="Not an organisation")
    assert commitment_events() == []


def test_subscribers_of_another_campaign_hear_nothing(drive_partner, campaign, moderator):
    drive, partner = drive_partner
    WebhookSubscription.objects.all().delete()
    services.subscribe_webhook(
        partner,
        url="https://hooks.example/x",
        events=["commitment.status_changed"],
        campaign=campaign,
    )
    approved_commitment(drive)
    assert commitment_events() == []


def test_a_failed_status_change_leaves_no_event(drive_partner, moderator):
    drive, _ = drive_partner
    commitment = approved_commitment(drive)
    WebhookDelivery.objects.all().delete()
    tasks_before = DBTaskResult.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        moderator_update(commitment, "fulfilled", by=moderator)
        raise RuntimeError
    assert commitment_events() == []
    assert DBTaskResult.objects.count() == tasks_before


def test_the_event_reaches_the_subscriber_signed(drive_partner, receiver, moderator):
    drive, partner = drive_partner
    commitment = approved_commitment(drive)
    services.subscribe_webhook(partner, url=receiver.url, events=["commitment.status_changed"])
    commitment_services.fulfil_commitment(
        commitment, by=moderator, evidence_url="https://redcomunitaria.example/news"
    )
    run_tasks()
    (event,) = received(receiver)
    assert event["data"]["status"] == "fulfilled"
    assert event["data"]["evidence_url"] == "https://redcomunitaria.example/news"
    headers = receiver.requests[0][0]
    assert headers["X-Coalition-Event"] == "commitment.status_changed"
    assert headers["X-Coalition-Signature"].startswith("t=")


def test_status_changes_check_goals_only_when_commitments_count_towards_one(
    drive_partner, moderator
):
    drive, _ = drive_partner
    commitment = approved_commitment(drive)
    before = check_goal_tasks()
    moderator_update(commitment, "fulfilled", by=moderator)
    # A drive has no "commitments fulfilled" goal today: nothing to check.
    assert check_goal_tasks() == before
    # Only figures that can carry a goal ask for a check when they move.
    assert figures.goal_keys() == {"signatures", "organisations", "raised"}


def test_a_delivered_signer_is_forgotten_from_our_copy_after_the_retention_days(
    partner, campaign, receiver
):
    services.subscribe_webhook(partner, url=receiver.url, events=["signature.confirmed"])
    sign_through(campaign, partner, shared=True, email="shared@example.org")
    pledge_services.confirm_signature(
        campaign.signatures.get(email_hash=email_hash("shared@example.org")).pk
    )
    run_tasks()
    assert b"shared@example.org" in receiver.requests[0][1]  # the partner got it
    delivery = WebhookDelivery.objects.get()
    assert delivery.payload["data"]["signer"]["email"] == "shared@example.org"
    with time_machine.travel(timezone.now() + timedelta(days=6)):
        assert forget_spent_addresses()["partner webhooks"] == 0
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert forget_spent_addresses()["partner webhooks"] == 1
    delivery.refresh_from_db()
    assert "signer" not in delivery.payload["data"]
    assert delivery.person_hash == ""
    assert delivery.payload["type"] == "signature.confirmed"  # the delivery log stays
