"""Public shapes of the BDS tracker: targets, commitments, their history and totals.

Commitments of approved pledges only (`commitments.tracker`); never a contact person, an
email address, or an update the moderators have not accepted. The API's serializers are
generated from these declarations (see campaigns/representation.py).
"""

from typing import TypedDict

from campaigns.models import Campaign
from campaigns.representation import Date, DateTime, TargetRef, Url, iso, target_ref
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


def target_payload(target) -> Target:
    """A BDS target (with `public_campaigns` prefetched) and its public commitments by status."""
    return {
        "slug": target.slug,
        "name": target.name,
        "headquarters_country": target.headquarters_country.code or "",
        "description": target.description,
        "products": target.product_list(),
        "campaigns": [c.slug for c in target.public_campaigns],
        "commitments": tracker.target_status_counts(target),
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


class HistoryEntry(TypedDict):
    date: DateTime
    status: str
    note: str
    evidence_url: Url | None
    source: str


def history_payload(entry: tracker.HistoryEntry) -> HistoryEntry:
    """One dated entry of a commitment's public history."""
    return {
        "date": iso(entry.at),
        "status": entry.status,
        "note": entry.note,
        "evidence_url": entry.evidence_url or None,
        # "" is the pledge itself; then the source of an accepted update.
        "source": entry.source or "pledge",
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
    pledged_at: DateTime
    status_changed_at: DateTime
    fulfilled_at: DateTime | None
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
        "pledged_at": iso(commitment.created_at),
        "status_changed_at": iso(commitment.status_changed_at),
        "fulfilled_at": iso(commitment.fulfilled_at),
        "history": [history_payload(entry) for entry in history],
    }


class CommitmentPage(TypedDict):
    """One page of commitments, as DRF's page-number pagination counts and links it."""

    count: int
    next: Url | None
    previous: Url | None
    results: list[Commitment]


class TargetDetail(Target):
    commitment_page: CommitmentPage


class TargetTally(TypedDict):
    target: str | None
    name: str | None
    all_targets: bool
    count: int


class CountryTally(TypedDict):
    country: str
    count: int


class CommitmentTotals(TypedDict):
    campaign: str
    total: int
    organisations: int
    by_status: dict[str, int]
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
        "by_country": [{"country": t.key, "count": t.count} for t in totals.by_country],
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
