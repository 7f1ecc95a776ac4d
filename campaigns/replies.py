"""Right of reply: a target company is asked to respond by a due date, and its reply (or its
absence) is shown publicly, once a moderator has published it.

Writes (the only code that changes requests and replies, each atomic and audited):
`ask_target`, `change_reply_due_date`, `record_reply`, `publish_reply`, `reject_reply`,
`send_reply_reminders` (the daily command) and `send_reminder` (its task's body).
Reads: `clock` and `clocks` (the public clock of a request), `public_requests`,
`latest_clocks`.

The clock of a request, as the public sees it:
- "replied": a published reply; the reply's date, its summary, a link or a document;
- "overdue": no published reply and the due date has passed;
- "awaiting": no published reply yet, the due date still ahead (or today).
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns import pages
from campaigns.models import Campaign, ReplyRequest, Target, TargetReply
from campaigns.targets import REPLY_RECORDED, announce
from lib import documents
from lib.documents import MAX_DOCUMENT_BYTES
from lib.mail import send_templated_email
from lib.retry import retry_later
from lib.transitions import InvalidTransition
from staff import audit, waiting
from staff.roles import COMMUNICATIONS

logger = logging.getLogger(__name__)

Status = TargetReply.Status
DocumentType = TargetReply.DocumentType
TRANSITIONS: dict[str, set[str]] = {
    Status.PENDING: {Status.PUBLISHED, Status.REJECTED},
    Status.PUBLISHED: set(),
    Status.REJECTED: set(),
}

AWAITING, OVERDUE, REPLIED = "awaiting", "overdue", "replied"
DUE_SOON, OVERDUE_REMINDER = "due_soon", "overdue"
STAMPS = {DUE_SOON: "due_soon_sent_at", OVERDUE_REMINDER: "overdue_sent_at"}


def default_due_date(asked_on: date) -> date:
    return asked_on + timedelta(days=settings.REPLY_DUE_DAYS)


# Documents -----------------------------------------------------------------------------------


def document_type(upload: UploadedFile) -> str:
    """The type of an uploaded reply, read from its first bytes and matched with its name;
    ValidationError for anything but a PDF, PNG or JPEG of at most 5 MB."""
    if upload.size is None or upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(_("The document must be 5 MB or smaller."), code="too_large")
    upload.seek(0)
    found = documents.sniff(upload.read(16))
    upload.seek(0)
    name = (upload.name or "").lower()
    claimed = next((kind for ext, kind in documents.EXTENSIONS.items() if name.endswith(ext)), None)
    if found is None or claimed is None:
        raise ValidationError(_("Upload a PDF, PNG or JPEG file."), code="format")
    if found != claimed:
        raise ValidationError(
            _("This file is not what its name says: upload a real PDF, PNG or JPEG file."),
            code="mismatch",
        )
    return found


# Asking --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AskData:
    asked_on: date
    channel: str
    question: str
    due_on: date | None = None  # None: REPLY_DUE_DAYS after the ask
    campaign: Campaign | None = None


def may_record(user: AbstractBaseUser | None) -> bool:
    return user is None or user.has_perm("campaigns.add_targetreply")


def ask_target(
    target: Target, data: AskData, *, by: AbstractBaseUser | None, today: date | None = None
) -> ReplyRequest:
    """Record that `target` was asked to respond; its clock starts publicly."""
    today = today or timezone.localdate()
    if by is not None and not by.has_perm("campaigns.add_replyrequest"):
        raise PermissionDenied
    due_on = data.due_on or default_due_date(data.asked_on)
    errors = {}
    if data.asked_on > today:
        errors["asked_on"] = _("The date asked cannot be in the future.")
    if due_on < data.asked_on:
        errors["due_on"] = _("The reply cannot be due before the date asked.")
    if errors:
        raise ValidationError(errors)
    request = ReplyRequest(
        target=target,
        campaign=data.campaign,
        asked_on=data.asked_on,
        channel=data.channel,
        question=data.question.strip(),
        due_on=due_on,
        asked_by=by if by is not None and by.is_authenticated else None,
    )
    with transaction.atomic():
        request.full_clean()
        request.save()
        audit.record(
            "target.reply_requested",
            actor=by,
            target=target,
            details={"request": request.pk, "asked_on": iso(data.asked_on), "due_on": iso(due_on)},
        )
        pages.changed()
    return request


def change_reply_due_date(
    request: ReplyRequest, due_on: date, *, by: AbstractBaseUser | None
) -> ReplyRequest:
    """Give the target more (or less) time. A later due date makes the reminders due again."""
    if by is not None and not by.has_perm("campaigns.change_replyrequest"):
        raise PermissionDenied
    with transaction.atomic():
        request = ReplyRequest.objects.select_for_update().get(pk=request.pk)
        if due_on < request.asked_on:
            raise ValidationError({"due_on": _("The reply cannot be due before the date asked.")})
        previous = request.due_on
        if due_on == previous:
            return request
        request.due_on = due_on
        if due_on > previous:
            request.due_soon_sent_at = request.overdue_sent_at = None
        request.full_clean()
        request.save(update_fields=["due_on", "due_soon_sent_at", "overdue_sent_at"])
        audit.record(
            "target.reply_due_changed",
            actor=by,
            target=request.target,
            details={"request": request.pk, "from": iso(previous), "to": iso(due_on)},
        )
        pages.changed()
    return request


# Replies -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReplyData:
    received_on: date
    summary: str
    url: str = ""
    document: UploadedFile | None = None


def record_reply(
    request: ReplyRequest,
    data: ReplyData,
    *,
    by: AbstractBaseUser | None,
    today: date | None = None,
) -> TargetReply:
    """Record the target's reply; it waits for a moderator before it is public."""
    today = today or timezone.localdate()
    if not may_record(by):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if data.received_on < request.asked_on:
        errors["received_on"] = _("The reply cannot come before the date asked.")
    elif data.received_on > today:
        errors["received_on"] = _("The date received cannot be in the future.")
    if not data.url and data.document is None:
        errors["url"] = _("Give a link to the reply or upload it.")
    kind = ""
    if data.document is not None:
        try:
            kind = document_type(data.document)
        except ValidationError as exc:
            errors["document"] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        request = ReplyRequest.objects.select_for_update().get(pk=request.pk)
        if request.replies.exclude(status=Status.REJECTED).exists():
            raise ValidationError(
                _("A reply to this request is recorded already: a moderator decides on it.")
            )
        reply = TargetReply(
            request=request,
            received_on=data.received_on,
            url=data.url,
            summary=data.summary.strip(),
            document_type=kind,
            recorded_by=by if by is not None and by.is_authenticated else None,
        )
        reply.full_clean(exclude=["document"])
        if data.document is not None:
            reply.document.save("reply", data.document, save=False)
        try:
            with transaction.atomic():
                reply.save()
        except IntegrityError as exc:  # a reply recorded meanwhile
            if reply.document:
                reply.document.delete(save=False)
            raise ValidationError(_("A reply to this request is recorded already.")) from exc
        audit.record(
            "target.reply_recorded",
            actor=by,
            target=request.target,
            details={"request": request.pk, "reply": reply.pk, "document": kind},
        )
        waiting.item_waiting(reply)
    return reply


def _decide(reply: TargetReply, to: str, *, by: AbstractBaseUser | None, reason: str = ""):
    if by is not None and not by.has_perm("campaigns.moderate_targetreply"):
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        reply = (
            TargetReply.objects.select_for_update(of=("self",))
            .select_related("request__target", "request__campaign")
            .get(pk=reply.pk)
        )
        if to not in TRANSITIONS[reply.status]:
            raise InvalidTransition(reply, to)
        reply.status = to
        reply.decided_at = now
        reply.decided_by = by if by is not None and by.is_authenticated else None
        reply.rejection_reason = reason
        reply.full_clean(exclude=["document"])
        reply.save(update_fields=["status", "decided_at", "decided_by", "rejection_reason"])
        audit.record(
            f"target.reply_{to}",
            actor=by,
            target=reply.request.target,
            details={"request": reply.request_id, "reply": reply.pk},
        )
        if to == Status.PUBLISHED:
            _announce(reply.request, reply)
            pages.changed()
    return reply


def publish_reply(reply: TargetReply, *, by: AbstractBaseUser | None) -> TargetReply:
    """A moderator makes the reply public: the target's clock reads "replied"."""
    return _decide(reply, Status.PUBLISHED, by=by)


def reject_reply(reply: TargetReply, *, by: AbstractBaseUser | None, reason: str) -> TargetReply:
    """A moderator keeps the reply private (a wrong document, say); another may be recorded."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the reply is rejected.")})
    return _decide(reply, Status.REJECTED, by=by, reason=reason)


def _announce(request: ReplyRequest, reply: TargetReply | None) -> None:
    from campaigns.representation import reply_event_payload

    announce(
        REPLY_RECORDED,
        reply_event_payload(clock(request, reply=reply)),
        campaign=request.campaign if request.campaign_id else None,
    )


# Reminders -----------------------------------------------------------------------------------


def _unanswered() -> QuerySet[ReplyRequest]:
    answered = TargetReply.objects.filter(request=OuterRef("pk")).exclude(status=Status.REJECTED)
    return ReplyRequest.objects.filter(~Exists(answered))


def _window(kind: str, today: date) -> Q:
    if kind == DUE_SOON:
        soon = today + timedelta(days=settings.REPLY_DUE_SOON_DAYS)
        return Q(due_on__range=(today, soon))
    return Q(due_on__lt=today)


def send_reply_reminders(*, now: datetime | None = None) -> dict[str, int]:
    """Queue the emails telling Communications that replies are due soon or overdue: one of
    each per request (the task sends only while its `…_sent_at` is empty). Safe to run twice."""
    from campaigns.tasks import send_reply_reminder

    today = timezone.localdate(now or timezone.now())
    queued = {}
    for kind, stamp in STAMPS.items():
        pks = list(
            _unanswered()
            .filter(_window(kind, today), **{f"{stamp}__isnull": True})
            .values_list("pk", flat=True)
        )
        with transaction.atomic():
            for pk in pks:
                send_reply_reminder.enqueue(pk, kind)
        queued[kind] = len(pks)
    return queued


def communications_addresses() -> list[str]:
    return sorted(
        get_user_model()
        .objects.filter(groups__name=COMMUNICATIONS, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )


def send_reminder(request_id: int, kind: str, *, attempt: int = 1) -> bool:
    """Tell Communications once that a reply is due soon, or overdue (then partners hear
    `target.reply_recorded` with the state "overdue"). Nothing if it was told already, or if
    the target replied meanwhile. Safe to run twice."""
    from campaigns.tasks import send_reply_reminder

    stamp = STAMPS[kind]
    now = timezone.now()
    with transaction.atomic():
        request = (
            _unanswered()
            .select_for_update(of=("self",))
            .select_related("target", "campaign")
            .filter(_window(kind, timezone.localdate(now)), pk=request_id)
            .filter(**{f"{stamp}__isnull": True})
            .first()
        )
        if request is None:
            return False
        recipients = communications_addresses()
        if recipients:
            try:
                send_templated_email(
                    "reply-reminder",
                    recipients,
                    {
                        "request": request,
                        "target": request.target,
                        "overdue": kind == OVERDUE_REMINDER,
                        "record_url": settings.SITE_URL
                        + reverse("admin:campaigns_replyrequest_reply", args=[request.pk]),
                    },
                )
            except Exception:
                logger.exception("reply reminder %s for request %s failed", kind, request_id)
                transaction.on_commit(
                    lambda: retry_later(send_reply_reminder, attempt, request_id, kind)
                )
                return False
        setattr(request, stamp, now)
        request.save(update_fields=[stamp])
        if kind == OVERDUE_REMINDER:
            _announce(request, None)
            pages.changed()  # the clock reads "overdue" from today: stored pages go
    return True


# Reads ---------------------------------------------------------------------------------------


def iso(value) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True)
class Clock:
    """A request as the public reads it: asked, due, and replied, overdue or awaiting."""

    request: ReplyRequest
    state: str
    reply: TargetReply | None = None  # the published reply

    @property
    def replied(self) -> bool:
        return self.state == REPLIED

    @property
    def overdue(self) -> bool:
        return self.state == OVERDUE

    @property
    def late(self) -> bool:
        """Replied after the due date."""
        return self.reply is not None and self.reply.received_on > self.request.due_on

    @property
    def document_url(self) -> str:
        if self.reply is None or not self.reply.document:
            return ""
        return reverse("campaigns:reply_document", args=[self.request.target.slug, self.reply.pk])


def clock(
    request: ReplyRequest, *, reply: TargetReply | None = None, today: date | None = None
) -> Clock:
    """The clock of `request`; `reply` is its published reply (else read from
    `published_replies`, prefetched by `public_requests`, or from the database)."""
    today = today or timezone.localdate()
    if reply is None:
        published = getattr(request, "published_replies", None)
        if published is None:
            published = list(request.replies.filter(status=Status.PUBLISHED)[:1])
        reply = published[0] if published else None
    if reply is not None and reply.is_published:
        return Clock(request, REPLIED, reply)
    return Clock(request, OVERDUE if request.due_on < today else AWAITING)


def public_requests(targets=None) -> QuerySet[ReplyRequest]:
    """Requests the public sees (not those made for a drive that is not public yet), newest
    first, each with its published reply prefetched."""
    from campaigns.queries import public_q

    queryset = (
        ReplyRequest.objects.filter(Q(campaign__isnull=True) | public_q(prefix="campaign__"))
        .select_related("target", "campaign")
        .prefetch_related(
            Prefetch(
                "replies",
                queryset=TargetReply.objects.filter(status=Status.PUBLISHED),
                to_attr="published_replies",
            )
        )
        .order_by("-asked_on", "-pk")
    )
    if targets is not None:
        queryset = queryset.filter(target__in=targets)
    return queryset


def clocks(target: Target, *, today: date | None = None) -> list[Clock]:
    """Every public request to `target`, newest first."""
    return [clock(r, today=today) for r in public_requests([target])]


def latest_clocks(targets, *, today: date | None = None) -> dict[int, Clock]:
    """The newest public request of each of `targets`, by target id (two queries)."""
    out: dict[int, Clock] = {}
    for request in public_requests(targets):
        if request.target_id not in out:
            out[request.target_id] = clock(request, today=today)
    return out


def document_of(slug: str, pk: int, *, staff: bool = False) -> TargetReply | None:
    """The reply whose document /targets/<slug>/replies/<pk>/document/ serves: a published
    one; any, for staff who see replies (moderators check a document before publishing)."""
    replies = TargetReply.objects.select_related("request__target").filter(
        pk=pk, request__target__slug=slug
    )
    if not staff:
        replies = replies.filter(status=Status.PUBLISHED)
    return replies.exclude(document="").first()
