"""Workspace pages open as the staff area does: verified staff only, the second factor first,
and a queue only for those who decide it."""

import pytest
from django.conf import settings

from tests.workspace.conftest import WORKSPACE, item_url, queue_url, waiting_sign_on

pytestmark = pytest.mark.django_db

ADMIN = f"/{settings.ADMIN_PATH}"


def test_anonymous_visitors_are_sent_to_the_staff_login(client):
    response = client.get(queue_url("sign-ons"))
    assert response.status_code == 302
    assert response["Location"].startswith(f"{ADMIN}login/?next=")


def test_staff_without_the_second_factor_are_sent_to_it_and_back(client, moderator, statement):
    pledge = waiting_sign_on(statement)
    client.force_login(moderator)  # the password only
    for url in (WORKSPACE, item_url("sign-ons", pledge.pk)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{ADMIN}two-factor/verify/?next={url}"
    refused = client.post(f"{item_url('sign-ons', pledge.pk)}decide/", {"decision": "approve"})
    assert refused.status_code == 302
    pledge.refresh_from_db()
    assert pledge.status == pledge.Status.AWAITING_MODERATION


def test_the_verify_step_leads_back_to_the_workspace_page(client, moderator, statement):
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    pledge = waiting_sign_on(statement)
    device = StaticDevice.objects.create(user=moderator, name="backup")
    StaticToken.objects.create(device=device, token="code0001")
    client.force_login(moderator)
    target = item_url("sign-ons", pledge.pk)
    verify = client.get(target)["Location"]
    response = client.post(verify, {"token": "code0001", "next": target})
    assert response.status_code == 302 and response["Location"] == target
    assert client.get(target).status_code == 200


def test_a_logged_in_account_without_staff_status_goes_to_the_staff_login(persona_client):
    response = persona_client("outsider").get(WORKSPACE)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{ADMIN}login/")


def test_an_inactive_staff_account_opens_nothing(client, moderator):
    from tests.conftest import verified_login

    verified_login(client, moderator)
    moderator.is_active = False
    moderator.save()
    assert client.get(WORKSPACE).status_code == 302


@pytest.mark.parametrize("persona", ["comms", "finance"])
def test_staff_who_do_not_moderate_get_403_on_queues_and_items(persona_client, statement, persona):
    pledge = waiting_sign_on(statement)
    client = persona_client(persona)
    assert client.get(queue_url("sign-ons")).status_code == 403
    assert client.get(item_url("sign-ons", pledge.pk)).status_code == 403
    assert client.get(f"{WORKSPACE}notifications/").status_code == 403


def test_workspace_pages_are_never_cached(moderator_client):
    response = moderator_client.get(WORKSPACE)
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_workspace_pages_work_in_other_languages(moderator_client, statement):
    pledge = waiting_sign_on(statement)
    response = moderator_client.get(f"/ar{item_url('sign-ons', pledge.pk)}")
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in response.content.decode()
