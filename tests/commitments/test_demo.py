from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from campaigns.models import Campaign
from campaigns.progress import compute_progress
from commitments import tracker
from commitments.models import Commitment, CommitmentPledge

pytestmark = pytest.mark.django_db


def test_demo_has_commitments_in_various_states_and_is_idempotent(client):
    for _ in range(2):
        call_command("load_demo", "--password", "demo-pass-123", stdout=StringIO())
    campaign = Campaign.objects.get(slug="big-tech-bds")
    assert CommitmentPledge.objects.filter(campaign=campaign, status="approved").count() == 4
    assert Commitment.objects.count() == 6
    counts = compute_progress(campaign).commitments
    assert counts == {
        "pledged": 2,
        "agreed_to_review": 1,
        "in_progress": 1,
        "fulfilled": 1,
        "lapsed": 1,
        "withdrawn": 0,
    }
    grades = dict(Commitment.objects.values_list("status", "grade").filter(status="fulfilled"))
    assert grades == {"fulfilled": "verified"}
    body = client.get("/c/big-tech-bds/tracker/").content.decode()
    assert "Universidad Libre" in body and "£2,000,000.00" in body
    assert client.get("/targets/alphabet/").status_code == 200


def test_demo_statuses_agree_with_their_dates_and_history():
    call_command("load_demo", "--password", "demo-pass-123", stdout=StringIO())
    today = timezone.localdate()
    commitments = list(tracker.public_commitments())
    histories = tracker.histories(commitments)
    for commitment in commitments:
        history = histories[commitment.pk]
        assert history[-1].status == commitment.status
        assert [entry.at for entry in history] == sorted(entry.at for entry in history)
        assert history[0].at == commitment.created_at <= timezone.now()
        if commitment.deadline:
            assert commitment.deadline >= timezone.localdate(commitment.created_at)
        if commitment.status == Commitment.Status.LAPSED:
            # Lapsed by the deadline job after the grace days, never before the deadline.
            assert commitment.deadline < today
            assert timezone.localdate(commitment.lapsed_at) > commitment.deadline
            assert history[-1].source == "system"
        elif commitment.is_open and commitment.deadline:
            assert commitment.deadline >= today
        if commitment.status == Commitment.Status.FULFILLED:
            assert commitment.fulfilled_at <= timezone.now()
