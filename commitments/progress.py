"""BDS drive figures for `campaigns.figures`: organisations and commitments by status."""

from campaigns.models import Campaign
from commitments import tracker


def drive_counts(campaign: Campaign) -> dict:
    """A drive counts organisations with an approved commitment or sign-on, once each."""
    return {
        "organisations": tracker.committed_organisation_ids(campaign).count(),
        "commitments": tracker.status_counts(campaign),
    }
