"""BDS commitments: an organisation's pledge to a drive (confirmed by its contact, then
moderated, through `pledges.contact`), its commitments, and their dated updates."""

import secrets

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from campaigns.models import Campaign
from pledges.models import ContactConfirmedPledge, Organisation

ACTION_MAX = 1000
NOTE_MAX = 2000
EVIDENCE_MAX = 500
OTHER_KIND_MAX = 120
# Evidence links are shown as links: only web addresses, never javascript: or data:.
HTTP_ONLY = URLValidator(schemes=["http", "https"])


class CommitmentPledge(ContactConfirmedPledge):
    """One submission of commitments by an organisation to a BDS drive.

    The contact confirms by email, a moderator approves; then its commitments are public.
    An organisation may submit again later with more commitments.
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commitment_pledges",
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="commitment_pledges"
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("commitment pledge")
        verbose_name_plural = _("commitment pledges")
        permissions = [("moderate_commitmentpledge", "Can approve and reject commitment pledges")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="commitment_pledge_rejection_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "status", "id"], name="commitment_pledge_campaign"),
        ]

    def __str__(self) -> str:
        return f"{self.named_organisation} ⇒ {self.campaign.slug}"


class Commitment(models.Model):
    """One concrete action an organisation pledged: boycott, divest, sanction or other."""

    # Labels with a context: they agree with "commitment" (a masculine noun in Spanish,
    # French and Portuguese), not with a signature or a sign-on that share the English word.
    class Kind(models.TextChoices):
        BOYCOTT = "boycott", pgettext_lazy("commitment type", "Boycott")
        DIVESTMENT = "divestment", pgettext_lazy("commitment type", "Divestment")
        SANCTION = "sanction", pgettext_lazy("commitment type", "Sanction")
        OTHER = "other", pgettext_lazy("commitment type", "Other")

    class Status(models.TextChoices):
        PLEDGED = "pledged", pgettext_lazy("commitment status", "Pledged")
        # A promise to look into it or to publish what they hold (a review of investments,
        # a disclosure of contracts): a step, not the act; it counts as open, never fulfilled.
        AGREED_TO_REVIEW = (
            "agreed_to_review",
            pgettext_lazy("commitment status", "Agreed to review or disclose"),
        )
        IN_PROGRESS = "in_progress", pgettext_lazy("commitment status", "In progress")
        # The act itself: they left, divested, adopted the policy.
        FULFILLED = "fulfilled", pgettext_lazy("commitment status", "Fulfilled (acted)")
        LAPSED = "lapsed", pgettext_lazy("commitment status", "Lapsed")
        WITHDRAWN = "withdrawn", pgettext_lazy("commitment status", "Withdrawn")

    # How far the public can check the claim. Evidence moves it from self-reported to
    # evidence attached by itself; only a moderator sets "verified".
    class Grade(models.TextChoices):
        SELF_REPORTED = "self_reported", pgettext_lazy("commitment grade", "Self-reported")
        EVIDENCE_ATTACHED = (
            "evidence_attached",
            pgettext_lazy("commitment grade", "Evidence attached"),
        )
        VERIFIED = "verified", pgettext_lazy("commitment grade", "Verified by the coalition")

    pledge = models.ForeignKey(
        CommitmentPledge, on_delete=models.CASCADE, related_name="commitments"
    )
    target = models.ForeignKey(
        "campaigns.Target",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments",
        verbose_name=_("target"),
        help_text=_("Empty: all the drive's listed targets."),
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    other_kind = models.CharField(_("type, in your words"), max_length=OTHER_KIND_MAX, blank=True)
    action = models.TextField(_("action"), max_length=ACTION_MAX)
    amount_minor = models.PositiveBigIntegerField(_("amount (minor units)"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLEDGED
    )
    status_changed_at = models.DateTimeField(_("status changed at"))
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)
    # When the deadline lapsed it; kept if it is fulfilled late, so the record shows both.
    lapsed_at = models.DateTimeField(_("lapsed at"), null=True, blank=True)
    grade = models.CharField(
        _("verification grade"),
        max_length=20,
        choices=Grade.choices,
        default=Grade.SELF_REPORTED,
    )
    grade_changed_at = models.DateTimeField(_("grade changed at"), null=True, blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("graded by"),
    )
    created_at = models.DateTimeField(_("pledged at"), default=timezone.now)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_minor__isnull=True) | Q(kind="divestment"),
                name="commitment_amount_only_for_divestment",
            ),
            models.CheckConstraint(
                condition=Q(amount_minor__isnull=True) | (Q(amount_minor__gt=0) & ~Q(currency="")),
                name="commitment_amount_has_currency",
            ),
            models.CheckConstraint(
                condition=~Q(kind="other") | ~Q(other_kind=""),
                name="commitment_other_has_text",
            ),
            models.CheckConstraint(
                condition=~Q(status="fulfilled") | Q(fulfilled_at__isnull=False),
                name="commitment_fulfilled_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="lapsed") | Q(lapsed_at__isnull=False),
                name="commitment_lapsed_has_time",
            ),
            models.CheckConstraint(
                condition=Q(grade__in=["self_reported", "evidence_attached", "verified"]),
                name="commitment_grade_known",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "deadline"], name="commitment_status_deadline"),
        ]
        permissions = [
            ("grade_commitment", "Can set the verification grade of commitments"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.action[:60]}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def kind_label(self) -> str:
        return self.other_kind if self.kind == self.Kind.OTHER else self.get_kind_display()


# Still running: reminders go out, the deadline can lapse it. Agreeing to review is one of them.
OPEN_STATUSES = (
    Commitment.Status.PLEDGED,
    Commitment.Status.AGREED_TO_REVIEW,
    Commitment.Status.IN_PROGRESS,
)


class DeadlineReminder(models.Model):
    """One deadline email sent for a commitment: 60, 30 or 7 days before, or after it.
    The unique pair is what makes the reminder job safe to run twice."""

    class Stage(models.TextChoices):
        DAYS_60 = "60", _("60 days before")
        DAYS_30 = "30", _("30 days before")
        DAYS_7 = "7", _("7 days before")
        AFTER = "after", _("after the deadline")

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="reminders")
    stage = models.CharField(_("stage"), max_length=8, choices=Stage.choices)
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        ordering = ["commitment", "sent_at"]
        verbose_name = _("deadline reminder")
        verbose_name_plural = _("deadline reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "stage"], name="deadline_reminder_once_per_stage"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commitment_id}: {self.stage}"


class CommitmentUpdate(models.Model):
    """A dated step in a commitment's history: a new status (or the same, for a note),
    a note and its evidence items. Contact updates wait for a moderator."""

    class Source(models.TextChoices):
        CONTACT = "contact", _("Organisation's contact")
        MODERATOR = "moderator", _("Moderator")
        SYSTEM = "system", _("Automatic")

    class Review(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="updates")
    source = models.CharField(_("from"), max_length=20, choices=Source.choices)
    review = models.CharField(
        _("review"), max_length=20, choices=Review.choices, default=Review.PENDING
    )
    from_status = models.CharField(
        _("previous status"), max_length=20, choices=Commitment.Status.choices, blank=True
    )
    status = models.CharField(_("new status"), max_length=20, choices=Commitment.Status.choices)
    note = models.TextField(_("note"), max_length=NOTE_MAX, blank=True)
    created_at = models.DateTimeField(_("posted at"), db_index=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    review_reason = models.TextField(_("reason"), max_length=NOTE_MAX, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("commitment update")
        verbose_name_plural = _("commitment updates")
        permissions = [
            ("review_commitmentupdate", "Can accept or reject updates from contacts"),
            ("post_commitmentupdate", "Can post commitment updates as a moderator"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(review="pending") | Q(reviewed_at__isnull=False),
                name="commitment_update_reviewed_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["commitment", "review", "created_at"], name="commitment_history"),
            models.Index(fields=["review", "created_at"], name="commitment_update_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.commitment_id}: {self.status} ({self.review})"

    @property
    def evidence_url(self) -> str:
        """The first evidence link of the update, "" if none (reads a prefetched
        `evidence` when there is one)."""
        return next((item.url for item in self.evidence.all() if item.url), "")


def evidence_document_path(instance: "Evidence", filename: str) -> str:
    """A random name under MEDIA, never the uploader's file name nor the SHA-256 (which is
    public: a name made from it could be guessed, and fetched past the download view)."""
    return f"evidence/{secrets.token_urlsafe(24)}.{instance.document_type}"


class Evidence(models.Model):
    """What backs an update: a web address, the day it was captured, and optionally a copy
    of the document (PDF, PNG or JPEG) with its SHA-256, so anyone can check later that the
    file is the one the coalition saw. Public once its update is accepted."""

    class DocumentType(models.TextChoices):
        PDF = "pdf", "PDF"
        PNG = "png", "PNG"
        JPEG = "jpg", "JPEG"

    update = models.ForeignKey(CommitmentUpdate, on_delete=models.CASCADE, related_name="evidence")
    url = models.URLField(
        _("evidence link"), max_length=EVIDENCE_MAX, blank=True, validators=[HTTP_ONLY]
    )
    captured_on = models.DateField(_("captured on"))
    document = models.FileField(
        _("document"), upload_to=evidence_document_path, max_length=200, blank=True
    )
    document_type = models.CharField(
        _("document type"), max_length=4, choices=DocumentType.choices, blank=True
    )
    document_size = models.PositiveIntegerField(_("document size (bytes)"), null=True, blank=True)
    document_sha256 = models.CharField(_("SHA-256 of the document"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        ordering = ["update", "pk"]
        verbose_name = _("evidence item")
        verbose_name_plural = _("evidence items")
        constraints = [
            models.CheckConstraint(
                condition=~Q(url="") | ~Q(document=""), name="evidence_has_url_or_document"
            ),
            models.CheckConstraint(
                condition=Q(url="")
                | Q(url__istartswith="http://")
                | Q(url__istartswith="https://"),
                name="evidence_url_http",
            ),
            models.CheckConstraint(
                condition=(
                    Q(document="", document_sha256="", document_type="")
                    | (
                        ~Q(document="")
                        & Q(document_sha256__regex=r"^[0-9a-f]{64}$")
                        & Q(document_type__in=["pdf", "png", "jpg"])
                    )
                ),
                name="evidence_document_has_hash",
            ),
        ]

    def __str__(self) -> str:
        return self.url or self.document_sha256
