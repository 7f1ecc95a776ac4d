"""Paper signature sheets, counted: a batch is one bundle of sheets a collector handed in.

A batch adds its count to the campaign's "signatures" tally (`campaigns.counters`), so the
public figure is online and paper as one number; `paper_signatures` is the part on paper.
Batches are never deleted: a correction changes the count (and the listed names), a void
takes the count back out with a reason; both are audited (`paper.services`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from campaigns.models import Campaign
from pledges.models import NAME_MAX, StatementVersion

COLLECTOR_MAX = 200
PLACE_MAX = 200
REASON_MAX = 500
# One batch is a bundle of sheets, not a country: beyond this it is a typo (an extra zero).
COUNT_MAX = 1_000_000


class PaperBatch(models.Model):
    class Status(models.TextChoices):
        COUNTED = "counted", _("Counted")
        VOIDED = "voided", _("Voided")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="+"
    )
    statement_version = models.ForeignKey(
        StatementVersion,
        verbose_name=_("statement version signed"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    collector = models.CharField(
        _("collected by"),
        max_length=COLLECTOR_MAX,
        help_text=_("A person's or an organisation's name. Never an email address."),
    )
    place = models.CharField(_("place"), max_length=PLACE_MAX)
    country = CountryField(_("country"))
    collected_on = models.DateField(_("date collected"))
    count = models.PositiveIntegerField(_("signatures on the sheets"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.COUNTED, editable=False
    )
    void_reason = models.CharField(
        _("reason for voiding"), max_length=REASON_MAX, blank=True, editable=False
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True, editable=False)
    # One per rendered add form: the same form posted twice records one batch.
    idempotency_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("paper batch")
        verbose_name_plural = _("paper batches")
        ordering = ["-collected_on", "-pk"]
        permissions = [("void_paperbatch", "Can void paper batches")]
        constraints = [
            models.CheckConstraint(
                condition=Q(count__gt=0) & Q(count__lte=COUNT_MAX), name="paper_batch_count_range"
            ),
            models.CheckConstraint(
                condition=Q(status="counted", voided_at__isnull=True, void_reason="")
                | (Q(status="voided", voided_at__isnull=False) & ~Q(void_reason="")),
                name="paper_batch_void_has_reason",
            ),
        ]
        indexes = [
            # The paper figure and the reconcile recount: counted batches of a campaign.
            models.Index(
                fields=["campaign", "country"],
                include=["count"],
                condition=Q(status="counted"),
                name="paper_batch_counted",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.collector} · {self.place} ({self.collected_on})"

    @property
    def is_voided(self) -> bool:
        return self.status == self.Status.VOIDED


class PaperSigner(models.Model):
    """A signer on a sheet who agreed to be listed: the name and country as written, no more.

    Only names meant for the public list are typed in, so nothing here is encrypted: like
    `Signature.listed_name`, it is the public list's copy. `listed` goes False when the
    batch is voided; a correction replaces a batch's names."""

    batch = models.ForeignKey(PaperBatch, on_delete=models.PROTECT, related_name="signers")
    # The batch's campaign, copied so the public list is one index range.
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=NAME_MAX)
    country = CountryField(_("country"))
    listed = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("signer listed from paper")
        verbose_name_plural = _("signers listed from paper")
        indexes = [
            # The public "signed on paper" list, newest first, as an index-only scan.
            models.Index(
                fields=["campaign", "-id"],
                condition=Q(listed=True),
                include=["name", "country"],
                name="paper_signer_public_list",
            ),
        ]

    def __str__(self) -> str:
        return self.name
