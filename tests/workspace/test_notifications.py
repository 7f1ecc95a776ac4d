"""'My notifications': a moderator's own switches for the digest and the alerts."""

import pytest

from staff import preferences
from tests.workspace.conftest import WORKSPACE

pytestmark = pytest.mark.django_db

PAGE = f"{WORKSPACE}notifications/"


def test_everything_is_on_until_switched_off(moderator_client, moderator):
    body = moderator_client.get(PAGE).content.decode()
    assert body.count("checked") == 2
    assert preferences.notification_preferences(moderator) == preferences.Notifications()


def test_a_moderator_switches_the_digest_off_and_keeps_the_alerts(moderator_client, moderator):
    response = moderator_client.post(PAGE, {"moderation_alerts": "on"}, follow=True)
    assert response.redirect_chain[-1][0] == PAGE
    assert "Your notification choices are saved." in response.content.decode()
    assert preferences.notification_preferences(moderator) == preferences.Notifications(
        moderation_digest=False, moderation_alerts=True
    )
    moderator_client.post(PAGE, {"moderation_digest": "on", "moderation_alerts": "on"})
    assert preferences.notification_preferences(moderator) == preferences.Notifications()


def test_each_person_changes_only_their_own(moderator_client, moderator, django_user_model):
    from staff.roles import MODERATORS
    from tests.conftest import make_user

    other = make_user(django_user_model, "moderator2", MODERATORS)
    moderator_client.post(PAGE, {})
    assert preferences.notification_preferences(other) == preferences.Notifications()


def test_the_page_keeps_djangos_csrf_token(moderator):
    from django.test import Client

    from tests.conftest import verified_login

    strict = verified_login(Client(enforce_csrf_checks=True), moderator)
    assert strict.post(PAGE, {}).status_code == 403
    assert preferences.notification_preferences(moderator) == preferences.Notifications()
