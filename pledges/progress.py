"""Signature and organisation counts for `campaigns.figures`.

Confirmed signatures are a tally (`campaigns.counters`): confirming, withdrawing and erasing
leave a change row, the counting job adds them up, and `recount_signatures` gives the true
counts for the nightly reconcile. The other figures are one aggregate each.
"""

from collections.abc import Iterator

from django.db.models import Count

from campaigns import counters
from campaigns.models import Campaign
from pledges.models import ContactConfirmedPledge, OrgPledge, Signature

CONFIRMED = Signature.Status.CONFIRMED


def signature_counts(campaign: Campaign) -> dict:
    """Confirmed signatures count; pending ones are reported apart (an index range: pending
    rows are the few awaiting confirmation, purged after a month).

    Every version of the statement counts: a signature is for the campaign.
    """
    pending = Signature.objects.filter(campaign=campaign, status=Signature.Status.PENDING)
    return {
        "signatures": counters.total(campaign.pk, "signatures"),
        "pending_signatures": pending.count(),
    }


def signatures_by_country(campaign: Campaign) -> dict[str, int]:
    return counters.by_country(campaign.pk, "signatures")


def recount_signatures() -> Iterator[tuple[int, str, int]]:
    """(campaign id, country, confirmed signatures): the truth the tallies are checked on."""
    rows = (
        Signature.objects.filter(status=CONFIRMED)
        .values_list("campaign_id", "country")
        .annotate(n=Count("pk"))
        .values_list("campaign_id", "country", "n")
        .order_by()
    )
    yield from rows.iterator()


def organisation_counts(campaign: Campaign) -> dict:
    """Approved sign-ons (BDS drives count organisations in `commitments.progress`)."""
    approved = OrgPledge.objects.filter(
        campaign=campaign, status=ContactConfirmedPledge.Status.APPROVED
    )
    return {"organisations": approved.count()}
