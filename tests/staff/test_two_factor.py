"""Staff logins: throttled passwords, then a second factor before any staff page opens."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff.models import AuditEvent
from tests.conftest import create_campaign
from tests.staff.helpers import (
    ADMIN,
    SETUP,
    VERIFY,
    current_code,
    emailed_enrolment_link,
    password_login,
)

pytestmark = pytest.mark.django_db


def test_a_password_alone_opens_no_staff_page(client, comms):
    create_campaign("secret-draft", live=False)
    response = password_login(client, comms)
    assert response.status_code == 302 and response["Location"] == ADMIN
    response = client.get(f"{ADMIN}campaigns/campaign/")
    assert response.status_code == 302
    assert response["Location"].startswith(SETUP)
    # Elsewhere on the site the half-logged-in account counts as anonymous.
    assert client.get("/c/secret-draft/").status_code == 404


def test_first_login_sets_up_an_authenticator_app(client, comms):
    password_login(client, comms)
    client.get(SETUP)  # the password alone: an enrolment link is emailed
    assert client.get(emailed_enrolment_link(comms))["Location"].startswith(SETUP)
    page = client.get(f"{SETUP}?next={ADMIN}campaigns/campaign/")
    body = page.content.decode()
    assert page.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in body
    assert re.search(r'id="totp-secret">[A-Z2-7]{32}<', body)
    device = TOTPDevice.objects.get(user=comms, confirmed=False)

    wrong = client.post(SETUP, {"token": "000000", "next": f"{ADMIN}campaigns/campaign/"})
    assert wrong.status_code == 200 and "did not match" in wrong.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count = 0  # the wrong guess above throttles the next try
    device.save()

    done = client.post(
        SETUP, {"token": current_code(device), "next": f"{ADMIN}campaigns/campaign/"}
    )
    assert done.status_code == 302 and done["Location"] == f"{ADMIN}campaigns/campaign/"
    assert client.get(f"{ADMIN}campaigns/campaign/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action="staff.two_factor_setup", actor=comms).exists()


def test_later_logins_verify_a_code(client, comms):
    device = TOTPDevice.objects.create(user=comms, name="phone", confirmed=True)
    password_login(client, comms)
    assert client.get(ADMIN)["Location"].startswith(VERIFY)
    # Holding the password is not enough to enrol another device.
    assert client.get(SETUP)["Location"].startswith(VERIFY)
    response = client.post(VERIFY, {"token": current_code(device), "next": ADMIN})
    assert response.status_code == 302 and response["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200


def test_backup_codes_work_once(client, comms):
    device = StaticDevice.objects.create(user=comms, name="backup")
    StaticToken.objects.create(device=device, token="backup123")
    password_login(client, comms)
    assert client.post(VERIFY, {"token": "backup123", "next": ADMIN}).status_code == 302
    assert client.get(ADMIN).status_code == 200
    client.post(f"{ADMIN}logout/")
    password_login(client, comms)
    again = client.post(VERIFY, {"token": "backup123", "next": ADMIN})
    assert again.status_code == 200 and "did not work" in again.content.decode()


def test_next_never_leaves_the_site(client, comms):
    device = TOTPDevice.objects.create(user=comms, name="phone", confirmed=True)
    password_login(client, comms)
    response = client.post(VERIFY, {"token": current_code(device), "next": "https://evil.example/"})
    assert response["Location"] == ADMIN


def test_two_factor_pages_need_a_staff_login(client, outsider):
    assert client.get(SETUP)["Location"].startswith(f"{ADMIN}login/")
    client.force_login(outsider)
    assert client.get(VERIFY)["Location"].startswith(f"{ADMIN}login/")


def test_the_requirement_can_be_switched_off_for_local_experiments(client, comms, settings):
    settings.STAFF_2FA_REQUIRED = False
    password_login(client, comms)
    assert client.get(f"{ADMIN}campaigns/campaign/").status_code == 200


def test_repeated_failures_lock_the_username_from_that_address_for_half_an_hour(client, comms):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(4):
            assert password_login(client, comms, password="wrong").status_code == 200
        assert password_login(client, comms, password="wrong").status_code == 429  # the 5th
        locked = password_login(client, comms)  # now even the right password
        assert locked.status_code == 429
        assert "Too many attempts" in locked.content.decode()
        # Another address is not locked out by someone else's guessing.
        other = password_login(client, comms, REMOTE_ADDR="198.51.100.7")
        assert other.status_code == 302
        client.logout()
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        assert password_login(client, comms).status_code == 302


def test_demo_staff_get_printed_backup_codes_that_open_the_staff_area(client):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("load_demo", "--password", "demo-pass-4417", stdout=out)
    call_command("load_demo", "--password", "demo-pass-4417", stdout=out)  # idempotent
    line = next(x for x in out.getvalue().splitlines()[::-1] if x.strip().startswith("comms "))
    code = line.split()[1]
    response = client.post(
        f"{ADMIN}login/", {"username": "comms", "password": "demo-pass-4417", "next": ADMIN}
    )
    assert response.status_code == 302
    assert client.post(VERIFY, {"token": code, "next": ADMIN})["Location"] == ADMIN
    assert client.get(f"{ADMIN}campaigns/campaign/").status_code == 200
