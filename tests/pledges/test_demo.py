from io import StringIO

import pytest
from django.core.management import call_command

from campaigns.models import Campaign
from campaigns.progress import compute_progress
from pledges.models import OrgPledge, Signature

pytestmark = pytest.mark.django_db


def test_demo_has_confirmed_listed_signatures_and_approved_organisations_and_is_idempotent(
    client,
):
    for _ in range(2):
        call_command("load_demo", "--password", "demo-pass-123", stdout=StringIO())
    campaign = Campaign.objects.get(slug="refuse-extraction")
    counts = compute_progress(campaign).as_dict()
    # 8 online and the demo's two paper batches (paper/demo.py), counted once however often
    # the demo loads.
    assert counts["signatures"] == 8 + 1240 + 690
    assert counts["paper_signatures"] == 1240 + 690
    assert counts["pending_signatures"] == 1
    assert counts["organisations"] == 3
    assert Signature.objects.count() == 9
    assert OrgPledge.objects.count() == 4
    body = client.get("/c/refuse-extraction/signatories/").content.decode()
    assert "Priya Raman" in body and "Tech Workers Union" in body
    assert "Claire Dubois" not in body  # chose not to be listed
