"""Public shapes of the BDS tracker: targets, commitments, their history and totals.

Commitments of approved pledges only (`commitments.tracker`); never a contact person, an
email address, or an update the moderators have not accepted.
"""

from campaigns.models import Campaign
from commitments import tracker
from donations import money
from pledges.representation import iso, organisation_payload


def target_payload(target) -> dict:
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


def commitment_organisation_payload(organisation) -> dict:
    """The organisation behind a commitment: its id (as on /organisations/<id>/) and
    public details."""
    return {"id": organisation.pk, **organisation_payload(organisation)}


def commitment_target_payload(commitment) -> dict | None:
    """The named target, or None when the commitment names every target of the drive."""
    target = commitment.target
    return {"slug": target.slug, "name": target.name} if target is not None else None


def history_payload(entry) -> dict:
    """One dated entry of a commitment's public history (a tracker.HistoryEntry)."""
    return {
        "date": iso(entry.at),
        "status": entry.status,
        "note": entry.note,
        "evidence_url": entry.evidence_url or None,
        # "" is the pledge itself; then the source of an accepted update.
        "source": entry.source or "pledge",
    }


def commitment_payload(commitment, history: list) -> dict:
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


def commitment_totals_payload(campaign: Campaign, totals) -> dict:
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


def commitment_event_payload(
    commitment, *, from_status: str | None, changed_at, note: str = "", evidence_url: str = ""
) -> dict:
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
