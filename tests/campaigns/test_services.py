from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from campaigns import services
from campaigns.models import Campaign
from tests.conftest import create_campaign, run_tasks

pytestmark = pytest.mark.django_db


def test_publish_makes_campaign_live_and_notifies_communications_once(comms):
    campaign = create_campaign("launch-me", live=False)
    services.publish(campaign, by=comms)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.LIVE
    assert campaign.launched_at is not None
    run_tasks()
    assert [m.to for m in mail.outbox] == [[comms.email]]
    assert "launch-me" in mail.outbox[0].body
    # Closing and reopening does not notify again.
    services.close(campaign, by=comms)
    services.transition(campaign, Campaign.Status.LIVE, by=comms)
    run_tasks()
    assert len(mail.outbox) == 1


def test_notification_task_is_idempotent(comms):
    from campaigns.tasks import notify_campaign_launched

    campaign = create_campaign("twice")
    notify_campaign_launched.enqueue(campaign.pk)
    run_tasks()
    assert len(mail.outbox) == 1


def test_failed_transaction_leaves_no_task_behind():
    campaign = create_campaign("rollback", live=False)
    before = DBTaskResult.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.publish(campaign, by=None)
        raise RuntimeError("boom")
    assert DBTaskResult.objects.count() == before
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (Campaign.Status.DRAFT, Campaign.Status.CLOSED),
        (Campaign.Status.LIVE, Campaign.Status.DRAFT),
        (Campaign.Status.LIVE, Campaign.Status.SCHEDULED),
    ],
)
def test_transition_table_refuses_invalid_moves(start, to):
    campaign = create_campaign("moves", live=start == Campaign.Status.LIVE)
    with pytest.raises(services.InvalidTransition):
        services.transition(campaign, to, by=None)


def test_schedule_requires_future_launch_time():
    campaign = create_campaign("later", live=False)
    with pytest.raises(Exception, match="future"):
        services.schedule(campaign, launch_at=timezone.now() - timedelta(hours=1), by=None)


def test_scheduled_campaign_becomes_public_at_launch_time_and_scheduler_launches_it(comms):
    launch = timezone.now() + timedelta(days=1)
    campaign = create_campaign("soon", live=False)
    services.schedule(campaign, launch_at=launch, by=comms)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SCHEDULED
    assert not campaign.is_public()
    with time_machine.travel(launch + timedelta(minutes=1)):
        assert campaign.is_public()
        assert services.run_schedule() == (1, 0)
        assert services.run_schedule() == (0, 0)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.LIVE


def test_scheduler_closes_campaigns_past_close_time():
    campaign = create_campaign("ending", close_at=timezone.now() + timedelta(hours=2))
    with time_machine.travel(timezone.now() + timedelta(hours=3)):
        assert campaign.is_closed()
        assert services.run_schedule() == (0, 1)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.CLOSED


@pytest.mark.parametrize("code", ["ZZZ", "XXX", "DEM", "eu"])
def test_a_fundraising_goal_in_a_currency_that_does_not_exist_is_refused(db, code):
    from django.core.exceptions import ValidationError

    from campaigns.models import Campaign

    campaign = Campaign(
        slug="fund", kind=Campaign.Kind.FUNDRAISER, title="Fund", fundraising_goal_minor=100
    )
    campaign.fundraising_currency = code
    with pytest.raises(ValidationError) as caught:
        campaign.full_clean()
    assert "fundraising_currency" in caught.value.message_dict
