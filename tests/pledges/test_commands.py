from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from pledges.models import OrgPledge, Signature
from tests.conftest import run_tasks
from tests.pledges.conftest import org_data, sign, signed_and_confirmed

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_reminders_command_sends_two_reminders_then_nothing(campaign):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign(campaign)
    run_tasks()
    mail.outbox.clear()
    for day in (2, 2, 3, 4, 6, 8, 20):
        with time_machine.travel(start + timedelta(days=day, hours=1), tick=False):
            run("send_signature_reminders")
    run_tasks()
    assert len(mail.outbox) == 2


def test_purge_command_is_safe_to_run_twice(campaign):
    from pledges import services

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign(campaign, email="old@example.org")
        signed_and_confirmed(campaign, email="kept@example.org")
        services.sign_on(campaign, org_data())
    with time_machine.travel(start + timedelta(days=31), tick=False):
        assert "1 unconfirmed" in run("purge_unconfirmed_signatures")
        assert "0 unconfirmed" in run("purge_unconfirmed_signatures")
    assert list(Signature.objects.values_list("email", flat=True)) == ["kept@example.org"]
    assert not OrgPledge.objects.exists()


def test_purge_command_days_option(campaign):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign(campaign)
    with time_machine.travel(start + timedelta(days=3), tick=False):
        assert "0 unconfirmed" in run("purge_unconfirmed_signatures")
        assert "1 unconfirmed" in run("purge_unconfirmed_signatures", "--days", "2")
    with pytest.raises(CommandError):
        run("purge_unconfirmed_signatures", "--days", "0")
