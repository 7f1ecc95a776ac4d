"""Password guessing is throttled per username and address (django-axes) and, more slowly,
per username from anywhere, so spraying guesses from many addresses stops too."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from tests.staff.helpers import password_login

pytestmark = pytest.mark.django_db


def address(n: int) -> str:
    return f"203.0.113.{n}"


def spray(client, user, count: int) -> list[int]:
    """One wrong password for `user` from each of `count` different addresses."""
    return [
        password_login(client, user, password="wrong", REMOTE_ADDR=address(n)).status_code
        for n in range(1, count + 1)
    ]


def test_guesses_from_many_addresses_lock_the_username_everywhere(client, comms, moderator):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        statuses = spray(client, comms, 25)
        assert statuses[:19] == [200] * 19  # no address alone reached its limit of 5
        assert set(statuses[19:]) == {429}  # the 20th failure locks the username
        fresh = password_login(client, comms, REMOTE_ADDR="198.51.100.7")  # right password
        assert fresh.status_code == 429
        assert "many failed logins from different addresses" in fresh.content.decode()
        # Another username is not locked out by the guessing at this one.
        other = password_login(client, moderator, REMOTE_ADDR="198.51.100.7")
        assert other.status_code == 302
        client.logout()
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        # Cooling off more slowly than the per-address lock.
        assert password_login(client, comms, REMOTE_ADDR="198.51.100.8").status_code == 429
    with time_machine.travel(start + timedelta(minutes=31 + 121), tick=False):
        assert password_login(client, comms, REMOTE_ADDR="198.51.100.9").status_code == 302


def test_a_few_failures_per_address_stay_below_the_username_limit(client, comms, settings):
    settings.AXES_USERNAME_FAILURE_LIMIT = 20
    assert spray(client, comms, 19) == [200] * 19
    assert password_login(client, comms, REMOTE_ADDR=address(99)).status_code == 302


def test_a_successful_login_does_not_restart_the_allowance(client, comms):
    spray(client, comms, 15)
    assert password_login(client, comms, REMOTE_ADDR=address(50)).status_code == 302
    client.logout()
    assert spray(client, comms, 5)[-1] == 429


def test_the_username_is_locked_whatever_its_case(client, comms):
    for n in range(20):
        client.post(
            "/staff/admin/login/",
            {"username": "COMMS" if n % 2 else "comms", "password": "wrong"},
            REMOTE_ADDR=address(n + 1),
        )
    assert password_login(client, comms, REMOTE_ADDR=address(77)).status_code == 429


def test_an_administrator_lifts_the_lock(client, comms):
    spray(client, comms, 20)
    call_command("axes_reset_username", "comms", stdout=StringIO())
    assert password_login(client, comms, REMOTE_ADDR=address(88)).status_code == 302
