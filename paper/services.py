"""The only writers of paper batches: record, correct, void. Each is audited and moves the
campaign's "signatures" tally by what it changed, in the same transaction.

The tally moves through `campaigns.counters` like a confirmed signature does (+count on
record, the difference on a correction, -count on a void), so the counting job, the goal
checks, reconcile (`paper.progress.recount_paper`) and every public figure see paper and
online signatures as one number. Batches are never deleted.
"""

import uuid
from collections.abc import Sequence
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from campaigns import counters, progress
from campaigns.models import Campaign
from lib.locales import format_count
from lib.text import single_line
from lib.transitions import InvalidTransition
from paper.models import COUNT_MAX, PaperBatch, PaperSigner
from paper.signers import ListedSigner, checked_rows, has_email
from pledges.models import StatementVersion
from pledges.services import record_statement_version
from staff import audit

Status = PaperBatch.Status
TRANSITIONS: dict[str, set[str]] = {Status.COUNTED: {Status.VOIDED}, Status.VOIDED: set()}
FIGURES = ("signatures", "paper_signatures")


class BatchAlreadyRecorded(Exception):
    """The same add form was posted again: `batch` is the one its first post recorded."""

    def __init__(self, batch: PaperBatch):
        super().__init__(f"paper batch {batch.pk} already recorded")
        self.batch = batch


def transition(batch: PaperBatch, to: str) -> PaperBatch:
    """Move a (locked) batch to `to`, or raise InvalidTransition. Caller saves."""
    if to not in TRANSITIONS[batch.status]:
        raise InvalidTransition(batch, to)
    batch.status = to
    return batch


def _refuse_emails(**texts: str) -> None:
    found = {name: _("Remove the email address: paper batches never store one.")
             for name, text in texts.items() if has_email(text)}  # fmt: skip
    if found:
        raise ValidationError(found)


def check_count(count: int, signers: Sequence[ListedSigner]) -> None:
    if not isinstance(count, int) or count < 1 or count > COUNT_MAX:
        raise ValidationError({"count": _("Enter the number of signatures, from 1 to %(max)s.")
                               % {"max": format_count(COUNT_MAX)}})  # fmt: skip
    if len(signers) > count:
        raise ValidationError(
            {
                "signers": _("%(listed)d names listed, more than the %(count)d signatures counted.")
                % {"listed": len(signers), "count": count}
            }  # fmt: skip
        )


def _signers(signers: Sequence[ListedSigner]) -> list[ListedSigner]:
    """Checked again here (a script, the demo loader): the forms' rules, by line."""
    try:
        return checked_rows([(i, s.name, s.country) for i, s in enumerate(signers, start=1)])
    except ValidationError as error:
        raise ValidationError({"signers": error.messages}) from error


def _store_signers(batch: PaperBatch, signers: Sequence[ListedSigner]) -> None:
    PaperSigner.objects.bulk_create(
        PaperSigner(batch=batch, campaign_id=batch.campaign_id, name=s.name, country=s.country)
        for s in signers
    )


def _raise_if_recorded(key: uuid.UUID) -> None:
    batch = PaperBatch.objects.filter(idempotency_key=key).first()
    if batch is not None:
        raise BatchAlreadyRecorded(batch)


def check_batch(
    *,
    campaign: Campaign,
    collector: str,
    place: str,
    collected_on: date,
    count: int,
    signers: Sequence[ListedSigner] = (),
    statement_version: StatementVersion | None = None,
) -> list[ListedSigner]:
    """The rules of a new batch (the add form shows them as field errors): the signers
    checked, or a ValidationError naming the field."""
    if not campaign.collects_signatures:
        raise ValidationError({"campaign": _("This campaign does not collect signatures.")})
    if collected_on > timezone.localdate():
        raise ValidationError({"collected_on": _("The date collected cannot be in the future.")})
    _refuse_emails(collector=collector, place=place)
    signers = _signers(signers)
    check_count(count, signers)
    if statement_version is not None and statement_version.campaign_id != campaign.pk:
        raise ValidationError(
            {"statement_version": _("Choose a version of this campaign's statement.")}
        )
    return signers


def record_batch(
    *,
    campaign: Campaign,
    collector: str,
    place: str,
    country: str,
    collected_on: date,
    count: int,
    signers: Sequence[ListedSigner] = (),
    statement_version: StatementVersion | None = None,
    by: AbstractBaseUser | None,
    idempotency_key: uuid.UUID | None = None,
) -> PaperBatch:
    """Staff record a bundle of paper sheets; its count is in the public figures at once.

    `statement_version`: the text that was on the sheets, by default the campaign's current
    one. `signers`: those who agreed to be listed, at most `count`."""
    signers = check_batch(
        campaign=campaign,
        collector=collector,
        place=place,
        collected_on=collected_on,
        count=count,
        signers=signers,
        statement_version=statement_version,
    )
    if statement_version is None:
        statement_version = record_statement_version(campaign)
    if idempotency_key is not None:
        _raise_if_recorded(idempotency_key)
    with transaction.atomic():
        batch = PaperBatch(
            campaign=campaign,
            statement_version=statement_version,
            collector=single_line(collector),
            place=single_line(place),
            country=countries.alpha2(country) if country else "",
            collected_on=collected_on,
            count=count,
            recorded_by=by if by is not None and by.is_authenticated else None,
            idempotency_key=idempotency_key,
        )
        batch.full_clean(exclude=["idempotency_key"])
        try:
            with transaction.atomic():  # two posts of one form race on the key
                batch.save()
        except IntegrityError:
            if idempotency_key is not None:
                _raise_if_recorded(idempotency_key)
            raise
        _store_signers(batch, signers)
        counters.add(campaign.pk, "signatures", count, country=batch.country)
        progress.moved(campaign.pk, *FIGURES)
        audit.record(
            "paper.record",
            actor=by,
            target=batch,
            details={"campaign": campaign.slug, "count": count, "listed": len(signers),
                     "country": str(batch.country), "statement_version": statement_version.number},
        )  # fmt: skip
    return batch


def correct_batch(
    batch: PaperBatch,
    *,
    count: int,
    signers: Sequence[ListedSigner] | None = None,
    by: AbstractBaseUser | None,
) -> PaperBatch:
    """A recount of the sheets, or names typed wrong: the tally moves by the difference.

    `signers`, when given, replace the batch's listed names (None keeps them)."""
    with transaction.atomic():
        # Lock the row: two corrections (or a correction and a void) race on the tally.
        locked = PaperBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.is_voided:
            raise InvalidTransition(locked, "corrected")
        listed = PaperSigner.objects.filter(batch=locked)
        if signers is None:
            kept = [ListedSigner(s.name, str(s.country)) for s in listed]
            check_count(count, kept)
            new_listed = len(kept)
        else:
            signers = _signers(signers)
            check_count(count, signers)
            new_listed = len(signers)
        old_count, old_listed = locked.count, listed.count()
        if signers is not None:
            listed.delete()
            _store_signers(locked, signers)
        locked.count = count
        locked.full_clean()
        locked.save(update_fields=["count", "updated_at"])
        if count != old_count:
            delta = count - old_count
            counters.add(locked.campaign_id, "signatures", delta, country=locked.country)
        progress.moved(locked.campaign_id, *FIGURES)
        audit.record(
            "paper.correct",
            actor=by,
            target=locked,
            details={"count_from": old_count, "count_to": count,
                     "listed_from": old_listed, "listed_to": new_listed},
        )  # fmt: skip
    return locked


def void_batch(batch: PaperBatch, *, reason: str, by: AbstractBaseUser | None) -> PaperBatch:
    """The batch no longer counts (sheets found twice, not for this statement …); kept, with
    the reason, and its names leave the public list."""
    reason = single_line(reason)
    if not reason:
        raise ValidationError({"void_reason": _("Say why the batch is voided.")})
    _refuse_emails(void_reason=reason)
    with transaction.atomic():
        locked = PaperBatch.objects.select_for_update().get(pk=batch.pk)
        transition(locked, Status.VOIDED)
        locked.void_reason = reason
        locked.voided_at = timezone.now()
        locked.full_clean()
        locked.save(update_fields=["status", "void_reason", "voided_at", "updated_at"])
        PaperSigner.objects.filter(batch=locked).update(listed=False)
        counters.add(locked.campaign_id, "signatures", -locked.count, country=locked.country)
        progress.moved(locked.campaign_id, *FIGURES)
        audit.record(
            "paper.void",
            actor=by,
            target=locked,
            details={"campaign": locked.campaign.slug, "count": locked.count},
        )
    return locked
