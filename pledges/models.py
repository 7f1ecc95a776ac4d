"""Signatures, organisations and their sign-ons, statement versions, and the emails they get.

`ContactConfirmedPledge` holds what any organisational pledge shares — a private contact who
confirms by email, then a moderator's decision — so later pledge kinds (BDS commitments)
reuse the same services in `pledges/services.py`.
"""

from functools import lru_cache

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from campaigns.models import LANGUAGE_CHOICES, Campaign
from lib.encryption import EncryptedCharField, EncryptedEmailField, EncryptedJSONField

NAME_MAX = 120
EMAIL_MAX = 254
AFFILIATION_MAX = 160


class StatementVersion(models.Model):
    """The statement text as it was when people signed it. Never edited, only added."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="statement_versions"
    )
    number = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["campaign", "-number"]
        verbose_name = _("statement version")
        verbose_name_plural = _("statement versions")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "number"], name="statement_version_unique_number"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="statement_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign.slug} v{self.number}"


class PledgeEmail(models.Model):
    """One email owed to a signer or contact: an outbox row, sent once by a task."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(max_length=40)
    context = models.JSONField(default=dict, blank=True)
    # Where to send it when not to the subject's own stored address (a personal-data link goes
    # to the address typed on the form). Encrypted, and blanked once the email is sent.
    address = EncryptedEmailField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["content_type", "object_id"], name="pledge_email_subject")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class Signature(models.Model):
    class Channel(models.TextChoices):
        # Paper sheets are counted as batches (the `paper` app), not as signature rows.
        WEB = "web", _("Web form")
        API = "api", _("Partner API")
        USSD = "ussd", _("USSD")
        SMS = "sms", _("SMS")

    # Signed from a phone: the mobile network vouches for the number, so no email is involved.
    PHONE_CHANNELS = frozenset({Channel.USSD, Channel.SMS})

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for email confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        SUSPECT = "suspect", _("Suspect (over a rate limit, held for review)")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="signatures")
    statement_version = models.ForeignKey(
        StatementVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    # Encrypted (lib/encryption.py). The email is blanked once nothing more is owed to it
    # (pledges/retention.py); the keyed hash below stays for dedupe and look-ups.
    name = EncryptedCharField(_("name"), max_length=NAME_MAX)
    email = EncryptedEmailField(_("email"), max_length=EMAIL_MAX, blank=True)
    # The name as shown on the public list: filled only while the signature is confirmed and
    # the signer chooses to be listed, so public pages, search and the plain export never
    # decrypt anything.
    listed_name = models.CharField(max_length=NAME_MAX, blank=True, editable=False)
    # Keyed hash of the canonical address (pledges/mailboxes.py): what dedupe compares.
    # Blank for a signature made by phone (USSD or SMS), which has no email address.
    email_hash = models.CharField(max_length=64, blank=True, editable=False)
    # Keyed hash of the normalised E.164 number (`pledges.phone.phone_hash`), for a signature
    # made by phone: what dedupe and rate limits compare. The number itself is never stored.
    # Defaults in the database too: rows written by SQL (bulk loads, the benchmark) get them.
    phone_hash = models.CharField(max_length=64, blank=True, db_default="", editable=False)
    channel = models.CharField(
        _("signed by"),
        max_length=10,
        choices=Channel.choices,
        default=Channel.WEB,
        db_default=Channel.WEB,
        editable=False,
    )
    # Signed twice under two aliases of one mailbox before aliases were recognised: kept,
    # left out of the uniqueness rule, and shown to moderators to settle.
    alias_duplicate = models.BooleanField(
        _("same mailbox as another signature"), default=False, editable=False
    )
    country = CountryField(_("country"))
    affiliation = models.CharField(
        _("organisation (optional)"), max_length=AFFILIATION_MAX, blank=True
    )
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGE_CHOICES)
    show_publicly = models.BooleanField(_("show my name on the public list"), default=False)
    updates_consent = models.BooleanField(_("send me updates about this campaign"), default=False)
    ip_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("signed at"), auto_now_add=True, db_index=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_emailed_at = models.DateTimeField(null=True, blank=True)
    # The partner whose link, QR code or API token brought the signature. Kept (PROTECT):
    # revoke a partner's tokens rather than delete a partner who brought signers.
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="signatures",
        verbose_name=_("partner"),
    )
    shared_with_partner = models.BooleanField(
        _("agreed to share name and email with the partner"), default=False, editable=False
    )
    emails = GenericRelation(PledgeEmail)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        permissions = [
            ("export_pledges", "Can export signatures and organisational pledges"),
            ("export_personal_data", "Can export emails and contact people"),
            ("review_signature", "Can release or discard suspect signatures"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "email_hash"],
                condition=Q(alias_duplicate=False) & ~Q(email_hash=""),
                name="signature_mailbox_unique",
            ),
            # One signature per phone number and campaign, whichever phone channel it used.
            models.UniqueConstraint(
                fields=["campaign", "phone_hash"],
                condition=~Q(phone_hash=""),
                name="signature_phone_unique",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=["web", "api", "ussd", "sms"]),
                name="signature_channel_known",
            ),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(confirmed_at__isnull=False),
                name="signature_confirmed_has_time",
            ),
            models.CheckConstraint(
                condition=Q(shared_with_partner=False) | Q(partner__isnull=False),
                name="signature_shared_needs_partner",
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "status", "id"], name="signature_campaign_status"),
            # The public list, newest first, any page deep: without it PostgreSQL walked the
            # primary key past every unlisted signature of the campaign (bench/).
            # It carries what the list shows (an index-only scan): without those columns
            # PostgreSQL preferred walking the primary key backwards past every newer pending
            # signature of other campaigns (240 ms for page 1 after a signing spike).
            models.Index(
                fields=["campaign", "-id"],
                condition=Q(status="confirmed", show_publicly=True),
                include=["listed_name", "country", "affiliation"],
                name="signature_public_list_covering",
            ),
            models.Index(fields=["email_hash"], name="signature_email_hash"),
            models.Index(fields=["campaign", "status", "country"], name="signature_country"),
            models.Index(fields=["status", "created_at"], name="signature_status_created"),
        ]

    def __str__(self) -> str:
        # Not the name: this string lands in page titles and the admin's history table.
        return f"{self.listed_name or _('signature')} #{self.pk} ({self.campaign.slug})"

    @property
    def is_counted(self) -> bool:
        return self.status == self.Status.CONFIRMED


class Submission(models.Model):
    """A sign form as it arrived, waiting for the intake job (`pledges.intake`).

    The sign request stores its submission in one INSERT and answers "check your email"; the
    job turns submissions into signatures in batches (dedupe, rate limits, the confirmation
    email) and deletes each in the transaction that stores its signature, so a submission is
    never lost and never signed twice. What the signer typed is encrypted as one document;
    rows live seconds.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    # The version on the page when it was signed (None: the job looks it up).
    statement_version = models.ForeignKey(
        StatementVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    data = EncryptedJSONField()
    ip_hash = models.CharField(max_length=64, blank=True)
    received_at = models.DateTimeField()
    # Failed runs (an unexpected error): the job tries again later and logs each failure.
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"submission {self.pk} to {self.campaign_id}"


class RateCount(models.Model):
    """How many submissions one submitter made in one fixed window (`pledges.abuse`).

    The key is a keyed hash (of the mailbox, its email domain, the IP address or the phone
    number): never an address, a domain or a number in plain text. Rows live a day
    (`purge_unconfirmed`).
    """

    class Scope(models.TextChoices):
        EMAIL = "email", "email"
        DOMAIN = "domain", "domain"
        IP = "ip", "ip"
        PHONE = "phone", "phone"

    scope = models.CharField(max_length=10, choices=Scope.choices)
    key = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "key", "window_start"], name="rate_count_unique_window"
            )
        ]
        # No index on window_start alone: the daily purge may scan the table once, while
        # every new window of the sign path would pay for one more index entry.

    def __str__(self) -> str:
        return f"{self.scope} {self.window_start:%Y-%m-%d %H:%M}: {self.count}"


PHONE_CODE_MAX = 12
PHONE_SUMMARY_MAX = 120


class PhoneChannel(models.Model):
    """How a campaign takes signatures from any phone: over USSD menus and by SMS keyword
    ("SIGN <code> <name>"), both through Africa's Talking (`pledges.phone`, `pledges.ussd`).

    Kept here rather than on the campaign: a campaign without a row takes no phone
    signatures. `code` is what a signer types (on USSD too, when many campaigns are offered);
    stored in capitals, compared without regard to case."""

    campaign = models.OneToOneField(
        Campaign, on_delete=models.CASCADE, related_name="phone_channel", verbose_name=_("campaign")
    )
    code = models.CharField(
        _("keyword"),
        max_length=PHONE_CODE_MAX,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9]{2,12}$", message=_("2 to 12 letters or digits, without spaces.")
            )
        ],
        help_text=_(
            "What signers type after SIGN in a text message: 2 to 12 letters or digits, "
            "such as REFUSE or 18."
        ),
    )
    ussd_enabled = models.BooleanField(_("take signatures over USSD"), default=False)
    sms_enabled = models.BooleanField(_("take signatures by SMS keyword"), default=False)
    default_country = CountryField(
        _("country of signers"),
        blank=True,
        help_text=_(
            "Counted as the signers' country when their number's country is not one the "
            "platform knows. Leave empty to refuse such numbers."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("phone signing")
        verbose_name_plural = _("phone signing")
        constraints = [
            models.UniqueConstraint(fields=["code"], name="phone_channel_unique_code"),
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z0-9]{2,12}$"), name="phone_channel_code_shape"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.campaign.slug})"

    def clean(self) -> None:
        self.code = (self.code or "").strip().upper()


class PhoneSummary(models.Model):
    """The statement in a few words for one language, as a USSD screen shows it. Without one
    the campaign's own summary in that language is shortened to fit."""

    phone_channel = models.ForeignKey(
        PhoneChannel, on_delete=models.CASCADE, related_name="summaries"
    )
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGE_CHOICES)
    text = models.CharField(
        _("summary for phones"),
        max_length=PHONE_SUMMARY_MAX,
        help_text=_("At most 120 characters: a USSD screen holds 182 with its menu."),
    )

    class Meta:
        ordering = ["language"]
        verbose_name = _("phone summary")
        verbose_name_plural = _("phone summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["phone_channel", "language"], name="phone_summary_unique_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.phone_channel_id} {self.language}"


class SmsReply(models.Model):
    """One text owed to someone who texted a keyword: an outbox row, sent once by a task.

    The number is held encrypted only until the reply is sent or given up (seconds, or the
    few retries of an outage), then blanked; rows go with the daily purge. The text is
    written at send time from `kind`, so no name is stored here either."""

    class Kind(models.TextChoices):
        SIGNED = "signed", "signed"
        ALREADY_SIGNED = "already-signed", "already signed"
        CLOSED = "closed", "closed"
        HELP = "help", "help"

    campaign = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    language = models.CharField(max_length=10, choices=LANGUAGE_CHOICES)
    phone = EncryptedCharField(max_length=16, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # "sent", "refused" (the number cannot get texts), "failed" (retries used up),
    # "not-configured" (no AFRICASTALKING_API_KEY): the number is gone in every case.
    outcome = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"sms reply {self.pk} ({self.kind})"


class Organisation(models.Model):
    """An organisation, one record reused by all the campaigns it signs."""

    class Kind(models.TextChoices):
        NGO = "ngo", _("NGO")
        UNION = "union", _("Union")
        COOPERATIVE = "cooperative", _("Cooperative")
        COLLECTIVE = "collective", _("Collective")
        COMMUNITY_NETWORK = "community_network", _("Community network")
        ACADEMIC = "academic", _("Academic")
        MEDIA = "media", _("Media")
        COMPANY = "company", _("Company")
        OTHER = "other", _("Other")

    name = models.CharField(_("organisation name"), max_length=160)
    name_key = models.CharField(max_length=160, db_index=True, editable=False)
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices)
    country = CountryField(_("country"))
    website = models.URLField(_("website"), max_length=300)
    domain = models.CharField(_("website domain"), max_length=253, editable=False)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["domain"], condition=~Q(domain=""), name="organisation_unique_domain"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def kind_label(self) -> str:
        """`get_kind_display`, from one dict per language: on a list of 50 organisations the
        stock method's per-call rebuild of the choices was a third of the page's time."""
        return _kind_labels(get_language() or settings.LANGUAGE_CODE).get(self.kind, self.kind)


class ContactConfirmedPledge(models.Model):
    """A pledge made by an organisation through a private contact person, then moderated."""

    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("Waiting for the contact to confirm")
        AWAITING_MODERATION = "awaiting_moderation", _("Waiting for moderation")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    status = models.CharField(
        _("status"), max_length=30, choices=Status.choices, default=Status.UNCONFIRMED
    )
    # Encrypted (lib/encryption.py); the address is blanked once the decision is made and
    # nothing of the contact's is open any more (pledges/retention.py).
    contact_name = EncryptedCharField(_("contact person"), max_length=NAME_MAX)
    contact_email = EncryptedEmailField(_("contact email"), max_length=EMAIL_MAX, blank=True)
    # Keyed hash of the contact's canonical address (lib/mailboxes.py): personal-data look-ups
    # and erasure find a contact by mailbox, whichever alias they typed.
    contact_email_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    contact_language = models.CharField(
        _("contact language"), max_length=10, choices=LANGUAGE_CHOICES, default="en"
    )
    ip_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True, db_index=True)
    contact_confirmed_at = models.DateTimeField(_("contact confirmed at"), null=True, blank=True)
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moderated by"),
    )
    rejection_reason = models.TextField(_("reason for rejection"), max_length=2000, blank=True)
    # An organisation not known yet (by its website's domain) is only created, with its logo,
    # once the contact confirms: until then what was submitted waits here, so an unconfirmed
    # submission can never name, describe or picture someone else's organisation.
    proposed_organisation = models.JSONField(default=dict, blank=True, editable=False)
    proposed_logo = models.ImageField(upload_to="logos/proposed/", blank=True, editable=False)
    emails = GenericRelation(PledgeEmail)

    class Meta:
        abstract = True

    @property
    def is_counted(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def named_organisation(self) -> "Organisation":
        """The organisation, or before the contact confirms the one proposed (unsaved)."""
        if self.organisation_id:
            return self.organisation
        fields = {"name", "kind", "country", "website", "domain"}
        return Organisation(**{k: v for k, v in self.proposed_organisation.items() if k in fields})


class OrgPledge(ContactConfirmedPledge):
    """An organisation's sign-on to one campaign's statement."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="pledges"
    )
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="org_pledges")
    statement_version = models.ForeignKey(
        StatementVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="org_pledges",
        verbose_name=_("partner"),
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("organisational sign-on")
        verbose_name_plural = _("organisational sign-ons")
        permissions = [("moderate_orgpledge", "Can approve and reject organisational sign-ons")]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "campaign"], name="org_pledge_unique_campaign"
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="org_pledge_rejection_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "status", "id"], name="org_pledge_campaign_status"),
        ]

    def __str__(self) -> str:
        return f"{self.named_organisation} → {self.campaign.slug}"


class UpdateMailing(models.Model):
    """An update email from Communications to the consenting confirmed signers of a campaign."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="mailings")
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body (plain text)"), max_length=20000)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    total = models.PositiveIntegerField(_("recipients"), default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True, editable=False)
    prepared_at = models.DateTimeField(null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("update email")
        verbose_name_plural = _("update emails")
        permissions = [("send_updatemailing", "Can send update emails to signers")]

    def __str__(self) -> str:
        return self.subject


class UpdateDelivery(models.Model):
    mailing = models.ForeignKey(UpdateMailing, on_delete=models.CASCADE, related_name="deliveries")
    signature = models.ForeignKey(Signature, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["mailing", "signature"], name="update_delivery_unique_signature"
            )
        ]
        indexes = [models.Index(fields=["mailing", "sent_at"], name="update_delivery_pending")]

    def __str__(self) -> str:
        return f"{self.mailing_id} → {self.signature_id}"


@lru_cache(maxsize=16)
def _kind_labels(language: str) -> dict[str, str]:
    from django.utils import translation

    with translation.override(language):
        return {value: str(label) for value, label in Organisation.Kind.choices}
