"""Public shapes of campaigns and their progress, for the API, the embeds and open data.

The shapes that compose several apps (a campaign's progress counts, its commitments and its
fundraising) or link to the API's own endpoints are declared here; the others are declared
by the app that owns the data (see campaigns/representation.py). The API's serializers are
generated from these declarations.

Field names follow the Open Supporter Data Interface where a concept exists there
(`title`, `browser_url`, `total_signatures`, `total_amount`, `currency`); see docs/api.md.
"""

from typing import TypedDict

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from campaigns.models import Campaign as CampaignModel
from campaigns.progress import Progress as CampaignProgress
from campaigns.representation import (
    DateTime,
    Figure,
    PublicStatus,
    TargetRef,
    Url,
    browser_url,
    figure_payload,
    iso,
    public_status,
    target_ref,
)
from donations.representation import Fundraising, fundraising_payload


class Progress(TypedDict):
    campaign: str
    title: str
    language: str
    browser_url: Url
    status: PublicStatus
    total_signatures: int
    paper_signatures: int
    pending_signatures: int
    total_organisations: int
    commitments: dict[str, int]
    fundraising: Fundraising | None
    figures: list[Figure]
    updated_at: DateTime | None


def progress_payload(
    campaign: CampaignModel, progress: CampaignProgress, *, language: str | None
) -> Progress:
    """`language` picks the texts (falling back to the default) and the labels."""
    content = campaign.content(language)
    ui_language = language or content.language
    with translation.override(ui_language):
        figures = [figure_payload(f) for f in progress.figures]
    return {
        "campaign": campaign.slug,
        "title": content.title,
        "language": ui_language,
        "browser_url": browser_url(campaign, ui_language),
        "status": public_status(campaign),
        "total_signatures": progress.signatures,
        "paper_signatures": progress.paper_signatures,
        "pending_signatures": progress.pending_signatures,
        "total_organisations": progress.organisations,
        "commitments": dict(progress.commitments),
        "fundraising": fundraising_payload(campaign, progress),
        "figures": figures,
        "updated_at": iso(progress.updated_at),
    }


class CampaignTranslation(TypedDict):
    language: str
    title: str
    summary: str
    description: str
    call_to_action: str


class Campaign(TypedDict):
    identifiers: list[str]
    slug: str
    kind: str
    status: PublicStatus
    language: str
    default_language: str
    available_languages: list[str]
    title: str
    summary: str
    description: str
    call_to_action: str
    browser_url: Url
    progress_url: Url
    embed_url: Url
    created_date: DateTime | None
    modified_date: DateTime
    end_date: DateTime | None
    signature_goal: int | None
    organisation_goal: int | None
    targets: list[TargetRef]


class CampaignDetail(Campaign):
    total_signatures: int
    total_organisations: int
    translations: list[CampaignTranslation]


def campaign_payload(campaign: CampaignModel, *, language: str | None) -> Campaign:
    """A public campaign. Reads prefetched translations and targets only."""
    content = campaign.content(language)
    return {
        "identifiers": [f"coalition:{campaign.slug}"],
        "slug": campaign.slug,
        "kind": campaign.kind,
        "status": public_status(campaign),
        "language": content.language,
        "default_language": campaign.default_language,
        "available_languages": campaign.available_languages(),
        "title": content.title,
        "summary": content.summary,
        "description": content.statement,
        "call_to_action": content.call_to_action,
        "browser_url": browser_url(campaign, language or content.language),
        "progress_url": settings.SITE_URL
        + reverse("api:campaign-progress", kwargs={"slug": campaign.slug}),
        "embed_url": settings.SITE_URL + reverse("api:embed", kwargs={"slug": campaign.slug}),
        "created_date": iso(campaign.launched_at or campaign.launch_at),
        "modified_date": iso(campaign.updated_at),
        "end_date": iso(campaign.closed_at or campaign.close_at),
        "signature_goal": campaign.signature_goal,
        "organisation_goal": campaign.organisation_goal,
        "targets": [target_ref(t) for t in campaign.targets.all()],
    }


def campaign_detail_payload(
    campaign: CampaignModel, *, language: str | None, progress: CampaignProgress | None
) -> CampaignDetail:
    """A public campaign with its counts and every translation."""
    return {
        **campaign_payload(campaign, language=language),
        "total_signatures": progress.signatures if progress else 0,
        "total_organisations": progress.organisations if progress else 0,
        "translations": [
            {
                "language": t.language,
                "title": t.title,
                "summary": t.summary,
                "description": t.statement,
                "call_to_action": t.call_to_action,
            }
            for t in campaign.public_translations()
        ],
    }
