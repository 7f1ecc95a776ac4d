"""The paper figure and the paper part of the "signatures" recount.

Counted batches move the "signatures" tally themselves (`paper.services`); here is the part
of it that is on paper, one aggregate on the counted batches' index, and the true counts the
nightly reconcile adds to the confirmed online signatures (`pledges.progress`).
"""

from collections.abc import Iterator

from django.db.models import Sum

from campaigns.models import Campaign
from paper.models import PaperBatch

COUNTED = PaperBatch.Status.COUNTED


def paper_counts(campaign: Campaign) -> dict:
    total = PaperBatch.objects.filter(campaign=campaign, status=COUNTED).aggregate(n=Sum("count"))
    return {"paper_signatures": total["n"] or 0}


def recount_paper() -> Iterator[tuple[int, str, int]]:
    """(campaign id, country, signatures in counted batches)."""
    rows = (
        PaperBatch.objects.filter(status=COUNTED)
        .values_list("campaign_id", "country")
        .annotate(n=Sum("count"))
        .values_list("campaign_id", "country", "n")
        .order_by()
    )
    yield from rows.iterator()
