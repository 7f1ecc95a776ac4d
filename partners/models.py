"""Partners (allied organisations, media, sites), their API tokens, webhook subscriptions,
the delivery log, and the goals already announced to them.

Pledges and donations attribute a row to a Partner; domain services hand events down to
`partners.events.emit`.
"""

import hashlib
import re
import uuid

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from campaigns.forms import REF_PATTERN
from campaigns.models import Campaign
from lib.encryption import EncryptedJSONField
from partners.webhooks import url_problem


class Partner(models.Model):
    name = models.CharField(_("name"), max_length=120)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    ref = models.CharField(
        _("attribution code"),
        max_length=40,
        validators=[RegexValidator(REF_PATTERN)],
        help_text=_(
            "Used as ?ref=<code> on campaign links and QR codes: letters, digits, _ and -."
        ),
    )
    website = models.URLField(_("website"), blank=True)
    campaigns = models.ManyToManyField(
        "campaigns.Campaign", blank=True, related_name="partners", verbose_name=_("campaigns")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [
            models.UniqueConstraint(Lower("ref"), name="partner_ref_unique_ci"),
            models.CheckConstraint(condition=Q(ref__regex=REF_PATTERN), name="partner_ref_format"),
        ]

    def __str__(self) -> str:
        return self.name


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class PartnerToken(models.Model):
    """A bearer token for a partner. Only the SHA-256 of the token is stored."""

    class Scope(models.TextChoices):
        STATS_READ = "stats:read", _("Read own attribution figures")
        SIGNATURES_WRITE = "signatures:write", _("Submit signatures")
        SIGNERS_READ = "signers:read", _("Read signers who agreed to share their details")
        WEBHOOKS_MANAGE = "webhooks:manage", _("Manage webhook subscriptions")

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="tokens", verbose_name=_("partner")
    )
    name = models.CharField(_("name"), max_length=120, help_text=_("What the token is for."))
    scopes = models.JSONField(_("scopes"), default=list)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("prefix"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("partner token")
        verbose_name_plural = _("partner tokens")

    def __str__(self) -> str:
        return f"{self.partner} · {self.name} ({self.prefix}…)"

    def clean(self) -> None:
        valid = set(self.Scope.values)
        if not isinstance(self.scopes, list) or not self.scopes:
            raise ValidationError({"scopes": _("Choose at least one scope.")})
        unknown = [s for s in self.scopes if s not in valid]
        if unknown:
            raise ValidationError({"scopes": _("Unknown scope.")})

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def has_scope(self, scope: str) -> bool:
        return self.is_active and scope in self.scopes


def partner_for_ref(ref: str | None) -> Partner | None:
    """The partner an attribution code names; None for a malformed or unknown code."""
    if not ref or not re.fullmatch(REF_PATTERN, ref):
        return None
    return Partner.objects.filter(ref__iexact=ref).first()


class EventType(models.TextChoices):
    SIGNATURE_CONFIRMED = "signature.confirmed", _("Signature confirmed")
    ORGANISATION_APPROVED = "organisation.approved", _("Organisation approved")
    COMMITMENT_STATUS_CHANGED = "commitment.status_changed", _("Commitment status changed")
    GOAL_REACHED = "goal.reached", _("Goal reached")
    # Right of reply: a target's reply was published, or its request went overdue unanswered.
    TARGET_REPLY_RECORDED = "target.reply_recorded", _("Target reply recorded or overdue")
    # The dated target list: a target added, removed or re-categorised.
    TARGET_LIST_CHANGED = "target.list_changed", _("Target list changed")


class WebhookSubscription(models.Model):
    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="webhooks", verbose_name=_("partner")
    )
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=80, editable=False)
    events = models.JSONField(_("events"), default=list)
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="webhooks",
        verbose_name=_("campaign"),
        help_text=_("Only events of this campaign; empty for every campaign."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    disabled_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self) -> str:
        return f"{self.partner}: {self.url}"

    def clean(self) -> None:
        if not isinstance(self.events, list) or not self.events:
            raise ValidationError({"events": _("Choose at least one event.")})
        if any(e not in EventType.values for e in self.events):
            raise ValidationError({"events": _("Unknown event type.")})
        problem = url_problem(self.url)
        if problem:
            raise ValidationError({"url": problem})


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.UUIDField(default=uuid.uuid4)
    event_type = models.CharField(max_length=40, choices=EventType.choices)
    # Encrypted: a `signature.confirmed` payload names the signer when they agreed to share.
    payload = EncryptedJSONField()
    # Keyed hash of the signer's mailbox when the payload names one, for erasure.
    person_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    response_status = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event_id"], name="webhook_delivery_once_per_event"
            ),
            models.CheckConstraint(
                condition=Q(status="succeeded", delivered_at__isnull=False)
                | ~Q(status="succeeded"),
                name="webhook_delivery_succeeded_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.subscription.url}"


class ReachedGoal(models.Model):
    """A campaign goal announced as reached, so `goal.reached` is sent once per goal."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="reached_goals")
    figure = models.CharField(max_length=40)
    goal = models.PositiveBigIntegerField()
    reached_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "figure", "goal"], name="reached_goal_once")
        ]

    def __str__(self) -> str:
        return f"{self.campaign.slug}: {self.figure} {self.goal}"
