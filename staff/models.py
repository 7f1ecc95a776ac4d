"""The audit log (one row per sensitive staff action, never changed), second-factor
enrolment links, the per-username login failure counter, and each staff member's
notification choices with the notices sent to them."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One sensitive staff action, written by `staff.audit.record` and never changed.

    `details` holds identifiers and states only, never personal data: the log outlives
    the people in it and is read by other staff.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept when the account is later deleted; empty for the system (scheduler, tasks).
    actor_username = models.CharField(_("actor username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        who = self.actor_username or "system"
        return f"{self.created_at:%Y-%m-%d %H:%M} {who} {self.action}"


class EnrolmentLink(models.Model):
    """A one-time link that lets a staff member register their first second factor.

    The password alone never enrols a device: the link goes to the account's email address
    (or a superuser hands it over in person), so enrolling also proves access to that.
    Only a hash of the token is stored; the raw token exists in the email or printout alone.
    """

    class Via(models.TextChoices):
        EMAIL = "email"
        IN_PERSON = "in_person"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    via = models.CharField(max_length=16, choices=Via.choices)
    # SHA-256 of the token; empty until the email task mints the token and sends it.
    token_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "created_at"], name="enrolment_user_created_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["token_hash"],
                condition=~models.Q(token_hash=""),  # not minted yet, not a secret # nosec B106
                name="enrolment_token_hash_unique",
            )
        ]

    def __str__(self) -> str:
        return f"enrolment link {self.pk} ({self.via})"

    def is_open(self, now=None) -> bool:
        """Not used, not replaced and not expired (whether its user enrolled meanwhile is
        `staff.enrolment`'s question)."""
        now = now or timezone.now()
        return self.used_at is None and self.revoked_at is None and self.expires_at > now


class UsernameLoginFailure(models.Model):
    """One failed staff login, keyed on the username alone (no address, no password).

    django-axes locks a username per IP address; these rows let `staff.lockout` also lock a
    username that is being guessed from many addresses. Rows older than the username
    cool-off are deleted as new failures arrive.
    """

    username = models.CharField(max_length=150)
    failed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["username", "failed_at"], name="login_failure_username_idx")
        ]

    def __str__(self) -> str:
        return f"{self.failed_at:%Y-%m-%d %H:%M} {self.username}"


class NotificationPreference(models.Model):
    """What a staff member wants to be emailed about; no row means the defaults (all on).

    Edited by its owner on "My notifications" in the workspace, written by
    `staff.preferences.set_notification_preferences`.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    moderation_digest = models.BooleanField(
        _("a daily digest of what waits for moderation"), default=True
    )
    moderation_alerts = models.BooleanField(
        _("an email when an empty moderation queue gets its first item"), default=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"notifications of user {self.user_id}"


class StaffNotice(models.Model):
    """One email owed to one staff member: the outbox row that makes its task send it once.

    `key` names the occasion (the day of a digest, the queue and item of an alert); the unique
    constraint means a task that runs twice finds the row and sees it sent.
    """

    class Kind(models.TextChoices):
        MODERATION_DIGEST = "moderation-digest"
        MODERATION_ALERT = "moderation-alert"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40, choices=Kind.choices)
    key = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "key"], name="staff_notice_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} → user {self.user_id}"
