"""BDS commitments: an organisation's pledge to a drive (confirmed by its contact, then
moderated, through `pledges.contact`), its commitments, and their dated updates."""

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
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
        IN_PROGRESS = "in_progress", pgettext_lazy("commitment status", "In progress")
        FULFILLED = "fulfilled", pgettext_lazy("commitment status", "Fulfilled")
        LAPSED = "lapsed", pgettext_lazy("commitment status", "Lapsed")
        WITHDRAWN = "withdrawn", pgettext_lazy("commitment status", "Withdrawn")

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
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    followup_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("pledged at"), auto_now_add=True)

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
        ]
        indexes = [
            models.Index(fields=["status", "deadline"], name="commitment_status_deadline"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.action[:60]}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.PLEDGED, self.Status.IN_PROGRESS)

    @property
    def kind_label(self) -> str:
        return self.other_kind if self.kind == self.Kind.OTHER else self.get_kind_display()


class CommitmentUpdate(models.Model):
    """A dated step in a commitment's history: a new status (or the same, for a note),
    a note and an optional evidence link. Contact updates wait for a moderator."""

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
    evidence_url = models.URLField(
        _("evidence link"), max_length=EVIDENCE_MAX, blank=True, validators=[HTTP_ONLY]
    )
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
            models.CheckConstraint(
                condition=Q(evidence_url="")
                | Q(evidence_url__istartswith="http://")
                | Q(evidence_url__istartswith="https://"),
                name="commitment_update_evidence_http",
            ),
        ]
        indexes = [
            models.Index(fields=["commitment", "review", "created_at"], name="commitment_history"),
            models.Index(fields=["review", "created_at"], name="commitment_update_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.commitment_id}: {self.status} ({self.review})"
