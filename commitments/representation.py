"""Public shapes of the BDS tracker: targets, commitments, their history and totals.

Commitments of approved pledges only (`commitments.tracker`); never a contact person, an
email address, or an update the moderators have not accepted. The API's serializers are
generated from these declarations (see campaigns/representation.py).
"""

from typing import TypedDict

from django.conf import settings
from django.urls import reverse

from campaigns import replies, targets
from campaigns.models import Campaign
from campaigns.representation import (
    Date,
    DateTime,
    ReplyClock,
    TargetCategory,
    TargetChangeEntry,
    TargetRef,
    TargetStatus,
    Url,
    iso,
    reply_clock_payload,
    target_change_payload,
    target_ref,
)
from commitments import tracker
from donations import money
from pledges.representation import PublicOrganisation, organisation_payload


class Target(TypedDict):
    slug: str
    name: str
    headquarters_country: str
    description: str
    products: list[str]
    campaigns: list[str]
    commitments: dict[str, int]
    # The dated list and the right of reply (campaigns.targets, campaigns.replies).
    category: TargetCategory
    status: TargetStatus
    removed_at: DateTime | None
    reply: ReplyClock | None


def target_payload(target) -> Target:
    """A BDS target (with `public_campaigns` prefetched) and its public commitments by status;
    its category, whether it is on the list, and the clock of its newest reply request
    (`public_reply_requests` and `list_changes` prefetched, else read here)."""
    requests = _reply_requests(target)
    removal = targets.removal(_list_changes(target))
    return {
        "slug": target.slug,
        "name": target.name,
        "headquarters_country": target.headquarters_country.code or "",
        "description": target.description,
        "products": target.product_list(),
        "campaigns": [c.slug for c in target.public_campaigns],
        "commitments": tracker.target_status_counts(target),
        "category": target.category,
        "status": target.status,
        "removed_at": iso(removal.changed_at) if removal else None,
        "reply": reply_clock_payload(replies.clock(requests[0])) if requests else None,
    }


def _reply_requests(target) -> list:
    found = getattr(target, "public_reply_requests", None)
    return found if found is not None else list(replies.public_requests([target]))


def _list_changes(target) -> list:
    found = getattr(target, "list_changes", None)
    return found if found is not None else targets.target_history(target)


class TargetRecord(TypedDict):
    reply_requests: list[ReplyClock]
    list_history: list[TargetChangeEntry]


def target_record_payload(target) -> TargetRecord:
    """Every public reply request of the target (newest first) and its history on the list
    (oldest first), for /api/v1/targets/<slug>/."""
    return {
        "reply_requests": [reply_clock_payload(replies.clock(r)) for r in _reply_requests(target)],
        "list_history": [target_change_payload(c) for c in _list_changes(target)],
    }


class CommitmentOrganisation(PublicOrganisation):
    id: int


def commitment_organisation_payload(organisation) -> CommitmentOrganisation:
    """The organisation behind a commitment: its id (as on /organisations/<id>/) and
    public details.

    The id comes first here, as in the open data files; the API's serializer writes the
    declared order (the public details, then the id).
    """
    return {"id": organisation.pk, **organisation_payload(organisation)}


def commitment_target_payload(commitment) -> TargetRef | None:
    """The named target, or None when the commitment names every target of the drive."""
    target = commitment.target
    return target_ref(target) if target is not None else None


class EvidenceItem(TypedDict):
    url: Url | None
    captured_on: Date
    document_url: Url | None
    document_type: str | None
    document_size: int | None
    document_sha256: str | None


def evidence_payload(item: tracker.EvidenceItem) -> EvidenceItem:
    """Public evidence: its link, the day captured, and a document's download and SHA-256."""
    document_url = None
    if item.has_document:
        document_url = settings.SITE_URL + reverse(
            "commitments:evidence_document", kwargs={"pk": item.pk}
        )
    return {
        "url": item.url or None,
        "captured_on": iso(item.captured_on),
        "document_url": document_url,
        "document_type": item.document_type or None,
        "document_size": item.document_size,
        "document_sha256": item.sha256 or None,
    }


class HistoryEntry(TypedDict):
    date: DateTime
    status: str
    note: str
    evidence_url: Url | None
    source: str
    evidence: list[EvidenceItem]


def history_payload(entry: tracker.HistoryEntry) -> HistoryEntry:
    """One dated entry of a commitment's public history."""
    return {
        "date": iso(entry.at),
        "status": entry.status,
        "note": entry.note,
        "evidence_url": entry.evidence_url or None,
        # "" is the pledge itself; then the source of an accepted update.
        "source": entry.source or "pledge",
        "evidence": [evidence_payload(item) for item in entry.evidence],
    }


class Commitment(TypedDict):
    id: int
    campaign: str
    organisation: CommitmentOrganisation
    target: TargetRef | None
    all_targets: bool
    type: str
    other_type: str
    action: str
    amount: str | None
    currency: str | None
    deadline: Date | None
    status: str
    grade: str
    pledged_at: DateTime
    status_changed_at: DateTime
    fulfilled_at: DateTime | None
    lapsed_at: DateTime | None
    history: list[HistoryEntry]


def commitment_payload(commitment, history: list) -> Commitment:
    """A public commitment with its public history (oldest first)."""
    has_amount = commitment.amount_minor is not None
    return {
        "id": commitment.pk,
        "campaign": commitment.pledge.campaign.slug,
        "organisation": commitment_organisation_payload(commitment.pledge.organisation),
        "target": commitment_target_payload(commitment),
        "all_targets": commitment.target_id is None,
        "type": commitment.kind,
        "other_type": commitment.other_kind,
        "action": commitment.action,
        "amount": money.decimal_string(commitment.amount_minor, commitment.currency)
        if has_amount
        else None,
        "currency": commitment.currency if has_amount else None,
        "deadline": iso(commitment.deadline),
        "status": commitment.status,
        "grade": commitment.grade,
        "pledged_at": iso(commitment.created_at),
        "status_changed_at": iso(commitment.status_changed_at),
        "fulfilled_at": iso(commitment.fulfilled_at),
        "lapsed_at": iso(commitment.lapsed_at),
        "history": [history_payload(entry) for entry in history],
    }


class CommitmentPage(TypedDict):
    """One page of commitments, as DRF's page-number pagination counts and links it."""

    count: int
    next: Url | None
    previous: Url | None
    results: list[Commitment]


class CountryPressure(TypedDict):
    country: str  # an ISO code, or "other" (lib.disclosure.OTHER)
    organisations: int | None  # null: fewer than `fewer_than`
    fewer_than: int | None


class DivestmentTotal(TypedDict):
    currency: str
    amount: str
    commitments: int


class PressurePoint(TypedDict):
    date: Date
    organisations: int
    acted: int


class Pressure(TypedDict):
    organisations: int
    countries: list[CountryPressure]
    divestment: list[DivestmentTotal]
    series: list[PressurePoint]


def pressure_payload(pressure: tracker.Pressure) -> Pressure:
    """`tracker.target_pressure` as JSON: amounts as decimal strings in their currency, never
    added across currencies; the series by month (its last day), oldest first."""
    monthly = [row for i, row in enumerate(pressure.series) if _month_end(pressure.series, i)]
    return {
        "organisations": pressure.organisations,
        "countries": [
            {"country": c.code, "organisations": c.organisations, "fewer_than": c.fewer_than}
            for c in pressure.countries
        ],
        "divestment": [
            {
                "currency": d.currency,
                "amount": money.decimal_string(d.amount_minor, d.currency),
                "commitments": d.commitments,
            }
            for d in pressure.divestment
        ],
        "series": [
            {"date": iso(day), "organisations": pledged, "acted": acted}
            for day, pledged, acted in monthly
        ],
    }


def _month_end(series: list, index: int) -> bool:
    return index == len(series) - 1 or series[index + 1][0].month != series[index][0].month


class TargetDetail(Target, TargetRecord):
    commitment_page: CommitmentPage
    pressure: Pressure


class TargetTally(TypedDict):
    target: str | None
    name: str | None
    all_targets: bool
    count: int


class CountryTally(TypedDict):
    country: str  # an ISO code, or "other" (lib.disclosure.OTHER)
    count: int | None  # null: fewer than `fewer_than`
    fewer_than: int | None


class CommitmentTotals(TypedDict):
    campaign: str
    total: int
    organisations: int
    by_status: dict[str, int]
    by_grade: dict[str, int]
    by_type: dict[str, int]
    by_target: list[TargetTally]
    by_country: list[CountryTally]


def commitment_totals_payload(campaign: Campaign, totals) -> CommitmentTotals:
    """tracker.commitment_totals as JSON: keys and counts, no translated labels."""
    return {
        "campaign": campaign.slug,
        "total": totals.total,
        "organisations": totals.organisations,
        "by_status": {t.key: t.count for t in totals.by_status},
        "by_grade": {t.key: t.count for t in totals.by_grade},
        "by_type": {t.key: t.count for t in totals.by_kind},
        "by_target": [
            {
                "target": t.key or None,
                "name": t.label or None,
                "all_targets": not t.key,
                "count": t.count,
            }
            for t in totals.by_target
        ],
        "by_country": [
            {"country": t.key, "count": t.count, "fewer_than": t.fewer_than}
            for t in totals.by_country
        ],
    }


class ChangedCommitment(TypedDict):
    """The commitment in a `commitment.status_changed` event: its public fields."""

    id: int
    campaign: str
    target: TargetRef | None
    all_targets: bool
    type: str
    action: str


class CommitmentStatusChanged(TypedDict):
    """The data of a `commitment.status_changed` event."""

    commitment: ChangedCommitment
    organisation: CommitmentOrganisation
    from_status: str | None
    status: str
    changed_at: DateTime
    note: str
    evidence_url: Url | None


def commitment_event_payload(
    commitment, *, from_status: str | None, changed_at, note: str = "", evidence_url: str = ""
) -> CommitmentStatusChanged:
    """`commitment.status_changed` data: public fields and the public update only."""
    return {
        "commitment": {
            "id": commitment.pk,
            "campaign": commitment.pledge.campaign.slug,
            "target": commitment_target_payload(commitment),
            "all_targets": commitment.target_id is None,
            "type": commitment.kind,
            "action": commitment.action,
        },
        "organisation": commitment_organisation_payload(commitment.pledge.organisation),
        "from_status": from_status,
        "status": commitment.status,
        "changed_at": iso(changed_at),
        "note": note,
        "evidence_url": evidence_url or None,
    }
