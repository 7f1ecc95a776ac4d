"""Emails to moderators: the daily digest (once a day per person, only when something waits,
not to those who switched it off) and the alert when an empty queue gets its first item."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pledges import contact
from staff import preferences
from staff.models import StaffNotice
from staff.roles import MODERATORS
from tests.conftest import make_user, run_tasks
from tests.quality.mail_providers import ProviderDownBackend
from tests.workspace.conftest import (
    WORKSPACE,
    item_url,
    suspect_signature,
    waiting_sign_on,
    waiting_update,
)

pytestmark = pytest.mark.django_db

MORNING = "2026-12-02 07:00:00+00:00"


def digests_to(user) -> list:
    return [m for m in mail.outbox if user.email in m.to and "Moderation:" in m.subject]


def alerts_to(user) -> list:
    return [m for m in mail.outbox if user.email in m.to and "Waiting for moderation" in m.subject]


def send_digest() -> None:
    call_command("send_moderation_digest", stdout=io.StringIO())
    run_tasks()


@pytest.fixture
def second_moderator(django_user_model):
    return make_user(django_user_model, "moderator2", MODERATORS)


def test_the_digest_goes_once_a_day_with_the_counts(moderator, statement, drive):
    with time_machine.travel("2026-11-10 09:00:00+00:00", tick=False):
        waiting_sign_on(statement)  # 22 days old by the morning of the 2nd: overdue
    with time_machine.travel("2026-11-30 09:00:00+00:00", tick=False):
        waiting_sign_on(statement, website="https://b.example/", contact_email="c@b.example")
        waiting_update(drive)
    run_tasks()
    mail.outbox.clear()
    with time_machine.travel(MORNING, tick=False):
        send_digest()
        send_digest()  # cron ran it twice: still one email
        (digest,) = digests_to(moderator)
    assert digest.subject == "Moderation: 3 items wait (1 overdue)"
    assert "Organisational sign-ons: 2 waiting · 1 overdue" in digest.body
    assert "Commitment updates: 1 waiting" in digest.body
    assert "Suspect signatures" not in digest.body  # nothing waits there
    assert f"http://testserver{WORKSPACE}moderation/sign-ons/" in digest.body
    assert f"http://testserver{WORKSPACE}notifications/" in digest.body
    html = digest.alternatives[0][0]
    assert '<html lang="en" dir="ltr">' in html
    with time_machine.travel("2026-12-03 07:00:00+00:00", tick=False):
        send_digest()
        assert len(digests_to(moderator)) == 2  # the next day, the next digest


def test_the_same_digest_task_run_twice_sends_once(moderator, statement):
    from workspace.tasks import send_moderation_digest

    waiting_sign_on(statement)
    run_tasks()
    mail.outbox.clear()
    assert send_moderation_digest.call("2026-12-02") == 1
    assert send_moderation_digest.call("2026-12-02") == 0
    assert len(digests_to(moderator)) == 1
    notice = StaffNotice.objects.get(user=moderator, kind=StaffNotice.Kind.MODERATION_DIGEST)
    assert notice.key == "2026-12-02" and notice.sent_at is not None


def test_no_digest_when_nothing_waits(moderator, statement):
    pledge = waiting_sign_on(statement)
    contact.approve(pledge, by=moderator)
    run_tasks()
    mail.outbox.clear()
    with time_machine.travel(MORNING, tick=False):
        send_digest()
    assert digests_to(moderator) == []
    assert not StaffNotice.objects.filter(kind=StaffNotice.Kind.MODERATION_DIGEST).exists()


def test_no_digest_for_moderators_who_switched_it_off(moderator, second_moderator, statement):
    preferences.set_notification_preferences(
        moderator, preferences.Notifications(moderation_digest=False, moderation_alerts=True)
    )
    waiting_sign_on(statement)
    run_tasks()
    mail.outbox.clear()
    with time_machine.travel(MORNING, tick=False):
        send_digest()
    assert digests_to(moderator) == []
    assert len(digests_to(second_moderator)) == 1


def test_no_digest_for_other_staff(comms, finance, moderator, statement):
    waiting_sign_on(statement)
    run_tasks()
    with time_machine.travel(MORNING, tick=False):
        send_digest()
    assert digests_to(comms) == [] and digests_to(finance) == []
    assert len(digests_to(moderator)) == 1


def test_a_failed_digest_is_retried_and_sent_once(moderator, statement, settings):
    waiting_sign_on(statement)
    run_tasks()
    mail.outbox.clear()
    settings.MAILERS = {"default": {"BACKEND": "tests.quality.mail_providers.ProviderDownBackend"}}
    ProviderDownBackend.failures_left = 1
    try:
        with time_machine.travel(MORNING, tick=False):
            send_digest()
        assert digests_to(moderator) == []
        digests = StaffNotice.objects.filter(kind=StaffNotice.Kind.MODERATION_DIGEST)
        assert not digests.filter(sent_at__isnull=False).exists()
        retry = DBTaskResult.objects.filter(
            task_path="workspace.tasks.send_moderation_digest", status="READY"
        ).get()
        assert retry.args_kwargs["kwargs"] == {"attempt": 2}
        with time_machine.travel("2026-12-02 07:05:00+00:00", tick=False):
            run_tasks()
            run_tasks()
    finally:
        ProviderDownBackend.failures_left = 0
    assert len(digests_to(moderator)) == 1


def test_the_first_item_of_an_empty_queue_alerts_the_moderators(moderator, statement):
    first = waiting_sign_on(statement)
    run_tasks()
    (alert,) = alerts_to(moderator)
    assert alert.subject == "Waiting for moderation: Organisational sign-ons"
    assert f"http://testserver{item_url('sign-ons', first.pk)}" in alert.body
    assert first.organisation.name not in alert.body  # a link, not the details
    waiting_sign_on(statement, website="https://b.example/", contact_email="c@b.example")
    run_tasks()
    assert len(alerts_to(moderator)) == 1  # the queue was not empty any more


def test_a_queue_that_emptied_alerts_again(moderator, statement):
    first = waiting_sign_on(statement)
    run_tasks()
    contact.approve(first, by=moderator)
    waiting_sign_on(statement, website="https://b.example/", contact_email="c@b.example")
    run_tasks()
    assert len(alerts_to(moderator)) == 2


def test_every_kind_of_item_alerts(moderator, statement, drive, hold_every_address):
    waiting_update(drive)
    suspect_signature(statement)
    suspect_signature(statement, email="second@example.org")
    run_tasks()
    subjects = sorted(m.subject for m in alerts_to(moderator))
    assert subjects == [
        "Waiting for moderation: Commitment updates",
        "Waiting for moderation: Suspect signatures",
    ]


def test_no_alert_for_moderators_who_switched_it_off(moderator, second_moderator, statement):
    preferences.set_notification_preferences(
        moderator, preferences.Notifications(moderation_digest=True, moderation_alerts=False)
    )
    waiting_sign_on(statement)
    run_tasks()
    assert alerts_to(moderator) == []
    assert len(alerts_to(second_moderator)) == 1


def test_no_alert_once_the_item_was_decided(moderator, statement):
    pledge = waiting_sign_on(statement)
    contact.approve(pledge, by=moderator)
    run_tasks()
    assert alerts_to(moderator) == []


def test_the_alert_is_enqueued_with_the_item_and_vanishes_with_it(moderator, statement):
    from pledges import services
    from tests.pledges.conftest import org_data

    pledge = services.sign_on(statement, org_data()).pledge
    alerts = DBTaskResult.objects.filter(task_path="workspace.tasks.send_first_item_alert")
    with pytest.raises(RuntimeError), transaction.atomic():
        contact.confirm_contact(pledge)
        assert alerts.count() == 1  # in the same transaction as the item
        raise RuntimeError("the confirmation fails after all")
    assert alerts.count() == 0
    pledge.refresh_from_db()
    assert pledge.status == pledge.Status.UNCONFIRMED


def test_an_alert_task_run_twice_sends_once(moderator, statement):
    from workspace.tasks import send_first_item_alert

    pledge = waiting_sign_on(statement)
    run_tasks()
    assert send_first_item_alert.call("sign-ons", pledge.pk) == 0
    assert len(alerts_to(moderator)) == 1


def test_the_digest_of_a_day_counts_what_waits_that_morning(moderator, statement):
    """An item that arrived and was decided before the digest is not in it."""
    with time_machine.travel(timezone.now() - timedelta(days=1), tick=False):
        pledge = waiting_sign_on(statement)
    contact.approve(pledge, by=moderator)
    waiting_sign_on(statement, website="https://b.example/", contact_email="c@b.example")
    run_tasks()
    mail.outbox.clear()
    send_digest()
    (digest,) = digests_to(moderator)
    assert "Organisational sign-ons: 1 waiting" in digest.body
