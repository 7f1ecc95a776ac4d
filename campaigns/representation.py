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


# Right of reply and the dated target list ----------------------------------------------------

ReplyState = Literal["awaiting", "overdue", "replied"]
TargetCategory = Literal["consumer_boycott", "divestment", "pressure", "grassroots"]
TargetStatus = Literal["listed", "removed"]
TargetChangeKind = Literal["added", "removed", "recategorised"]


class ReplyClock(TypedDict):
    id: int
    campaign: str | None
    asked_on: Date
    channel: str
    question: str
    due_on: Date
    state: ReplyState
    replied_on: Date | None
    late: bool
    summary: str | None
    reply_url: Url | None
    document_url: Url | None
    document_type: str | None


def reply_clock_payload(clock) -> ReplyClock:
    """A request's public clock (`campaigns.replies.Clock`): the published reply only."""
    request, reply = clock.request, clock.reply
    with translation.override(settings.LANGUAGE_CODE):  # the address without a prefix
        document = clock.document_url
    return {
        "id": request.pk,
        "campaign": request.campaign.slug if request.campaign_id else None,
        "asked_on": iso(request.asked_on),
        "channel": request.channel,
        "question": request.question,
        "due_on": iso(request.due_on),
        "state": clock.state,
        "replied_on": iso(reply.received_on) if reply else None,
        "late": clock.late,
        "summary": reply.summary if reply else None,
        "reply_url": (reply.url or None) if reply else None,
        "document_url": settings.SITE_URL + document if document else None,
        "document_type": (reply.document_type or None) if reply and document else None,
    }


class TargetChangeEntry(TypedDict):
    target: TargetRef
    change: TargetChangeKind
    category: TargetCategory
    from_category: TargetCategory | None
    reason: str
    initial: bool
    changed_at: DateTime


def target_change_payload(change) -> TargetChangeEntry:
    """One dated change to the target list; never who made it (staff are not published)."""
    return {
        "target": target_ref(change.target),
        "change": change.kind,
        "category": change.category,
        "from_category": change.from_category or None,
        "reason": change.reason,
        "initial": change.initial,
        "changed_at": iso(change.changed_at),
    }


class TargetReplyRecorded(TypedDict):
    """The data of a `target.reply_recorded` event: a reply published, or a request overdue."""

    target: TargetRef
    reply: ReplyClock


def reply_event_payload(clock) -> TargetReplyRecorded:
    return {"target": target_ref(clock.request.target), "reply": reply_clock_payload(clock)}
