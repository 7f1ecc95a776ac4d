"""Webhooks: partners subscribe, events are signed and delivered by the task queue."""

import json
import socket
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from partners import events, goals, services, webhooks
from partners.models import (
    EventType,
    Partner,
    PartnerToken,
    ReachedGoal,
    WebhookDelivery,
    WebhookSubscription,
)
from tests.conftest import run_tasks
from tests.pledges.conftest import signed_and_confirmed

pytestmark = pytest.mark.django_db
Scope = PartnerToken.Scope


@pytest.fixture
def partner(campaign):
    return Partner.objects.create(name="Allies", ref="allies")


def bearer(partner, scopes=(Scope.WEBHOOKS_MANAGE,)):
    _, raw = services.issue_token(partner, name="hooks", scopes=list(scopes))
    return {"Authorization": f"Bearer {raw}"}


def test_partner_subscribes_and_sees_secret_once(client, partner, campaign, receiver):
    headers = bearer(partner)
    response = client.post(
        "/api/v1/partners/me/webhooks/",
        {"url": receiver.url, "events": ["goal.reached"], "campaign": "refuse"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 201
    body = response.json()
    assert body["secret"].startswith("whsec_")
    assert body["campaign"] == "refuse"
    listed = client.get("/api/v1/partners/me/webhooks/", headers=headers).json()
    assert [s["id"] for s in listed] == [body["id"]]
    assert "secret" not in listed[0]


def test_webhook_urls_must_be_https(client, partner, settings):
    settings.WEBHOOKS_ALLOW_HTTP_LOOPBACK = False
    for url in ("http://example.org/hook", "https://127.0.0.1/hook", "ftp://x.org/"):
        response = client.post(
            "/api/v1/partners/me/webhooks/",
            {"url": url, "events": ["goal.reached"]},
            content_type="application/json",
            headers=bearer(partner),
        )
        assert response.status_code == 400, url
        assert "url" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    "body, content_type, status",
    [
        ("{not json", "application/json", 400),
        ('{"url": "https://x.org/", "events": ["nope"]}', "application/json", 400),
        ('{"url": "https://x.org/", "events": []}', "application/json", 400),
        ('{"url": "https://x.org/", "events": ["goal.reached"], "campaign": "zz"}', None, 400),
        ("[]", "application/json", 400),
        ("url=https://x.org/", "application/x-www-form-urlencoded", 415),
        ("<xml/>", "text/xml", 415),
        ('{"url": "https://x.org/", "events": ["goal.reached"], "pad": "' + "x" * 20000 + '"}',
         "application/json", 413),
    ],
)  # fmt: skip
def test_bad_webhook_bodies_are_4xx_json(client, partner, body, content_type, status):
    response = client.post(
        "/api/v1/partners/me/webhooks/",
        body,
        content_type=content_type or "application/json",
        headers=bearer(partner),
    )
    assert response.status_code == status
    assert response.json()["error"]["status"] == status


def test_webhooks_need_the_scope(client, partner):
    headers = bearer(partner, scopes=[Scope.STATS_READ])
    assert client.get("/api/v1/partners/me/webhooks/", headers=headers).status_code == 403


def test_partner_cannot_delete_another_partners_subscription(client, partner, receiver):
    other = Partner.objects.create(name="Other", ref="other")
    theirs = services.subscribe_webhook(other, url=receiver.url, events=["goal.reached"])
    response = client.delete(f"/api/v1/partners/me/webhooks/{theirs.pk}/", headers=bearer(partner))
    assert response.status_code == 404
    assert WebhookSubscription.objects.filter(pk=theirs.pk).exists()
    mine = services.subscribe_webhook(partner, url=receiver.url, events=["goal.reached"])
    response = client.delete(f"/api/v1/partners/me/webhooks/{mine.pk}/", headers=bearer(partner))
    assert response.status_code == 204
    assert not WebhookSubscription.objects.filter(pk=mine.pk).exists()


def test_event_is_delivered_signed(partner, campaign, receiver):
    subscription = services.subscribe_webhook(partner, url=receiver.url, events=["goal.reached"])
    events.emit(EventType.GOAL_REACHED, {"figure": "signatures"}, campaign=campaign)
    run_tasks()
    assert len(receiver.requests) == 1
    headers, body = receiver.requests[0]
    assert webhooks.verify(subscription.secret, headers[webhooks.SIGNATURE_HEADER], body)
    assert not webhooks.verify("wrong-secret", headers[webhooks.SIGNATURE_HEADER], body)
    event = json.loads(body)
    assert event["type"] == "goal.reached"
    assert event["campaign"] == "refuse"
    assert event["data"] == {"figure": "signatures"}
    assert headers["X-Coalition-Event"] == "goal.reached"
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert delivery.response_status == 200
    # Running the queue again sends nothing twice.
    run_tasks()
    assert len(receiver.requests) == 1


def test_events_respect_partner_event_type_and_campaign(partner, campaign, receiver):
    other = Partner.objects.create(name="Other", ref="other")
    services.subscribe_webhook(partner, url=receiver.url, events=["signature.confirmed"])
    services.subscribe_webhook(other, url=receiver.url, events=["signature.confirmed"])
    services.subscribe_webhook(partner, url=receiver.url, events=["goal.reached"])
    deliveries = events.emit(
        EventType.SIGNATURE_CONFIRMED, {"n": 1}, partner=partner, campaign=campaign
    )
    assert [d.subscription.partner for d in deliveries] == [partner]


def test_failed_delivery_is_retried_with_backoff(partner, campaign, receiver):
    receiver.status = 500
    services.subscribe_webhook(partner, url=receiver.url, events=["goal.reached"])
    events.emit(EventType.GOAL_REACHED, {}, campaign=campaign)
    run_tasks()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert delivery.attempts == 1
    assert delivery.response_status == 500
    receiver.status = 204
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        run_tasks()
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert delivery.attempts == 2
    assert len(receiver.requests) == 2


def test_subscription_is_disabled_after_consecutive_failures(partner, campaign, receiver, settings):
    settings.WEBHOOK_MAX_CONSECUTIVE_FAILURES = 2
    receiver.status = 500
    subscription = services.subscribe_webhook(partner, url=receiver.url, events=["goal.reached"])
    events.emit(EventType.GOAL_REACHED, {"a": 1}, campaign=campaign)
    events.emit(EventType.GOAL_REACHED, {"a": 2}, campaign=campaign)
    run_tasks()
    subscription.refresh_from_db()
    assert not subscription.is_active
    assert subscription.disabled_at is not None
    # Later events skip the disabled subscription.
    assert events.emit(EventType.GOAL_REACHED, {"a": 3}, campaign=campaign) == []


def test_private_addresses_are_refused_outside_tests(partner, campaign, settings):
    settings.WEBHOOKS_ALLOW_HTTP_LOOPBACK = False
    assert not webhooks.address_allowed("127.0.0.1")
    assert not webhooks.address_allowed("10.0.0.1")
    assert not webhooks.address_allowed("localhost")


def test_goal_reached_is_announced_once(partner, campaign, receiver):
    services.subscribe_webhook(partner, url=receiver.url, events=["goal.reached"])
    campaign.signature_goal = 2
    campaign.save(update_fields=["signature_goal"])
    signed_and_confirmed(campaign, email="first@example.org")
    assert goals.announce_reached_goals(campaign) == []
    signed_and_confirmed(campaign, email="second@example.org")
    run_tasks()  # the confirmations queued their own goal checks
    receiver.requests.clear()
    ReachedGoal.objects.all().delete()
    assert goals.announce_reached_goals(campaign) == ["signatures"]
    assert goals.announce_reached_goals(campaign) == []
    run_tasks()
    assert len(receiver.requests) == 1


def test_emit_event_inside_failed_transaction_leaves_nothing(partner, campaign, receiver):
    from django.db import transaction

    services.subscribe_webhook(partner, url=receiver.url, events=["goal.reached"])
    with pytest.raises(RuntimeError), transaction.atomic():
        events.emit(EventType.GOAL_REACHED, {}, campaign=campaign)
        raise RuntimeError
    assert not WebhookDelivery.objects.exists()
    run_tasks()
    assert receiver.requests == []


def test_delivery_connects_to_the_address_it_checked_not_a_rebound_one(monkeypatch, settings):
    """DNS rebinding: the name answers a public address for the check, then a private one.
    The delivery resolves once and connects to the address it checked."""
    settings.WEBHOOKS_ALLOW_HTTP_LOOPBACK = False
    answers = iter(["93.184.216.34", "127.0.0.1", "127.0.0.1"])
    lookups, connections = [], []

    def getaddrinfo(host, port, *args, **kwargs):
        lookups.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]

    def create_connection(address, *args, **kwargs):
        connections.append(address)
        raise ConnectionRefusedError("no network in tests")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    outcome = webhooks.post("https://hooks.example.org/in", b"{}", {})
    assert not outcome.ok
    assert lookups == ["hooks.example.org"]
    assert connections == [("93.184.216.34", 443)]


def test_a_name_with_any_private_address_is_refused(monkeypatch, settings):
    settings.WEBHOOKS_ALLOW_HTTP_LOOPBACK = False

    def getaddrinfo(host, port, *args, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    assert webhooks.post("https://mixed.example.org/", b"{}", {}).error == "address not allowed"
