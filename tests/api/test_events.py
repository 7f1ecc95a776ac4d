"""Webhook events emitted by the pledges and donations services, and the goal checks."""

import json

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from api import services
from api.models import WebhookDelivery
from campaigns.models import Partner
from pledges import services as pledge_services
from tests.api.test_webhooks import Receiver
from tests.conftest import create_campaign, run_tasks
from tests.donations.conftest import pending_donation
from tests.donations.stripe_events import WEBHOOK_SECRET, post_event, session_completed
from tests.pledges.conftest import approved_org, signature_data, signed_and_confirmed

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver(settings):
    settings.WEBHOOKS_ALLOW_HTTP_LOOPBACK = True
    server = Receiver()
    yield server
    server.close()


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
    pledge_services.confirm_signature(campaign.signatures.get(email="b@example.org").pk)
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
    run_tasks()
    assert receiver.requests == []
    signed_and_confirmed(small, email="b@example.org")
    run_tasks()
    (event,) = received(receiver)
    assert event["type"] == "goal.reached"
    assert event["campaign"] == "small"
    assert event["data"] == {"figure": "signatures", "goal": 2, "count": 2}
    # A third signature announces nothing more.
    signed_and_confirmed(small, email="c@example.org")
    run_tasks()
    assert len(receiver.requests) == 1


def test_approving_an_organisation_checks_the_goals(partner, db, receiver):
    small = create_campaign("small", organisation_goal=1)
    services.subscribe_webhook(partner, url=receiver.url, events=["goal.reached"])
    approved_org(small)
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
    run_tasks()
    assert receiver.requests == []
    second = pending_donation(fund, amount_minor=2500)
    assert post_event(client, session_completed(second)).status_code == 200
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
