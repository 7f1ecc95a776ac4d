"""The demo's own emails never reach the console: a newcomer sees only theirs."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from campaigns.models import Campaign
from pledges import services
from pledges.models import PledgeEmail
from pledges.services import SignatureData
from tests.conftest import run_tasks

pytestmark = pytest.mark.django_db


def test_the_worker_sends_no_demo_email_after_the_demo_loads():
    call_command("load_demo", stdout=StringIO())
    assert PledgeEmail.objects.exists()  # made through the services, which queue emails ...
    assert not PledgeEmail.objects.filter(sent_at__isnull=True).exists()  # ... all handled
    assert not DBTaskResult.objects.exists()
    run_tasks()
    assert mail.outbox == []
    assert not Campaign.objects.filter(launch_notified_at__isnull=True).exists()


def test_a_newcomer_signing_the_demo_campaign_gets_their_email():
    call_command("load_demo", stdout=StringIO())
    services.sign(
        Campaign.objects.get(slug="refuse-extraction"),
        SignatureData(name="New Comer", email="newcomer@example.net", country="DE", language="en"),
    )
    run_tasks()
    assert [message.to for message in mail.outbox] == [["newcomer@example.net"]]


def test_a_second_run_queues_nothing():
    call_command("load_demo", stdout=StringIO())
    emails = PledgeEmail.objects.count()
    call_command("load_demo", stdout=StringIO())
    assert PledgeEmail.objects.count() == emails and not DBTaskResult.objects.exists()
