"""Signature and organisation counts for campaigns.progress."""

from campaigns.models import Campaign


def pledge_counts(campaign: Campaign) -> dict:
    return {"signatures": 0, "pending_signatures": 0, "organisations": 0, "commitments": {}}
