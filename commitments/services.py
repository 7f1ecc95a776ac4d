"""The only code that changes BDS commitments: pledging, updates, their review, lapsing.

Contact confirmation and moderation of a `CommitmentPledge` are the generic
`confirm_contact`, `approve` and `reject` of `pledges.contact`; approval calls
`commitments_published` here (registered in `CommitmentsConfig.ready`).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from campaigns import pages, progress
from campaigns.models import Campaign, Target
from commitments import evidence as evidence_files
from commitments import representation
from commitments.models import (
    ACTION_MAX,
    HTTP_ONLY,
    NOTE_MAX,
    OPEN_STATUSES,
    Commitment,
    CommitmentPledge,
    CommitmentUpdate,
    DeadlineReminder,
    Evidence,
)
from donations.money import MoneyError, normalise_currency, to_minor
from lib.currencies import is_iso_currency
from lib.mailboxes import email_hash, normalise_email
from lib.transitions import InvalidTransition
from partners import events
from partners.models import EventType
from pledges.abuse import Client, record_attempt
from pledges.models import ContactConfirmedPledge
from pledges.organisations import known_organisation, propose
from pledges.outbox import queue_email
from pledges.services import (
    CampaignNotOpen,
    OrgSignOnData,
)
from staff import audit, waiting

Status = Commitment.Status
Kind = Commitment.Kind
Grade = Commitment.Grade
Source = CommitmentUpdate.Source
Review = CommitmentUpdate.Review
Stage = DeadlineReminder.Stage
APPROVED = ContactConfirmedPledge.Status.APPROVED

MAX_COMMITMENTS = 10
MAX_EVIDENCE = 5  # items with one update
# Far above any treasury, far below the 64-bit limit of the column.
MAX_AMOUNT_MINOR = 10**15
# Reminders before a deadline: the tightest stage reached is sent, once (a commitment
# pledged 20 days ahead gets the 30-day one, then the 7-day one).
REMINDER_STAGES = ((7, Stage.DAYS_7), (30, Stage.DAYS_30), (60, Stage.DAYS_60))
DEFAULT_LAPSE_GRACE_DAYS = 7
GRADE_PERMISSION = "commitments.grade_commitment"

OPEN = OPEN_STATUSES

TRANSITIONS: dict[str, set[str]] = {
    Status.PLEDGED: {
        Status.AGREED_TO_REVIEW,
        Status.IN_PROGRESS,
        Status.FULFILLED,
        Status.LAPSED,
        Status.WITHDRAWN,
    },
    # Agreeing to review or disclose is a step on the way, not the act: it can still go
    # under way, be done, lapse at its deadline or be withdrawn.
    Status.AGREED_TO_REVIEW: {
        Status.IN_PROGRESS,
        Status.FULFILLED,
        Status.LAPSED,
        Status.WITHDRAWN,
    },
    Status.IN_PROGRESS: {Status.FULFILLED, Status.LAPSED, Status.WITHDRAWN},
    # Done late is still done; a lapsed commitment is not reopened otherwise.
    Status.LAPSED: {Status.FULFILLED, Status.WITHDRAWN},
    Status.FULFILLED: set(),
    Status.WITHDRAWN: set(),
}
# What a contact may report; lapsing is the clock's job.
CONTACT_STATUSES = {
    Status.AGREED_TO_REVIEW,
    Status.IN_PROGRESS,
    Status.FULFILLED,
    Status.WITHDRAWN,
}


def contact_still_owed() -> Q:
    """Pledges with a commitment still open: their contact's address stays for its reminders
    (`pledges.retention`)."""
    return Q(commitments__status__in=OPEN)


def can_move(current: str, to: str) -> bool:
    """Whether an update with status `to` may follow `current` (same status = a note)."""
    if to == current:
        return current in OPEN
    return to in TRANSITIONS.get(current, set())


def lapse_grace_days() -> int:
    return getattr(settings, "COMMITMENT_LAPSE_GRACE_DAYS", DEFAULT_LAPSE_GRACE_DAYS)


def at_most_characters(limit: int) -> str:
    return ngettext("At most %(n)d character.", "At most %(n)d characters.", limit) % {"n": limit}


# Pledging ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommitmentData:
    kind: str
    action: str
    target: str = ""  # a target's slug; empty for "all listed targets"
    other_kind: str = ""
    amount: Decimal | None = None
    currency: str = ""
    deadline: date | None = None


@dataclass(frozen=True)
class CommitmentPledgeData:
    organisation: OrgSignOnData
    commitments: tuple[CommitmentData, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class CommitmentPledgeResult:
    pledge: CommitmentPledge
    outcome: str  # "new" or "held" (over a rate limit: stored, no email)


class InvalidCommitment(ValidationError):
    """Row `index` of a submission is invalid; `error_dict` names its fields."""

    def __init__(self, index: int, errors: dict[str, list[str] | str]):
        super().__init__(errors)
        self.index = index


def build_commitment(
    row: CommitmentData, *, targets: dict[str, Target], today: date, now: datetime
) -> Commitment:
    """An unsaved commitment from one submitted row, checked; raises ValidationError."""
    errors: dict[str, str] = {}
    target = None
    if row.target:
        target = targets.get(row.target)
        if target is None:
            errors["target"] = _("This company is not a target of this drive.")
    if row.kind not in Kind.values:
        errors["kind"] = _("Choose a type of commitment.")
    action = row.action.strip()
    if not action:
        errors["action"] = _("Say what your organisation will do.")
    elif len(action) > ACTION_MAX:
        errors["action"] = at_most_characters(ACTION_MAX)
    other_kind = row.other_kind.strip() if row.kind == Kind.OTHER else ""
    if row.kind == Kind.OTHER and not other_kind:
        errors["other_kind"] = _("Name the type of commitment in your words.")
    if row.deadline is not None and row.deadline < today:
        errors["deadline"] = _("The deadline cannot be in the past.")
    amount_minor = None
    currency = normalise_currency(row.currency)
    if row.amount is not None:
        if row.kind != Kind.DIVESTMENT:
            errors["amount"] = _("Only a divestment has an amount.")
        elif not is_iso_currency(currency):
            errors["currency"] = _("Give the currency as a three-letter code, e.g. EUR.")
        else:
            try:
                amount_minor = to_minor(row.amount, currency)
            except MoneyError:
                errors["amount"] = _("Not an amount in this currency.")
            else:
                if not 0 < amount_minor <= MAX_AMOUNT_MINOR:
                    errors["amount"] = _("Give an amount above zero.")
                    amount_minor = None
    commitment = Commitment(
        target=target,
        kind=row.kind,
        other_kind=other_kind,
        action=action,
        amount_minor=amount_minor,
        currency=currency if amount_minor is not None else "",
        deadline=row.deadline,
        status=Status.PLEDGED,
        status_changed_at=now,
        created_at=now,
    )
    if errors:
        raise ValidationError(errors)
    commitment.full_clean(exclude=["pledge"])
    return commitment


def pledge_commitments(
    campaign: Campaign,
    data: CommitmentPledgeData,
    *,
    client: Client | None = None,
    now: datetime | None = None,
) -> CommitmentPledgeResult:
    """An organisation pledges 1..N commitments to a BDS drive, all or nothing.

    The organisation is found by website domain (or created); the contact confirms by
    email and a moderator approves before anything is public.
    """
    now = now or timezone.now()
    client = client or Client()
    if not campaign.collects_commitments or not campaign.is_open(now):
        raise CampaignNotOpen(campaign.slug)
    if not data.commitments:
        raise ValidationError(_("Pledge at least one commitment."))
    if len(data.commitments) > MAX_COMMITMENTS:
        raise ValidationError(
            ngettext(
                "At most %(n)d commitment in one submission.",
                "At most %(n)d commitments in one submission.",
                MAX_COMMITMENTS,
            )
            % {"n": MAX_COMMITMENTS}
        )
    # Only targets on the list: a removed one keeps its commitments but takes no new ones.
    targets = {target.slug: target for target in campaign.targets.filter(status="listed")}
    today = timezone.localdate(now)
    commitments = []
    for index, row in enumerate(data.commitments):
        try:
            commitments.append(build_commitment(row, targets=targets, today=today, now=now))
        except ValidationError as exc:
            raise InvalidCommitment(index, exc.message_dict) from exc
    org = data.organisation
    contact_email = normalise_email(org.contact_email)
    over_limit = record_attempt(client, contact_email, now=now)  # in autocommit: pledges.abuse
    with transaction.atomic():
        # A new organisation is created only when the contact confirms (pledges.contact).
        organisation = known_organisation(org.website)
        pledge = CommitmentPledge(
            organisation=organisation,
            campaign=campaign,
            contact_name=org.contact_name.strip(),
            contact_email=contact_email,
            contact_email_hash=email_hash(contact_email),
            contact_language=org.contact_language,
            ip_hash=client.ip_hash,
        )
        if organisation is None:
            propose(pledge, org)
        pledge.full_clean(validate_constraints=False)
        pledge.save()
        for commitment in commitments:
            commitment.pledge = pledge
            commitment.save()
        if over_limit:
            # Held: no email; moderators see it unconfirmed in the queue.
            return CommitmentPledgeResult(pledge, "held")
        queue_email(pledge, "contact-confirm")
    return CommitmentPledgeResult(pledge, "new")


# Updates -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceData:
    """One evidence item: a web address and/or a document (an uploaded file or its bytes),
    and the day it was captured (today when not given)."""

    url: str = ""
    captured_on: date | None = None
    document: object = None  # an UploadedFile, a File or bytes


@dataclass(frozen=True)
class UpdateData:
    status: str
    note: str = ""
    evidence_url: str = ""  # a single link, captured today (the short form of `evidence`)
    evidence: tuple[EvidenceData, ...] = ()


@dataclass(frozen=True)
class CheckedEvidence:
    url: str
    captured_on: date
    document: evidence_files.CheckedDocument | None


def _check_evidence(items: tuple[EvidenceData, ...], *, today: date) -> list[CheckedEvidence]:
    """Every item checked: an http(s) link or a PDF/PNG/JPEG of at most 5 MB (by content),
    captured on a day that is not in the future. Raises ValidationError naming the field."""
    if len(items) > MAX_EVIDENCE:
        raise ValidationError(
            {
                "evidence_url": ngettext(
                    "At most %(n)d evidence item with one update.",
                    "At most %(n)d evidence items with one update.",
                    MAX_EVIDENCE,
                )
                % {"n": MAX_EVIDENCE}
            }
        )
    checked = []
    for item in items:
        errors: dict[str, str] = {}
        url = (item.url or "").strip()
        if url:
            try:
                HTTP_ONLY(url)
            except ValidationError:
                errors["evidence_url"] = _("Give a web address starting with http:// or https://.")
        document = None
        if item.document is not None:
            try:
                document = evidence_files.check_document(item.document)
            except ValidationError as exc:
                errors["evidence_document"] = exc.messages[0]
        if not url and document is None and not errors:
            errors["evidence_url"] = _("Give a link or a document as evidence.")
        captured_on = item.captured_on or today
        if captured_on > today:
            errors["evidence_captured_on"] = _("The capture date cannot be in the future.")
        if errors:
            raise ValidationError(errors)
        checked.append(CheckedEvidence(url=url, captured_on=captured_on, document=document))
    return checked


def _check_update(data: UpdateData, *, today: date) -> tuple[str, list[CheckedEvidence]]:
    errors: dict[str, str] = {}
    if data.status not in Status.values:
        errors["status"] = _("Choose a status.")
    note = data.note.strip()
    if len(note) > NOTE_MAX:
        errors["note"] = at_most_characters(NOTE_MAX)
    if errors:
        raise ValidationError(errors)
    items = tuple(data.evidence)
    if data.evidence_url.strip():
        items = (EvidenceData(url=data.evidence_url), *items)
    return note, _check_evidence(items, today=today)


def _store_evidence(update: CommitmentUpdate, items: list[CheckedEvidence], *, now) -> None:
    for item in items:
        evidence = Evidence(
            update=update, url=item.url, captured_on=item.captured_on, created_at=now
        )
        if item.document is not None:
            evidence.document_sha256 = item.document.sha256
            evidence.document_type = item.document.kind
            evidence.document_size = item.document.size
            # Under a random name (`evidence_document_path`), served by the download view.
            evidence.document.save("evidence", item.document.content, save=False)
        evidence.full_clean(exclude=["update"])
        evidence.save()


def _pages_changed(campaign_id: int) -> None:
    """Stored public pages (tracker, target and organisation pages) show this: rebuild them
    once the transaction commits."""
    pages.figures_moved(campaign_id, frozenset())


def _grade_follows_evidence(commitment: Commitment, *, now: datetime) -> None:
    """Public evidence moves a self-reported commitment to "evidence attached" (row locked);
    never to "verified", and never down."""
    if commitment.grade != Grade.SELF_REPORTED:
        return
    commitment.grade = Grade.EVIDENCE_ATTACHED
    commitment.grade_changed_at = now
    commitment.graded_by = None
    commitment.save(update_fields=["grade", "grade_changed_at", "graded_by"])
    _pages_changed(commitment.pledge.campaign_id)


def _apply(commitment: Commitment, update: CommitmentUpdate, *, now: datetime) -> None:
    """Make an accepted update the commitment's current state (row already locked)."""
    update.from_status = commitment.status
    if update.status != commitment.status:
        commitment.status = update.status
        commitment.status_changed_at = now
        if update.status == Status.FULFILLED:
            commitment.fulfilled_at = now
        if update.status == Status.LAPSED:
            commitment.lapsed_at = now
        commitment.full_clean(exclude=["pledge", "target"], validate_constraints=False)
        commitment.save(update_fields=["status", "status_changed_at", "fulfilled_at", "lapsed_at"])
        progress.moved(commitment.pledge.campaign_id, "commitments")
        _status_changed_event(commitment, update, now=now)
    else:
        _pages_changed(commitment.pledge.campaign_id)  # a note in the public history


def post_commitment_update(
    commitment: Commitment,
    data: UpdateData,
    *,
    source: str,
    by: AbstractBaseUser | None = None,
    now: datetime | None = None,
) -> CommitmentUpdate:
    """Record a dated update. From the contact it waits for review; from a moderator (or
    the system) it applies at once. Raises ValidationError or InvalidTransition."""
    now = now or timezone.now()
    note, evidence = _check_update(data, today=timezone.localdate(now))
    if source not in Source.values:
        raise ValueError(source)
    with transaction.atomic():
        # Lock the row: a contact update and a lapse may race here.
        locked = (
            Commitment.objects.select_for_update(of=("self",))
            .select_related("pledge")
            .get(pk=commitment.pk)
        )
        if locked.pledge.status != APPROVED:
            raise InvalidTransition(locked, data.status)
        allowed = can_move(locked.status, data.status)
        if source == Source.CONTACT and data.status != locked.status:
            allowed = allowed and data.status in CONTACT_STATUSES
        if not allowed:
            raise InvalidTransition(locked, data.status)
        update = CommitmentUpdate(
            commitment=locked,
            source=source,
            status=data.status,
            note=note,
            created_at=now,
        )
        # Kept for the event's `evidence_url` until the items are stored.
        update.first_evidence_url = next((item.url for item in evidence if item.url), "")
        if source != Source.CONTACT:
            update.review = Review.ACCEPTED
            update.reviewed_at = now
            update.reviewed_by = by
            _apply(locked, update, now=now)
        update.full_clean()
        update.save()
        _store_evidence(update, evidence, now=now)
        if evidence and update.review == Review.ACCEPTED:
            _grade_follows_evidence(locked, now=now)
        if source == Source.CONTACT:
            waiting.item_waiting(update)  # waits for a moderator's review
        if source == Source.MODERATOR:
            audit.record(
                "commitment.update",
                actor=by,
                target=locked,
                details={"update": update.pk, "from": update.from_status, "to": update.status},
            )
    return update


def review_commitment_update(
    update: CommitmentUpdate,
    *,
    accept: bool,
    by: AbstractBaseUser | None,
    reason: str = "",
    now: datetime | None = None,
) -> CommitmentUpdate:
    """A moderator accepts a contact's update (it becomes public and moves the status) or
    rejects it (it stays private). Raises InvalidTransition if it was already reviewed or
    the commitment has moved on so that the update no longer fits."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = CommitmentUpdate.objects.select_for_update().get(pk=update.pk)
        if locked.review != Review.PENDING:
            raise InvalidTransition(locked, Review.ACCEPTED if accept else Review.REJECTED)
        locked.reviewed_at = now
        locked.reviewed_by = by
        if accept:
            commitment = (
                Commitment.objects.select_for_update(of=("self",))
                .select_related("pledge")
                .get(pk=locked.commitment_id)
            )
            if not can_move(commitment.status, locked.status):
                raise InvalidTransition(commitment, locked.status)
            locked.review = Review.ACCEPTED
            locked.first_evidence_url = locked.evidence_url
            _apply(commitment, locked, now=now)
            if locked.evidence.exists():
                _grade_follows_evidence(commitment, now=now)
        else:
            locked.review = Review.REJECTED
            locked.review_reason = reason.strip()
        locked.full_clean()
        locked.save()
        if locked.source == Source.CONTACT:
            # The contact hears the decision (and the reason of a rejection), in their language.
            queue_email(
                locked,
                f"commitment-update-{locked.review}",
                context={"reason": locked.review_reason},
            )
        audit.record(
            f"commitmentupdate.{locked.review}",
            actor=by,
            target=locked,
            details={"commitment": locked.commitment_id, "status": locked.status},
        )
    return locked


def fulfil_commitment(
    commitment: Commitment,
    *,
    by: AbstractBaseUser | None,
    note: str = "",
    evidence_url: str = "",
    now: datetime | None = None,
) -> CommitmentUpdate:
    """A moderator records that the commitment was fulfilled."""
    return post_commitment_update(
        commitment,
        UpdateData(status=Status.FULFILLED, note=note, evidence_url=evidence_url),
        source=Source.MODERATOR,
        by=by,
        now=now,
    )


# Deadlines ---------------------------------------------------------------------------------


def _due(**filters):
    return (
        Commitment.objects.filter(status__in=OPEN, pledge__status=APPROVED, **filters)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def lapse_overdue_commitments(*, now: datetime | None = None, only: list[int] | None = None) -> int:
    """Lapse open commitments whose deadline passed more than the grace days ago, and tell
    the organisation. Safe to run twice: each row is re-checked under its lock. A lapsed
    commitment stays public with its history and the day it lapsed (`lapsed_at`).

    `only` limits the run to those commitments (the demo backdates its own)."""
    now = now or timezone.now()
    cutoff = timezone.localdate(now) - timedelta(days=lapse_grace_days())
    due = _due(deadline__lt=cutoff)
    if only is not None:
        due = due.filter(pk__in=only)
    lapsed = 0
    for pk in due.iterator(chunk_size=500):
        with transaction.atomic():
            commitment = (
                Commitment.objects.select_for_update(of=("self",))
                .select_related("pledge")
                .filter(pk=pk, status__in=OPEN, pledge__status=APPROVED, deadline__lt=cutoff)
                .first()
            )
            if commitment is None:
                continue
            update = CommitmentUpdate(
                commitment=commitment,
                source=Source.SYSTEM,
                review=Review.ACCEPTED,
                status=Status.LAPSED,
                created_at=now,
                reviewed_at=now,
            )
            _apply(commitment, update, now=now)
            update.save()
            queue_email(commitment, "commitment-lapsed")
            lapsed += 1
    return lapsed


def reminder_stage(deadline: date, today: date) -> str | None:
    """The reminder a commitment due on `deadline` is owed today: the tightest of 60, 30
    and 7 days before that has been reached, "after" once it passed, None further out."""
    if deadline < today:
        return Stage.AFTER
    days_left = (deadline - today).days
    return next((stage for days, stage in REMINDER_STAGES if days_left <= days), None)


def send_commitment_reminders(*, now: datetime | None = None) -> tuple[int, int]:
    """Remind contacts 60, 30 and 7 days before a deadline, and follow up once it passed.

    Each stage is sent once per commitment (a unique row per stage, written in the same
    transaction as the email it owes), so the job is safe to run twice or to skip a day: a
    stage not sent in its window gives way to the next one. Returns (reminders, follow-ups).
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    horizon = today + timedelta(days=max(days for days, _stage in REMINDER_STAGES))
    reminders = followups = 0
    candidates = _due(deadline__lte=horizon).exclude(
        reminders__stage=Stage.AFTER
    )  # done with once followed up
    for pk in candidates.iterator(chunk_size=500):
        with transaction.atomic():
            commitment = (
                Commitment.objects.select_for_update(of=("self",))
                .select_related("pledge")
                .filter(pk=pk, status__in=OPEN, pledge__status=APPROVED)
                .first()
            )
            if commitment is None or commitment.deadline is None:
                continue
            stage = reminder_stage(commitment.deadline, today)
            if stage is None or commitment.reminders.filter(stage=stage).exists():
                continue
            DeadlineReminder.objects.create(commitment=commitment, stage=stage, sent_at=now)
            if stage == Stage.AFTER:
                queue_email(commitment, "commitment-followup")
                followups += 1
            else:
                queue_email(commitment, "commitment-reminder", context={"stage": stage})
                reminders += 1
    return reminders, followups


# Grades ------------------------------------------------------------------------------------


def may_grade(user: AbstractBaseUser | None) -> bool:
    return user is not None and user.is_active and user.has_perm(GRADE_PERMISSION)


def set_commitment_grade(
    commitment: Commitment,
    grade: str,
    *,
    by: AbstractBaseUser | None,
    note: str = "",
    now: datetime | None = None,
) -> Commitment:
    """A moderator sets the verification grade. Only staff with `grade_commitment` may
    (PermissionDenied otherwise); "evidence attached" needs public evidence
    (ValidationError). The change is audited and public at once."""
    if not may_grade(by):
        raise PermissionDenied("Only moderators set the verification grade.")
    if grade not in Grade.values:
        raise ValidationError({"grade": _("Choose a verification grade.")})
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Commitment.objects.select_for_update(of=("self",))
            .select_related("pledge")
            .get(pk=commitment.pk)
        )
        if grade == Grade.EVIDENCE_ATTACHED and not public_evidence_exists(locked):
            raise ValidationError(
                {"grade": _("This commitment has no accepted evidence to point to.")}
            )
        if locked.grade == grade:
            return locked
        previous = locked.grade
        locked.grade = grade
        locked.grade_changed_at = now
        locked.graded_by = by
        locked.save(update_fields=["grade", "grade_changed_at", "graded_by"])
        audit.record(
            "commitment.grade",
            actor=by,
            target=locked,
            details={"from": previous, "to": grade, "note": note.strip()[:NOTE_MAX]},
        )
        _pages_changed(locked.pledge.campaign_id)
    return locked


def public_evidence_exists(commitment: Commitment) -> bool:
    return Evidence.objects.filter(
        update__commitment=commitment, update__review=Review.ACCEPTED
    ).exists()


# A fresh report link -------------------------------------------------------------------------


def request_report_link(
    email: str, *, client: Client | None = None, now: datetime | None = None
) -> int:
    """Email a fresh private report link for every approved commitment pledge whose contact
    is `email`, each in the contact's language. The page says "check your email" whatever
    happens, so nobody learns from it whether an address is a contact; over the rate limit
    of public forms nothing is sent. Returns how many emails were queued."""
    now = now or timezone.now()
    email = normalise_email(email)
    if record_attempt(client or Client(), email, now=now):  # in autocommit: pledges.abuse
        return 0
    queued = 0
    with transaction.atomic():
        pledges = CommitmentPledge.objects.filter(
            contact_email_hash=email_hash(email), status=APPROVED
        ).order_by("pk")
        for pledge in pledges:
            queue_email(pledge, "commitment-report-link", address=email)
            queued += 1
    return queued


# Events for partners -------------------------------------------------------------------------


def _is_public(commitment: Commitment) -> bool:
    pledge = commitment.pledge
    return pledge.status == APPROVED and pledge.campaign.is_public()


def _status_changed_event(commitment: Commitment, update: CommitmentUpdate, *, now) -> None:
    """`commitment.status_changed` after a public status change (a moderator's update, an
    accepted contact update, a lapse); nothing for a commitment the public cannot see.

    Called inside the caller's transaction, the row locked and its new status set.
    """
    if not _is_public(commitment):
        return
    events.emit(
        EventType.COMMITMENT_STATUS_CHANGED,
        representation.commitment_event_payload(
            commitment,
            from_status=update.from_status or None,
            changed_at=now,
            note=update.note,
            evidence_url=getattr(update, "first_evidence_url", ""),
        ),
        campaign=commitment.pledge.campaign,
    )


def commitments_published(pledge: CommitmentPledge) -> None:
    """A commitment pledge was approved (`pledges.contact.approve`): each of its commitments
    becomes public, with `from_status` null and its current status (normally "pledged")."""
    progress.moved(pledge.campaign_id, "commitments")
    if not pledge.campaign.is_public():
        return
    for commitment in pledge.commitments.select_related(
        "target", "pledge__organisation", "pledge__campaign"
    ).order_by("pk"):
        events.emit(
            EventType.COMMITMENT_STATUS_CHANGED,
            representation.commitment_event_payload(
                commitment, from_status=None, changed_at=pledge.moderated_at or timezone.now()
            ),
            campaign=pledge.campaign,
        )
