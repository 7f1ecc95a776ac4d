"""The one tally: online confirmations and paper batches, checked against the rows by
reconcile on PostgreSQL (the nightly job) after drift and after every kind of change."""

import pytest
from django.db.models import Count, Sum

from campaigns import counters
from campaigns.models import Tally
from paper import services
from paper.models import PaperBatch
from pledges import services as pledge_services
from pledges.models import Signature
from tests.paper.conftest import record
from tests.pledges.conftest import signed_and_confirmed
from tests.pledges.test_concurrency import postgres_only

pytestmark = pytest.mark.django_db


def truth(campaign) -> dict[str, int]:
    counts: dict[str, int] = {}
    online = (
        Signature.objects.filter(campaign=campaign, status=Signature.Status.CONFIRMED)
        .values_list("country")
        .annotate(n=Count("pk"))
    )
    paper = (
        PaperBatch.objects.filter(campaign=campaign, status=PaperBatch.Status.COUNTED)
        .values_list("country")
        .annotate(n=Sum("count"))
    )
    for country, n in [*online, *paper]:
        counts[country] = counts.get(country, 0) + n
    return {country: n for country, n in counts.items() if n}


@postgres_only
def test_reconcile_keeps_the_tally_at_online_count_plus_paper_sum(campaign, comms):
    for i in range(3):
        signed_and_confirmed(campaign, email=f"s{i}@example.org", country="KE")
    withdrawn = signed_and_confirmed(campaign, email="w@example.org", country="UG")
    kept = record(campaign, by=comms, count=50, country="KE", signers=[("Amina Yusuf", "KE")])
    corrected = record(campaign, by=comms, count=30, country="UG")
    voided = record(campaign, by=comms, count=200, country="TZ")
    services.correct_batch(corrected, count=25, by=comms)
    services.void_batch(voided, reason="Sheets of another statement", by=comms)
    pledge_services.withdraw_signature(withdrawn.pk)
    counters.count()
    assert counters.by_country(campaign.pk, "signatures") == truth(campaign) == {"KE": 53, "UG": 25}
    assert counters.reconcile() == []

    # Drift (a bad restore, a hand edit): reconcile puts paper back in, not only online.
    Tally.objects.filter(campaign=campaign, figure="signatures").update(value=0)
    drifts = counters.reconcile()
    assert {(d.country, d.true) for d in drifts} == {("KE", 53), ("UG", 25)}
    assert counters.by_country(campaign.pk, "signatures") == truth(campaign)
    assert kept.count == 50


def test_reconcile_on_any_database_counts_paper_too(campaign, comms):
    record(campaign, by=comms, count=7, country="KE")
    counters.count()
    Tally.objects.filter(campaign=campaign).delete()
    counters.reconcile()
    assert counters.total(campaign.pk, "signatures") == 7
