"""Signature and organisation counts for `campaigns.figures`: one aggregate per figure."""

from django.db.models import Count, Q

from campaigns.models import Campaign
from pledges.models import ContactConfirmedPledge, OrgPledge, Signature


def signature_counts(campaign: Campaign) -> dict:
    """Confirmed signatures count; pending ones are reported apart.

    Every version of the statement counts: a signature is for the campaign.
    """
    signatures = Signature.objects.filter(campaign=campaign).aggregate(
        confirmed=Count("pk", filter=Q(status=Signature.Status.CONFIRMED)),
        pending=Count("pk", filter=Q(status=Signature.Status.PENDING)),
    )
    return {"signatures": signatures["confirmed"], "pending_signatures": signatures["pending"]}


def organisation_counts(campaign: Campaign) -> dict:
    """Approved sign-ons (BDS drives count organisations in `commitments.progress`)."""
    approved = OrgPledge.objects.filter(
        campaign=campaign, status=ContactConfirmedPledge.Status.APPROVED
    )
    return {"organisations": approved.count()}
