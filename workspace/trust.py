"""Which waiting commitment updates a moderator can already trust.

A contact's update is *trusted* when it still fits its commitment (the status may follow the
current one) and either

- its evidence link is on a domain of `TRUSTED_EVIDENCE_DOMAINS` (or a subdomain of one), or
- its organisation's track record is clean: at least one of its contact updates was
  accepted and none was ever rejected.

Trusted updates are offered on the organisation's commitment pledge page ("also accept N
trusted updates"); accepting them still goes through
`commitments.services.review_commitment_update`, one audited review each.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count, Q

from commitments.models import CommitmentUpdate
from commitments.services import can_move
from pledges.models import ContactConfirmedPledge

Review = CommitmentUpdate.Review


@dataclass(frozen=True)
class TrustedUpdate:
    update: CommitmentUpdate
    evidence_domain: str  # the allow-listed domain its link is on, or ""
    clean_record: bool  # the organisation's earlier updates were all accepted


def trusted_domain(url: str) -> str:
    """The entry of TRUSTED_EVIDENCE_DOMAINS that `url`'s host is (or is under), or ""."""
    host = (urlsplit(url).hostname or "").casefold().rstrip(".")
    if not host:
        return ""
    for entry in settings.TRUSTED_EVIDENCE_DOMAINS:
        domain = entry.strip().casefold().rstrip(".").removeprefix("www.")
        if domain and (host == domain or host.endswith("." + domain)):
            return domain
    return ""


def clean_record(organisation_id: int) -> bool:
    """At least one contact update of the organisation accepted, none rejected (one query)."""
    record = CommitmentUpdate.objects.filter(
        source=CommitmentUpdate.Source.CONTACT,
        commitment__pledge__organisation_id=organisation_id,
    ).aggregate(
        accepted=Count("pk", filter=Q(review=Review.ACCEPTED)),
        rejected=Count("pk", filter=Q(review=Review.REJECTED)),
    )
    return record["accepted"] > 0 and record["rejected"] == 0


def why_trusted(update: CommitmentUpdate, *, record_is_clean: bool) -> TrustedUpdate | None:
    if update.review != Review.PENDING or not can_move(update.commitment.status, update.status):
        return None
    domain = trusted_domain(update.evidence_url) if update.evidence_url else ""
    if not domain and not record_is_clean:
        return None
    return TrustedUpdate(update, domain, record_is_clean)


def trusted_updates(organisation_id: int | None) -> list[TrustedUpdate]:
    """The organisation's waiting contact updates that are trusted, oldest first (two
    queries: the waiting updates, the track record)."""
    if organisation_id is None:
        return []
    waiting = list(
        CommitmentUpdate.objects.filter(
            review=Review.PENDING,
            commitment__pledge__organisation_id=organisation_id,
            commitment__pledge__status=ContactConfirmedPledge.Status.APPROVED,
        )
        .select_related("commitment__target", "commitment__pledge__campaign")
        .order_by("created_at", "pk")
    )
    if not waiting:
        return []
    record_is_clean = clean_record(organisation_id)
    found = (why_trusted(update, record_is_clean=record_is_clean) for update in waiting)
    return [trusted for trusted in found if trusted is not None]
