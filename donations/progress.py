"""Money raised for campaigns.progress."""

from campaigns.models import Campaign


def raised_for_campaign(campaign: Campaign) -> dict:
    return {}
