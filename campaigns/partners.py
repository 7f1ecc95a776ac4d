"""Partners (allied organisations, media, sites) and their API tokens.

They live beside Campaign, imported by campaigns.models, so pledges and donations can
attribute a row to a Partner without depending on the api app.
"""

import hashlib
import re

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from campaigns.forms import REF_PATTERN


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
        from django.core.exceptions import ValidationError

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
