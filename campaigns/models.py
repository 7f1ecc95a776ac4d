import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language_info, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from campaigns.content import render_markdown
from lib.currencies import validate_currency

LANGUAGE_CHOICES = settings.LANGUAGES
REPLY_TEXT_MAX = 2000
REPLY_SUMMARY_MAX = 1000
# Reply links are shown as links: only web addresses, never javascript: or data:.
HTTP_ONLY = URLValidator(schemes=["http", "https"])


# Paths under /targets/ that are pages of their own, never a target's slug.
RESERVED_TARGET_SLUGS = frozenset({"changes"})
REASON_MAX = 1000


def validate_target_slug(value: str) -> None:
    if value in RESERVED_TARGET_SLUGS:
        raise ValidationError(_("This slug is the address of another page: choose another."))


class Target(models.Model):
    """A company a BDS drive is aimed at; reusable across campaigns.

    The list is dated: adding, removing and re-categorising a target go through
    `campaigns.targets`, which records each change (`TargetChange`) with who, when and why.
    A removed target stays, with its page and its history."""

    class Category(models.TextChoices):
        CONSUMER_BOYCOTT = "consumer_boycott", _("Consumer boycott")
        DIVESTMENT = "divestment", _("Divestment and exclusion")
        PRESSURE = "pressure", _("Pressure")
        GRASSROOTS = "grassroots", _("Grassroots-led")

    class Status(models.TextChoices):
        LISTED = "listed", pgettext_lazy("target status", "Listed")
        REMOVED = "removed", pgettext_lazy("target status", "Removed")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(
        _("slug"), max_length=80, unique=True, validators=[validate_target_slug]
    )
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.PRESSURE
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.LISTED, editable=False
    )
    headquarters_country = CountryField(_("headquarters country"), blank=True)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    products = models.TextField(
        _("products and services"),
        max_length=2000,
        blank=True,
        help_text=_("One per line, e.g. Google Workspace, Gmail."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self) -> str:
        return self.name

    def product_list(self) -> list[str]:
        return [line.strip() for line in self.products.splitlines() if line.strip()]

    @property
    def is_listed(self) -> bool:
        return self.status == self.Status.LISTED


class TargetChange(models.Model):
    """A dated change to the target list: a target added, removed or re-categorised, by whom
    and why. Written by `campaigns.targets` only; never edited or deleted, so the public
    changelog (/targets/changes/) is the list's whole story."""

    class Kind(models.TextChoices):
        ADDED = "added", pgettext_lazy("target change", "Added")
        REMOVED = "removed", pgettext_lazy("target change", "Removed")
        RECATEGORISED = "recategorised", pgettext_lazy("target change", "Re-categorised")

    target = models.ForeignKey(
        Target, on_delete=models.PROTECT, related_name="changes", verbose_name=_("target")
    )
    kind = models.CharField(_("change"), max_length=20, choices=Kind.choices)
    from_category = models.CharField(
        _("previous category"), max_length=20, choices=Target.Category.choices, blank=True
    )
    category = models.CharField(_("category"), max_length=20, choices=Target.Category.choices)
    reason = models.TextField(_("reason"), max_length=REASON_MAX, blank=True)
    # The rows the changelog's migration wrote for targets listed before it: no reason typed.
    initial = models.BooleanField(_("listed before the changelog"), default=False)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now, db_index=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("target list change")
        verbose_name_plural = _("target list changes")
        constraints = [
            models.CheckConstraint(
                condition=Q(initial=True) | ~Q(reason=""), name="target_change_has_reason"
            ),
            models.CheckConstraint(
                condition=~Q(kind="recategorised") | ~Q(from_category=models.F("category")),
                name="target_change_recategorised_moves",
            ),
        ]
        indexes = [models.Index(fields=["target", "changed_at"], name="target_change_history")]

    def __str__(self) -> str:
        return f"{self.target_id}: {self.kind} ({self.changed_at:%Y-%m-%d})"


def reply_document_name(instance, filename: str) -> str:
    """A random name under MEDIA: the uploader's file name is never used or shown."""
    extension = {"pdf": "pdf", "png": "png", "jpeg": "jpg"}.get(instance.document_type, "bin")
    return f"target-replies/{secrets.token_urlsafe(24)}.{extension}"


class ReplyRequest(models.Model):
    """Communications asked a target company to respond (right of reply), by a due date.

    Its public clock: asked, due, then replied (a published `TargetReply`), or no reply,
    overdue once the due date passed (`campaigns.replies.clock`)."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        LETTER = "letter", _("Letter")
        WEB_FORM = "web_form", _("Web form")
        PHONE = "phone", _("Phone")
        IN_PERSON = "in_person", _("In person")
        OTHER = "other", _("Other")

    target = models.ForeignKey(
        Target, on_delete=models.PROTECT, related_name="reply_requests", verbose_name=_("target")
    )
    campaign = models.ForeignKey(
        "Campaign",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reply_requests",
        verbose_name=_("campaign"),
        help_text=_("The drive the request was made for, if one."),
    )
    asked_on = models.DateField(_("asked on"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    question = models.TextField(
        _("what was asked"),
        max_length=REPLY_TEXT_MAX,
        help_text=_("Published on the target's page with the reply or its absence."),
    )
    due_on = models.DateField(_("reply due on"))
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)
    # Communications is told once that the reply is due soon, once that it is overdue.
    due_soon_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    overdue_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-asked_on", "-pk"]
        verbose_name = _("reply request")
        verbose_name_plural = _("reply requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("asked_on")),
                name="reply_request_due_after_ask",
                violation_error_message=_("The reply cannot be due before the date asked."),
            ),
        ]
        indexes = [models.Index(fields=["due_on"], name="reply_request_due")]

    def __str__(self) -> str:
        return f"{self.target} ({self.asked_on:%Y-%m-%d})"


class TargetReply(models.Model):
    """A target's reply to a `ReplyRequest`: when it came, a link or a document (PDF, PNG or
    JPEG, checked by its bytes) and a short summary. Public once a moderator publishes it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")

    class DocumentType(models.TextChoices):
        PDF = "pdf", "PDF"
        PNG = "png", "PNG"
        JPEG = "jpeg", "JPEG"

    request = models.ForeignKey(
        ReplyRequest, on_delete=models.PROTECT, related_name="replies", verbose_name=_("request")
    )
    received_on = models.DateField(_("received on"))
    url = models.URLField(
        _("link to the reply"), max_length=500, blank=True, validators=[HTTP_ONLY]
    )
    document = models.FileField(
        _("document"), upload_to=reply_document_name, max_length=200, blank=True
    )
    document_type = models.CharField(
        _("document type"), max_length=10, choices=DocumentType.choices, blank=True
    )
    summary = models.TextField(_("summary"), max_length=REPLY_SUMMARY_MAX)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rejection_reason = models.TextField(_("reason"), max_length=REASON_MAX, blank=True)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("target reply")
        verbose_name_plural = _("target replies")
        permissions = [("moderate_targetreply", "Can publish and reject target replies")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(url="") | ~Q(document=""), name="target_reply_has_link_or_document"
            ),
            models.CheckConstraint(
                condition=Q(document="") | ~Q(document_type=""),
                name="target_reply_document_has_type",
            ),
            models.CheckConstraint(
                condition=Q(url="")
                | Q(url__istartswith="http://")
                | Q(url__istartswith="https://"),
                name="target_reply_url_http",
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(decided_at__isnull=False),
                name="target_reply_decided_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="target_reply_rejection_has_reason",
            ),
            # One reply stands per request; a rejected one may be followed by another.
            models.UniqueConstraint(
                fields=["request"],
                condition=~Q(status="rejected"),
                name="target_reply_one_per_request",
            ),
        ]
        indexes = [models.Index(fields=["status", "recorded_at"], name="target_reply_queue")]

    def __str__(self) -> str:
        return f"{self.request.target}: {self.received_on:%Y-%m-%d} ({self.status})"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


@dataclass(frozen=True)
class CampaignContent:
    """The campaign's texts in one language, each field falling back to the default."""

    language: str
    title: str
    summary: str
    statement: str
    call_to_action: str
    statement_language: str = ""

    @property
    def statement_direction(self) -> str:
        return "rtl" if get_language_info(self.statement_language)["bidi"] else "ltr"

    @property
    def statement_html(self) -> SafeString:
        return render_markdown(self.statement)


class Campaign(models.Model):
    class Kind(models.TextChoices):
        STATEMENT = "statement", _("Refusal statement")
        BDS = "bds", _("Big Tech BDS drive")
        FUNDRAISER = "fundraiser", _("Fundraiser")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        LIVE = "live", _("Live")
        CLOSED = "closed", _("Closed")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    default_language = models.CharField(
        _("default language"), max_length=10, choices=LANGUAGE_CHOICES, default="en"
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    statement = models.TextField(_("statement (Markdown)"), max_length=50000, blank=True)
    call_to_action = models.CharField(_("call to action"), max_length=120, blank=True)
    # Re-encoded variants of the hero image (campaigns/hero.py), never the upload itself.
    hero = models.JSONField(_("hero image"), default=dict, blank=True, editable=False)
    hero_alt = models.CharField(
        _("hero image description"),
        max_length=200,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    signature_goal = models.PositiveIntegerField(_("signature goal"), null=True, blank=True)
    organisation_goal = models.PositiveIntegerField(_("organisation goal"), null=True, blank=True)
    fundraising_goal_minor = models.PositiveBigIntegerField(
        _("fundraising goal (minor units)"),
        null=True,
        blank=True,
        help_text=_("In the currency's smallest unit: cents for EUR, yen for JPY."),
    )
    fundraising_currency = models.CharField(
        _("fundraising currency"), max_length=3, blank=True, validators=[validate_currency]
    )
    targets = models.ManyToManyField(Target, blank=True, related_name="campaigns")
    launch_at = models.DateTimeField(_("launch at"), null=True, blank=True)
    close_at = models.DateTimeField(_("close at"), null=True, blank=True)
    launched_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Anonymisation after close (pledges/anonymisation.py): ANONYMISE_AFTER_CLOSE_DAYS after
    # closing, the signers' names, emails and hashes are rewritten; counts stay. The listed
    # names stay public only if staff chose so before the campaign closed.
    keep_public_list = models.BooleanField(
        _("keep the public list after anonymisation"),
        default=False,
        help_text=_(
            "Listed signers' names stay on the public list when everything else about the "
            "signers is anonymised after close. Can only be switched on before the campaign "
            "closes."
        ),
    )
    anonymised_up_to_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)
    launch_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-launched_at", "-created_at"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        permissions = [("publish_campaign", "Can schedule, publish and close campaigns")]
        constraints = [
            models.CheckConstraint(
                condition=Q(fundraising_goal_minor__isnull=True) | ~Q(fundraising_currency=""),
                name="campaign_fundraising_goal_has_currency",
            ),
            models.CheckConstraint(
                condition=Q(close_at__isnull=True)
                | Q(launch_at__isnull=True)
                | Q(close_at__gt=models.F("launch_at")),
                name="campaign_closes_after_launch",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("campaigns:detail", kwargs={"slug": self.slug})

    # What the public sees, derived from the status and the clock, so a scheduled
    # campaign appears on time even before the scheduler command has run.
    def is_public(self, now=None) -> bool:
        now = now or timezone.now()
        if self.status in (self.Status.LIVE, self.Status.CLOSED):
            return True
        return self.status == self.Status.SCHEDULED and bool(
            self.launch_at and self.launch_at <= now
        )

    def is_closed(self, now=None) -> bool:
        now = now or timezone.now()
        if self.status == self.Status.CLOSED:
            return True
        return self.is_public(now) and bool(self.close_at and self.close_at <= now)

    def is_open(self, now=None) -> bool:
        return self.is_public(now) and not self.is_closed(now)

    @property
    def collects_signatures(self) -> bool:
        return self.kind == self.Kind.STATEMENT

    @property
    def collects_organisations(self) -> bool:
        return self.kind in (self.Kind.STATEMENT, self.Kind.BDS)

    @property
    def collects_commitments(self) -> bool:
        return self.kind == self.Kind.BDS

    @property
    def collects_donations(self) -> bool:
        return self.kind == self.Kind.FUNDRAISER or self.fundraising_goal_minor is not None

    def content(self, language: str | None, *, drafts: bool = False) -> CampaignContent:
        """Texts in `language`, falling back field by field to the default language.

        A translation awaiting approval is not the public's yet: it falls back as a whole to
        the default language, unless `drafts` (staff previews)."""
        translation = self.translation(language, drafts=drafts)
        values = {
            name: (getattr(translation, name, "") or getattr(self, name))
            for name in CampaignTranslation.TEXT_FIELDS
        }
        statement_language = (
            translation.language
            if translation is not None and translation.statement
            else self.default_language
        )
        return CampaignContent(
            language=translation.language if translation else self.default_language,
            statement_language=statement_language,
            **values,
        )

    def translation(self, language: str | None, *, drafts: bool = False):
        """The (prefetched) translation into `language`, if any and, unless `drafts`, approved."""
        if not language or language == self.default_language:
            return None
        found = next((t for t in self.translations.all() if t.language == language), None)
        return found if found is not None and (drafts or found.is_approved) else None

    def public_translations(self) -> list["CampaignTranslation"]:
        """Approved translations: what the public pages, the API and the embeds show."""
        return [t for t in self.translations.all() if t.is_approved]

    def available_languages(self) -> list[str]:
        return [self.default_language] + [t.language for t in self.public_translations()]


class CampaignTranslation(models.Model):
    """The campaign's texts in another language.

    A translation is public once approved (`approved_at`): an edit by someone who may approve
    any translation (Communications) approves it; a translator's edit waits for Communications
    or a second translator of the language (`campaigns.services.save_translation`). Rows
    written by code (the demo, imports) are approved unless told otherwise."""

    TEXT_FIELDS = ("title", "summary", "statement", "call_to_action")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGE_CHOICES)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    statement = models.TextField(_("statement (Markdown)"), max_length=50000, blank=True)
    call_to_action = models.CharField(_("call to action"), max_length=120, blank=True)
    approved_at = models.DateTimeField(
        _("approved at"), null=True, blank=True, default=timezone.now, editable=False
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # Who last changed the texts: a translator may not approve their own words.
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("edited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        permissions = [
            ("approve_campaigntranslation", "Can approve translations in every language")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "language"], name="campaign_translation_unique_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign.slug} [{self.language}]"

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None

    def missing_fields(self) -> list[str]:
        """Texts the default language has and this translation lacks ("statement"), in
        form order; empty when the translation is complete."""
        return [
            name
            for name in self.TEXT_FIELDS
            if getattr(self.campaign, name).strip() and not getattr(self, name).strip()
        ]


class TranslatorLanguage(models.Model):
    """A language a member of the Translators group may translate campaigns into."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("translator"),
        on_delete=models.CASCADE,
        related_name="translator_languages",
    )
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGE_CHOICES)

    class Meta:
        ordering = ["user__username", "language"]
        verbose_name = _("translator language")
        verbose_name_plural = _("translator languages")
        constraints = [
            models.UniqueConstraint(fields=["user", "language"], name="translator_language_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} [{self.language}]"


class Tally(models.Model):
    """A public count kept by the counting job (`campaigns.counters`), per country.

    Writers never touch it: they add a `TallyChange` in their own transaction, and the job
    adds the changes up into these rows. `country` is blank where the rows have none.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    figure = models.CharField(max_length=40)
    country = models.CharField(max_length=2, blank=True)
    value = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "figure", "country"], name="tally_unique_figure_country"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.figure} {self.country or '-'}: {self.value}"


class TallyChange(models.Model):
    """A change owed to a tally (+1 for a confirmation, -1 for a withdrawal or erasure), or,
    with delta 0, word that a figure with a goal moved. The counting job deletes each row in
    the transaction that adds it to its tally, so a row committed late is simply counted
    on the next run: nothing is missed and nothing is counted twice."""

    id = models.BigAutoField(primary_key=True)
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    figure = models.CharField(max_length=40)
    country = models.CharField(max_length=2, blank=True)
    delta = models.IntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["campaign", "figure"], name="tallychange_figure")]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.figure} {self.country or '-'} {self.delta:+d}"
