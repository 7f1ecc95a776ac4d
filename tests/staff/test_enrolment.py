"""A staff member's first second factor is enrolled from a one-time link, never with the
password alone: a stolen password must not let a thief register their own authenticator."""

import hashlib
import json
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.models import DBTaskResult

from staff import enrolment
from staff.models import AuditEvent, EnrolmentLink
from tests.conftest import make_user, verified_login
from tests.staff.helpers import (
    ADMIN,
    ENROL,
    RESEND,
    SETUP,
    VERIFY,
    current_code,
    emailed_enrolment_link,
    emails_to,
    password_login,
)

pytestmark = pytest.mark.django_db

PASSWORD_CHANGE = f"{ADMIN}password_change/"


def open_link(client, link: str):
    """Open an enrolment link in a logged-in session; return the setup page it leads to."""
    response = client.get(link)
    assert response.status_code == 302 and response["Location"].startswith(SETUP)
    return client.get(SETUP)


def confirm_authenticator(client, user):
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    return client.post(SETUP, {"token": current_code(device), "next": ADMIN})


def test_a_stolen_password_cannot_enrol_an_authenticator(client, comms):
    password_login(client, comms)
    page = client.get(SETUP)
    body = page.content.decode()
    assert page.status_code == 200
    assert "Check your email" in body and "We have emailed you an enrolment link" in body
    assert "totp-secret" not in body and "data:image/svg+xml" not in body
    assert not TOTPDevice.objects.filter(user=comms).exists()
    # Guessing at the setup form registers nothing either.
    client.post(SETUP, {"token": "123456", "next": ADMIN})
    assert not TOTPDevice.objects.filter(user=comms).exists()
    assert client.get(ADMIN)["Location"].startswith(SETUP)
    # The owner hears of it: the link goes to their address, not to the thief's page.
    assert len(emails_to(comms)) == 1


@pytest.mark.parametrize("has_device", [False, True], ids=["no device", "backup codes"])
def test_a_stolen_password_cannot_change_the_password_before_the_second_factor(
    client, comms, has_device
):
    if has_device:
        StaticDevice.objects.create(user=comms, name="backup")
    password_login(client, comms)
    assert client.get(PASSWORD_CHANGE).status_code == 302
    response = client.post(
        PASSWORD_CHANGE,
        {
            "old_password": "pw-comms",
            "new_password1": "thief-owns-it-now-4417",
            "new_password2": "thief-owns-it-now-4417",
        },
    )
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY if has_device else SETUP)
    comms.refresh_from_db()
    assert comms.check_password("pw-comms")


def test_the_emailed_link_enrols_the_first_device_then_works_no_more(client, comms):
    password_login(client, comms)
    client.get(SETUP)
    link = emailed_enrolment_link(comms)
    page = open_link(client, link)
    assert 'id="totp-secret"' in page.content.decode()
    done = confirm_authenticator(client, comms)
    assert done.status_code == 302 and done["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200
    assert client.get(PASSWORD_CHANGE).status_code == 200  # verified: now it opens

    issued = AuditEvent.objects.get(action="staff.enrolment_link_issue")
    assert issued.actor == comms and issued.object_id == str(comms.pk)
    assert issued.details["via"] == "email" and "@" not in json.dumps(issued.details)
    setup = AuditEvent.objects.get(action="staff.two_factor_setup")
    assert setup.details == {"device": "totpdevice", "enrolment_link": issued.details["link"]}

    client.post(f"{ADMIN}logout/")
    password_login(client, comms)
    assert client.get(link)["Location"] == ADMIN  # nothing to enrol: verify with the device
    assert client.get(ADMIN)["Location"].startswith(VERIFY)
    assert client.get(SETUP)["Location"].startswith(VERIFY)


def test_a_link_opened_before_logging_in_asks_for_the_password_first(client, comms):
    link = enrolment.hand_over_enrolment_link(comms, by=None).removeprefix("http://testserver")
    response = client.get(link)
    assert response.status_code == 302 and response["Location"].startswith(f"{ADMIN}login/")
    login = client.post(
        f"{ADMIN}login/", {"username": "comms", "password": "pw-comms", "next": link}
    )
    assert login["Location"] == link
    open_link(client, link)
    assert confirm_authenticator(client, comms)["Location"] == ADMIN


def test_a_mistyped_password_after_the_link_keeps_its_token_out_of_the_login_records(client, comms):
    from axes.models import AccessAttempt

    link = enrolment.hand_over_enrolment_link(comms, by=None).removeprefix("http://testserver")
    login = client.get(link)["Location"]
    client.post(login, {"username": "comms", "password": "typo", "next": link})
    attempt = AccessAttempt.objects.get()
    token = link.removeprefix(ENROL).strip("/")
    assert token not in attempt.get_data + attempt.post_data + attempt.path_info


def test_a_link_works_only_for_its_own_account(client, comms, moderator):
    password_login(client, comms)
    client.get(SETUP)
    link = emailed_enrolment_link(comms)
    client.post(f"{ADMIN}logout/")
    password_login(client, moderator)
    response = client.get(link)
    assert response.status_code == 200 and "no longer works" in response.content.decode()
    assert "totp-secret" not in client.get(SETUP).content.decode()
    assert not TOTPDevice.objects.exists()


def test_a_link_enrols_once_even_when_opened_in_two_sessions(client, comms):
    from django.test import Client

    other = Client()
    for session in (client, other):
        password_login(session, comms)
    client.get(SETUP)
    link = emailed_enrolment_link(comms)
    open_link(client, link)
    open_link(other, link)
    assert confirm_authenticator(client, comms)["Location"] == ADMIN
    # The other session held the same link: the confirmed device ended it.
    assert "totp-secret" not in other.get(SETUP).content.decode()
    assert other.get(ADMIN)["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=comms, confirmed=True).count() == 1


def test_a_link_cannot_enrol_a_second_device_once_the_account_has_one(comms):
    link_url = enrolment.hand_over_enrolment_link(comms, by=None)
    link = enrolment.usable_link(comms, token=link_url.rstrip("/").rsplit("/", 1)[-1])
    first = enrolment.start_authenticator(comms)
    assert enrolment.enrol_device(first, current_code(first), link=link)
    second = TOTPDevice.objects.create(user=comms, name="thief", confirmed=False)
    with pytest.raises(enrolment.EnrolmentRefused):
        enrolment.enrol_device(second, current_code(second), link=link)
    second.refresh_from_db()
    assert not second.confirmed


def test_links_expire(client, comms, settings):
    settings.STAFF_ENROLMENT_LINK_HOURS = 24
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        password_login(client, comms)
        client.get(SETUP)
        link = emailed_enrolment_link(comms)
    with time_machine.travel(start + timedelta(hours=24, minutes=1), tick=False):
        response = client.get(link)
        assert "no longer works" in response.content.decode()
        assert not TOTPDevice.objects.exists()


def test_resending_is_limited_and_only_the_newest_link_works(client, comms):
    password_login(client, comms)
    client.get(SETUP)  # the first link, sent by itself
    first = emailed_enrolment_link(comms)
    for _ in range(2):
        response = client.post(RESEND, follow=True)
        assert "We have emailed you a new enrolment link" in response.content.decode()
        newest = emailed_enrolment_link(comms)
    refused = client.post(RESEND, follow=True)
    assert "Enough links were emailed this hour" in refused.content.decode()
    assert len(emails_to(comms)) == 3
    assert "no longer works" in client.get(first).content.decode()
    open_link(client, newest)
    assert confirm_authenticator(client, comms)["Location"] == ADMIN
    assert AuditEvent.objects.filter(action="staff.enrolment_link_issue").count() == 3


def test_revisiting_the_page_sends_no_second_email_while_a_link_is_open(client, comms):
    password_login(client, comms)
    for _ in range(3):
        client.get(SETUP)
        client.get(ADMIN, follow=True)
    assert len(emails_to(comms)) == 1


def test_an_account_without_an_email_address_is_told_to_ask_an_administrator(
    client, django_user_model
):
    user = make_user(django_user_model, "noemail", is_staff=True)
    user.email = ""
    user.save()
    password_login(client, user)
    body = client.get(SETUP).content.decode()
    assert "ask an administrator for an enrolment link" in body
    assert not EnrolmentLink.objects.exists()


def test_the_email_task_keeps_only_a_hash_of_the_token_and_sends_once(client, comms, tasks):
    password_login(client, comms)
    client.get(SETUP)
    link = emailed_enrolment_link(comms)
    token = link.removeprefix(ENROL).strip("/")
    stored = EnrolmentLink.objects.get()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    task_rows = json.dumps(list(DBTaskResult.objects.values_list("args_kwargs", flat=True)))
    assert token not in task_rows
    from staff.tasks import send_enrolment_link

    assert send_enrolment_link.call(stored.pk) is False  # sent already
    tasks()
    assert len(emails_to(comms)) == 1
    message = emails_to(comms)[0]
    assert message.subject == "Set up two-factor authentication"
    assert "comms" in message.body and link in message.alternatives[0].content


def test_a_failed_transaction_leaves_no_email_behind(comms):
    with pytest.raises(RuntimeError), transaction.atomic():
        enrolment.email_enrolment_link(comms, by=comms)
        raise RuntimeError("the request failed after issuing")
    assert not DBTaskResult.objects.exists()
    assert not EnrolmentLink.objects.exists() and not AuditEvent.objects.exists()


def test_a_superuser_hands_over_a_link_in_person(client, comms):
    out = StringIO()
    call_command("staff_enrolment_link", "comms", stdout=out)
    link = out.getvalue().split()[-1].removeprefix("http://testserver")
    assert link.startswith(ENROL)
    assert emails_to(comms) == []  # printed, not emailed
    event = AuditEvent.objects.get(action="staff.enrolment_link_issue")
    assert event.actor is None and event.details["via"] == "in_person"

    password_login(client, comms)
    assert "An administrator has given you an enrolment link" in client.get(SETUP).content.decode()
    assert emails_to(comms) == []  # that open link is the one to use
    open_link(client, link)
    assert confirm_authenticator(client, comms)["Location"] == ADMIN


def test_the_command_can_email_the_link_instead(comms):
    call_command("staff_enrolment_link", "comms", "--email", stdout=StringIO())
    assert emailed_enrolment_link(comms).startswith(ENROL)


@pytest.mark.parametrize("who", ["enrolled", "not staff", "unknown"])
def test_the_command_refuses_accounts_that_cannot_enrol(comms, outsider, who):
    if who == "enrolled":
        StaticDevice.objects.create(user=comms, name="backup")
    username = {"enrolled": "comms", "not staff": outsider.username, "unknown": "nobody"}[who]
    with pytest.raises(CommandError):
        call_command("staff_enrolment_link", username, stdout=StringIO())
    assert not EnrolmentLink.objects.exists()


def test_verified_staff_add_another_authenticator_without_a_link(client, comms):
    verified_login(client, comms)
    page = client.get(SETUP)
    assert 'id="totp-secret"' in page.content.decode()
    assert confirm_authenticator(client, comms)["Location"] == ADMIN
    assert AuditEvent.objects.get(action="staff.two_factor_setup").details == {
        "device": "totpdevice",
        "enrolment_link": None,
    }


def test_backup_codes_count_as_enrolled(client, comms):
    StaticDevice.objects.create(user=comms, name="backup")
    password_login(client, comms)
    assert client.get(ADMIN)["Location"].startswith(VERIFY)
    assert client.get(SETUP)["Location"].startswith(VERIFY)
    assert not EnrolmentLink.objects.exists()
