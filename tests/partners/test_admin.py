import re

import pytest

from partners import events, services
from partners.models import EventType, Partner, PartnerToken, WebhookDelivery, hash_token
from tests.conftest import verified_login

pytestmark = pytest.mark.django_db
ADMIN = "/staff/admin/"


@pytest.fixture
def partner(db):
    return Partner.objects.create(name="Allies", ref="allies")


def test_comms_issues_a_token_and_sees_it_once(client, comms, partner):
    verified_login(client, comms)
    response = client.post(
        f"{ADMIN}partners/partnertoken/add/",
        {"partner": partner.pk, "name": "website form", "scopes": ["stats:read"]},
    )
    assert response.status_code == 200
    body = response.content.decode()
    raw = re.search(r'value="(cpt_[^"]+)"', body).group(1)
    token = PartnerToken.objects.get()
    assert token.token_hash == hash_token(raw)
    assert token.scopes == ["stats:read"]
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    detail = client.get(f"{ADMIN}partners/partnertoken/{token.pk}/change/").content.decode()
    assert raw not in detail
    assert token.prefix in detail
    # And the token works.
    assert (
        client.get("/api/v1/partners/me/stats/", headers={"Authorization": f"Bearer {raw}"})
    ).status_code == 200


def test_comms_revokes_tokens_from_the_list(client, comms, partner):
    token, _ = services.issue_token(partner, name="x", scopes=["stats:read"])
    verified_login(client, comms)
    client.post(
        f"{ADMIN}partners/partnertoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.mark.parametrize("persona, status", [("moderator", 403), ("outsider", 302)])
def test_other_staff_cannot_issue_tokens(persona_client, partner, persona, status):
    client = persona_client(persona)
    response = client.get(f"{ADMIN}partners/partnertoken/add/")
    assert response.status_code == status


def test_delivery_log_is_visible_to_comms(client, comms, partner, campaign, settings):
    settings.WEBHOOKS_ALLOW_HTTP_LOOPBACK = True
    services.subscribe_webhook(partner, url="http://127.0.0.1:9/hook", events=["goal.reached"])
    events.emit(EventType.GOAL_REACHED, {"figure": "signatures"}, campaign=campaign)
    verified_login(client, comms)
    response = client.get(f"{ADMIN}partners/webhookdelivery/")
    assert response.status_code == 200
    assert "goal.reached" in response.content.decode()
    delivery = WebhookDelivery.objects.get()
    assert client.get(f"{ADMIN}partners/webhookdelivery/{delivery.pk}/change/").status_code == 200
