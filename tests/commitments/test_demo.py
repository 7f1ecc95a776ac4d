from io import StringIO

import pytest
from django.core.management import call_command

from campaigns.models import Campaign
from campaigns.progress import compute_progress
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
        "pledged": 3,
        "in_progress": 1,
        "fulfilled": 1,
        "lapsed": 1,
        "withdrawn": 0,
    }
    body = client.get("/c/big-tech-bds/tracker/").content.decode()
    assert "Universidad Libre" in body and "£2,000,000.00" in body
    assert client.get("/targets/alphabet/").status_code == 200
