"""Signature and organisation counts for `campaigns.figures`.

Confirmed signatures are a tally (`campaigns.counters`): confirming, withdrawing and erasing
leave a change row, the counting job adds them up, and `recount_signatures` gives the true
counts for the nightly reconcile. The other figures are one aggregate each.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator

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


# Rooms above that add to the "signatures" tally (paper sheets) give their own true counts:
# source() -> (campaign id, country, n). `register_signature_source` from their `ready`.
_signature_sources: list[Callable[[], Iterable[tuple[int, str, int]]]] = []


def register_signature_source(source: Callable[[], Iterable[tuple[int, str, int]]]) -> None:
    if source not in _signature_sources:
        _signature_sources.append(source)


def recount_signatures() -> Iterator[tuple[int, str, int]]:
    """(campaign id, country, confirmed signatures, plus what the registered sources
    counted): the truth the tallies are checked on."""
    rows = (
        Signature.objects.filter(status=CONFIRMED)
        .values_list("campaign_id", "country")
        .annotate(n=Count("pk"))
        .values_list("campaign_id", "country", "n")
        .order_by()
    )
    if not _signature_sources:
        yield from rows.iterator()
        return
    # Summed per (campaign, country): reconcile takes one true count for each.
    totals: dict[tuple[int, str], int] = defaultdict(int)
    for campaign_id, country, n in rows.iterator():
        totals[(campaign_id, country or "")] += n
    for source in _signature_sources:
        for campaign_id, country, n in source():
            totals[(campaign_id, country or "")] += n
    for (campaign_id, country), n in totals.items():
        yield campaign_id, country, n


def organisation_counts(campaign: Campaign) -> dict:
    """Approved sign-ons (BDS drives count organisations in `commitments.progress`)."""
    approved = OrgPledge.objects.filter(
        campaign=campaign, status=ContactConfirmedPledge.Status.APPROVED
    )
    return {"organisations": approved.count()}
