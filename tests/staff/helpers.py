"""Staff login steps shared by the staff tests: the password form, codes, emailed links."""

import re

from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import run_tasks

ADMIN = "/staff/admin/"
SETUP = "/staff/admin/two-factor/setup/"
VERIFY = "/staff/admin/two-factor/verify/"
RESEND = "/staff/admin/two-factor/enrolment-link/"
ENROL = "/staff/admin/two-factor/enrol/"


def password_login(client, user, password=None, **extra):
    return client.post(
        f"{ADMIN}login/",
        {"username": user.username, "password": password or f"pw-{user.username}", "next": ADMIN},
        **extra,
    )


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


def emails_to(user) -> list:
    run_tasks()
    return [message for message in mail.outbox if user.email in message.to]


def emailed_enrolment_link(user) -> str:
    """The path of the enrolment link in the last email to `user`, after running the tasks."""
    messages = emails_to(user)
    assert messages, f"no email to {user.username}"
    links = re.findall(r"http://testserver(/\S+)", messages[-1].body)
    assert links and links[0].startswith(ENROL), messages[-1].body
    return links[0]
