"""Contact confirmation and moderation, for every kind of organisational pledge.

An organisational pledge (`pledges.models.ContactConfirmedPledge`) is made by a private
contact person who confirms by email; a moderator then approves or rejects it with a reason,
and only approved pledges are public. Sign-ons (`OrgPledge`) use this flow, and so do other
apps' pledge kinds (`commitments.CommitmentPledge`): each kind registers itself with
`register_kind` (from its `AppConfig.ready`), naming what to do once a pledge is approved and
where its rows appear in a personal-data request.

Public API: `register_kind`, `kinds`, `kind_for_label`, `confirm_contact`, `approve`,
`reject`, `MODERATION_TRANSITIONS`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from campaigns import progress
from lib.transitions import InvalidTransition
from pledges import organisations
from pledges.models import ContactConfirmedPledge
from pledges.outbox import queue_email
from staff import audit, waiting

PledgeStatus = ContactConfirmedPledge.Status


@dataclass(frozen=True)
class PledgeKind:
    model: type[ContactConfirmedPledge]
    # Key of this kind's rows in `pledges.services.personal_data` (and its template).
    personal_data_key: str
    # Runs inside the approval's transaction, the pledge locked and saved as approved.
    on_approved: Callable[[ContactConfirmedPledge], None] | None = None
    # Model labels this kind had before it moved app, still found in emailed links.
    former_labels: tuple[str, ...] = ()
    # Pledges whose contact is still owed emails after the decision (a commitment's
    # reminders): their address is kept until this no longer matches them.
    still_owed: Callable[[], Q] | None = None

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


_kinds: list[PledgeKind] = []


def register_kind(
    model: type[ContactConfirmedPledge],
    *,
    personal_data_key: str,
    on_approved: Callable[[ContactConfirmedPledge], None] | None = None,
    former_labels: tuple[str, ...] = (),
    still_owed: Callable[[], Q] | None = None,
) -> None:
    _kinds[:] = [kind for kind in _kinds if kind.model is not model]
    _kinds.append(PledgeKind(model, personal_data_key, on_approved, former_labels, still_owed))


def kinds() -> list[PledgeKind]:
    return list(_kinds)


def kind_for_label(label: str) -> PledgeKind | None:
    """The kind a token's model label names (current or former), or None."""
    for kind in _kinds:
        if label == kind.label or label in kind.former_labels:
            return kind
    return None


def pledge_for_token_value(value) -> ContactConfirmedPledge | None:
    """The pledge a contact token (`"<label>:<pk>"`) names, or None."""
    if not isinstance(value, str) or ":" not in value:
        return None
    label, _, pk = value.rpartition(":")
    kind = kind_for_label(label)
    if kind is None or not pk.isdigit():
        return None
    return kind.model.objects.filter(pk=int(pk)).first()


MODERATION_TRANSITIONS: dict[str, set[str]] = {
    PledgeStatus.UNCONFIRMED: {PledgeStatus.AWAITING_MODERATION},
    PledgeStatus.AWAITING_MODERATION: {PledgeStatus.APPROVED, PledgeStatus.REJECTED},
    PledgeStatus.APPROVED: {PledgeStatus.REJECTED, PledgeStatus.WITHDRAWN},
    PledgeStatus.REJECTED: {PledgeStatus.APPROVED},
    PledgeStatus.WITHDRAWN: set(),
}


def _transition(pledge: ContactConfirmedPledge, to: str) -> ContactConfirmedPledge:
    """Lock the row and check the move; the caller saves."""
    locked = type(pledge).objects.select_for_update().get(pk=pledge.pk)
    if to not in MODERATION_TRANSITIONS[locked.status]:
        raise InvalidTransition(locked, to)
    return locked


def confirm_contact(
    pledge: ContactConfirmedPledge, *, now: datetime | None = None
) -> tuple[ContactConfirmedPledge, str]:
    """The contact followed the emailed link: the pledge goes to the moderation queue.

    Returns "confirmed" or "already-confirmed"."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = type(pledge).objects.select_for_update().get(pk=pledge.pk)
        if locked.status != PledgeStatus.UNCONFIRMED:
            return locked, "already-confirmed"
        fields = ["status", "contact_confirmed_at"]
        if locked.organisation_id is None:
            organisations.materialise(locked)
            fields += ["organisation", "proposed_organisation", "proposed_logo"]
        locked.status = PledgeStatus.AWAITING_MODERATION
        locked.contact_confirmed_at = now
        try:
            with transaction.atomic():
                locked.save(update_fields=fields)
        except IntegrityError:
            # The organisation has signed this campaign already (another contact, perhaps
            # unpublished): that sign-on stands and its contact is told. This confirmer sees
            # the same page as for a new sign-on, so it reveals nothing to them.
            existing = type(pledge).objects.get(
                organisation=locked.organisation, campaign=locked.campaign
            )
            locked.delete()
            notify_contact_of_repeat(existing, now=now)
        else:
            waiting.item_waiting(locked)  # it now waits for moderators, in this transaction
    return locked, "confirmed"


# One notice a day at most about repeated sign-ons, so nobody can flood a contact's inbox.
REPEAT_NOTICE_INTERVAL = timedelta(days=1)


def notify_contact_of_repeat(pledge: ContactConfirmedPledge, *, now: datetime) -> None:
    """Tell a pledge's contact that someone else asked to sign the organisation on again."""
    recently = pledge.emails.filter(
        kind="contact-repeated", created_at__gt=now - REPEAT_NOTICE_INTERVAL
    ).exists()
    if pledge.contact_email and not recently:
        queue_email(pledge, "contact-repeated")


def approve(
    pledge: ContactConfirmedPledge, *, by: AbstractBaseUser | None, now: datetime | None = None
) -> ContactConfirmedPledge:
    """Make the pledge public and counted; tell the contact."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _transition(pledge, PledgeStatus.APPROVED)
        locked.status = PledgeStatus.APPROVED
        locked.moderated_at = now
        locked.moderated_by = by
        locked.rejection_reason = ""
        locked.save(update_fields=["status", "moderated_at", "moderated_by", "rejection_reason"])
        audit.record(f"{locked._meta.model_name}.approve", actor=by, target=locked)
        queue_email(locked, "moderation-approved")
        progress.moved(locked.campaign_id, "organisations")
        kind = kind_for_label(locked._meta.label_lower)
        if kind is not None and kind.on_approved is not None:
            kind.on_approved(locked)
    return locked


def reject(
    pledge: ContactConfirmedPledge,
    *,
    by: AbstractBaseUser | None,
    reason: str,
    now: datetime | None = None,
) -> ContactConfirmedPledge:
    """Refuse the pledge with a reason, which is emailed to the contact."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"rejection_reason": "A reason is required to reject."})
    now = now or timezone.now()
    with transaction.atomic():
        locked = _transition(pledge, PledgeStatus.REJECTED)
        locked.status = PledgeStatus.REJECTED
        locked.moderated_at = now
        locked.moderated_by = by
        locked.rejection_reason = reason
        locked.full_clean(validate_constraints=False)
        locked.save(update_fields=["status", "moderated_at", "moderated_by", "rejection_reason"])
        audit.record(f"{locked._meta.model_name}.reject", actor=by, target=locked)
        queue_email(locked, "moderation-rejected", context={"reason": reason})
        progress.moved(locked.campaign_id)
    return locked
