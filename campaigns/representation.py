"""Public shapes of campaigns: their pages, statuses, targets and progress figures.

Each public shape is declared once, as a TypedDict returned by its builder. The API's
output serializers are generated from these declarations (api/serializers.py), and the
embeds, open data and partner events use the same builders. Apps above this one declare
their shapes the same way and use the string kinds below.
"""

from enum import StrEnum
from typing import Annotated, Literal, TypedDict

from django.conf import settings
from django.utils import translation

from campaigns.models import Campaign, Target
from campaigns.progress import Figure as ProgressFigure


class Format(StrEnum):
    """What a string holds, named as OpenAPI names the format."""

    URI = "uri"
    EMAIL = "email"
    DATE = "date"
    DATE_TIME = "date-time"


# Strings by what they hold; dates and datetimes in ISO 8601, as `iso()` writes them.
Url = Annotated[str, Format.URI]
Email = Annotated[str, Format.EMAIL]
Date = Annotated[str, Format.DATE]
DateTime = Annotated[str, Format.DATE_TIME]

PublicStatus = Literal["live", "closed"]


def iso(value) -> str | None:
    """A date or datetime in ISO 8601; None when there is none."""
    return value.isoformat() if value else None


def public_status(campaign: Campaign) -> PublicStatus:
    return "closed" if campaign.is_closed() else "live"


def browser_url(campaign: Campaign, language: str | None = None) -> str:
    """The campaign page, in `language` (the campaign's default language when None)."""
    language = language or campaign.default_language
    with translation.override(language):
        return settings.SITE_URL + campaign.get_absolute_url()


class TargetRef(TypedDict):
    slug: str
    name: str


def target_ref(target: Target) -> TargetRef:
    return {"slug": target.slug, "name": target.name}


class Figure(TypedDict):
    key: str
    label: str
    count: int
    goal: int | None
    percent: int | None


def figure_payload(figure: ProgressFigure) -> Figure:
    """A progress figure; its label in the active language."""
    return {
        "key": figure.key,
        "label": figure.label,
        "count": figure.count,
        "goal": figure.goal,
        "percent": figure.percent if figure.goal else None,
    }
