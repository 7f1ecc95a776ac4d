"""Sensitive staff actions leave an audit trail that staff cannot rewrite."""

import pytest
import time_machine
from django.utils import timezone

from campaigns import services
from campaigns.models import Campaign
from staff import audit
from staff.models import AuditEvent
from tests.conftest import create_campaign, make_user, verified_login

pytestmark = pytest.mark.django_db

ADMIN = "/staff/admin/"


@pytest.fixture
def superuser(django_user_model):
    return make_user(django_user_model, "root", is_staff=True, is_superuser=True)


def test_launch_from_the_staff_area_is_logged_with_its_actor(client, comms):
    draft = create_campaign("audited", live=False)
    verified_login(client, comms)
    client.post(
        f"{ADMIN}campaigns/campaign/", {"action": "action_publish", "_selected_action": [draft.pk]}
    )
    event = AuditEvent.objects.get(action="campaign.launch")
    assert event.actor == comms and event.actor_username == "comms"
    assert (event.object_type, event.object_id) == ("campaigns.campaign", str(draft.pk))
    assert event.details == {"slug": "audited", "from": "draft", "to": "live"}


def test_close_and_reopen_are_logged(comms):
    campaign = create_campaign("closing")
    services.close(campaign, by=comms)
    services.transition(campaign, Campaign.Status.LIVE, by=comms)
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["campaign.launch", "campaign.close", "campaign.reopen"]


def test_scheduler_moves_are_logged_as_the_system():
    now = timezone.now()
    campaign = create_campaign("timed", live=False, launch_at=now + timezone.timedelta(hours=1))
    services.schedule(campaign, by=None)
    with time_machine.travel(now + timezone.timedelta(hours=2), tick=False):
        services.run_schedule()
    event = AuditEvent.objects.get(action="campaign.launch")
    assert event.actor is None and event.actor_username == ""
    assert event.created_at == now + timezone.timedelta(hours=2)


def test_a_refused_transition_logs_nothing(comms):
    campaign = create_campaign("draft-only", live=False)
    with pytest.raises(services.InvalidTransition):
        services.close(campaign, by=comms)
    assert not AuditEvent.objects.exists()


def test_the_log_refuses_personal_data_in_details(comms):
    with pytest.raises(audit.PersonalDataInAudit):
        audit.record("export.signatures", actor=comms, details={"to": ["someone@example.org"]})
    assert not AuditEvent.objects.exists()


def test_the_log_keeps_who_acted_after_the_account_is_deleted(comms):
    services.publish(create_campaign("kept", live=False), by=comms)
    comms.delete()
    event = AuditEvent.objects.get()
    assert event.actor is None and event.actor_username == "comms"


def test_superusers_read_the_log_but_nobody_can_add_change_or_delete(client, superuser, comms):
    services.publish(create_campaign("ro", live=False), by=comms)
    event = AuditEvent.objects.get()
    verified_login(client, superuser)
    url = f"{ADMIN}staff/auditevent/"
    listing = client.get(url)
    assert listing.status_code == 200 and "campaign.launch" in listing.content.decode()
    detail = client.get(f"{url}{event.pk}/change/")
    assert detail.status_code == 200
    assert 'name="action"' not in detail.content.decode(), "shown read-only"
    assert client.get(f"{url}add/").status_code == 403
    client.post(f"{url}{event.pk}/change/", {"action": "rewritten"})
    assert client.post(f"{url}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    client.post(url, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"})
    event.refresh_from_db()
    assert event.action == "campaign.launch"


@pytest.mark.parametrize("persona", ["comms", "moderator", "finance"])
def test_staff_other_than_superusers_cannot_see_the_log(persona, persona_client):
    client = persona_client(persona)
    assert client.get(f"{ADMIN}staff/auditevent/").status_code == 403
    assert "auditevent" not in client.get(ADMIN).content.decode()
