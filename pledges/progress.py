"""Signature and organisation counts for campaigns.progress: one aggregate per figure."""

from django.db.models import Count, Q

from campaigns.models import Campaign
from pledges import tracker
from pledges.models import ContactConfirmedPledge, OrgPledge, Signature


def pledge_counts(campaign: Campaign) -> dict:
    """Confirmed signatures and approved organisations count; pending ones are reported apart.

    Every version of the statement counts: a signature is for the campaign.
    """
    signatures = Signature.objects.filter(campaign=campaign).aggregate(
        confirmed=Count("pk", filter=Q(status=Signature.Status.CONFIRMED)),
        pending=Count("pk", filter=Q(status=Signature.Status.PENDING)),
    )
    commitments: dict[str, int] = {}
    if campaign.collects_commitments:
        # A drive counts organisations with an approved commitment or sign-on, once each.
        organisations = tracker.committed_organisation_ids(campaign).count()
        commitments = tracker.status_counts(campaign)
    else:
        organisations = OrgPledge.objects.filter(
            campaign=campaign, status=ContactConfirmedPledge.Status.APPROVED
        ).count()
    return {
        "signatures": signatures["confirmed"],
        "pending_signatures": signatures["pending"],
        "organisations": organisations,
        "commitments": commitments,
    }
