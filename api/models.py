"""Outbound webhooks: partner subscriptions and their delivery log; goals announced once."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, Partner


class EventType(models.TextChoices):
    SIGNATURE_CONFIRMED = "signature.confirmed", _("Signature confirmed")
    ORGANISATION_APPROVED = "organisation.approved", _("Organisation approved")
    COMMITMENT_STATUS_CHANGED = "commitment.status_changed", _("Commitment status changed")
    GOAL_REACHED = "goal.reached", _("Goal reached")


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
        from django.core.exceptions import ValidationError

        from api.webhooks import url_problem

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
    payload = models.JSONField()
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
