import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, Mod
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from campaigns.models import LANGUAGE_CHOICES, Campaign
from donations.bank_details import (
    display_account_number,
    looks_like_iban,
    validate_account_number,
    validate_bic,
)
from donations.money import format_money
from lib.currencies import validate_currency
from lib.encryption import EncryptedCharField, EncryptedEmailField

CURRENCY_REGEX = r"^[A-Z]{3}$"


class Donation(models.Model):
    """One payment: a one-off gift, one monthly charge, or an offline gift.

    A monthly gift is the donation created at checkout (its first charge); each later
    charge is its own donation with `parent` pointing at it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        PROCESSING = "processing", _("Processing")
        SUCCEEDED = "succeeded", _("Succeeded")
        PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
        REFUNDED = "refunded", _("Refunded")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    class Method(models.TextChoices):
        CARD = "card", _("Card (Stripe)")
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        CASH = "cash", _("Cash")
        MOBILE_MONEY = "mobile_money", _("Mobile money")
        # Given online through Daraja's STK push (donations/daraja.py), not recorded by Finance.
        MPESA = "mpesa", _("M-Pesa")

    # Paid online: the payment service, not Finance, says whether the money arrived.
    ONLINE = (Method.CARD, Method.MPESA)

    class ReceiptChannel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("SMS")

    class Frequency(models.TextChoices):
        ONCE = "once", _("One-off")
        MONTHLY = "monthly", _("Monthly")

    # Statuses whose money was received (refunds are netted out separately).
    RECEIVED = (Status.SUCCEEDED, Status.PARTIALLY_REFUNDED, Status.REFUNDED)

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="donations",
        help_text=_("Empty for the general fund."),
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="instalments",
        editable=False,
    )
    method = models.CharField(
        _("method"), max_length=20, choices=Method.choices, default=Method.CARD
    )
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.ONCE
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING, editable=False
    )
    amount_minor = models.PositiveBigIntegerField(_("amount (minor units)"))
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    refunded_minor = models.PositiveBigIntegerField(_("refunded (minor units)"), default=0)
    # Encrypted (lib/encryption.py); the address is blanked once receipts are sent and no
    # monthly gift is running (donations/retention.py), the keyed hash staying for counts.
    donor_name = EncryptedCharField(_("donor name"), max_length=120, blank=True)
    email = EncryptedEmailField(_("email"), blank=True)
    email_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    public_listing = models.BooleanField(_("listed publicly"), default=False)
    message = models.TextField(_("message"), max_length=1000, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=LANGUAGE_CHOICES, default="en"
    )
    offline_reference = models.CharField(_("reference"), max_length=120, blank=True)
    received_on = models.DateField(_("date received"), null=True, blank=True)
    # One per rendered offline-gift form: the same form posted twice records one gift.
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    stripe_checkout_session_id = models.CharField(max_length=255, blank=True, editable=False)
    stripe_payment_intent_id = models.CharField(max_length=255, blank=True, editable=False)
    stripe_subscription_id = models.CharField(max_length=255, blank=True, editable=False)
    stripe_invoice_id = models.CharField(max_length=255, blank=True, editable=False)
    stripe_customer_id = models.CharField(max_length=255, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    succeeded_at = models.DateTimeField(null=True, blank=True, editable=False)
    refunded_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancel_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    subscription_ended_at = models.DateTimeField(null=True, blank=True, editable=False)
    receipt_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # M-Pesa (STK push). The phone number is kept, encrypted, only when the donor asked for the
    # receipt by SMS, and blanked once it is sent or the payment failed; otherwise it is only
    # ever sent to Daraja, never stored.
    receipt_by = models.CharField(
        _("receipt by"),
        max_length=5,
        choices=ReceiptChannel.choices,
        default=ReceiptChannel.EMAIL,
        editable=False,
    )
    phone = EncryptedCharField(_("phone number"), max_length=15, blank=True, editable=False)
    mpesa_checkout_request_id = models.CharField(max_length=100, blank=True, editable=False)
    mpesa_merchant_request_id = models.CharField(max_length=100, blank=True, editable=False)
    # From the result callback (unsigned): for Finance to find the payment on the statement.
    mpesa_receipt_number = models.CharField(
        _("M-Pesa receipt"), max_length=40, blank=True, editable=False
    )
    # Daraja's ResultCode from the platform's own STK push query ("0": paid).
    mpesa_result_code = models.CharField(max_length=12, blank=True, editable=False)
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="donations",
        verbose_name=_("partner"),
        help_text=_("Whose link brought the gift."),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        permissions = [("view_donation_reports", "Can see donor data and finance reports")]
        indexes = [
            models.Index(fields=["campaign", "status"], name="donation_campaign_status"),
            models.Index(fields=["stripe_subscription_id"], name="donation_subscription"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_minor__gt=0), name="donation_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(refunded_minor__lte=F("amount_minor")),
                name="donation_refund_within_amount",
            ),
            models.CheckConstraint(
                condition=Q(currency__regex=CURRENCY_REGEX), name="donation_currency_iso"
            ),
            models.UniqueConstraint(
                fields=["stripe_checkout_session_id"],
                condition=~Q(stripe_checkout_session_id=""),
                name="donation_unique_checkout_session",
            ),
            models.UniqueConstraint(
                fields=["stripe_payment_intent_id"],
                condition=~Q(stripe_payment_intent_id=""),
                name="donation_unique_payment_intent",
            ),
            models.UniqueConstraint(
                fields=["stripe_invoice_id"],
                condition=~Q(stripe_invoice_id=""),
                name="donation_unique_invoice",
            ),
            models.UniqueConstraint(
                fields=["idempotency_key"], name="donation_unique_idempotency_key"
            ),
            models.UniqueConstraint(
                fields=["mpesa_checkout_request_id"],
                condition=~Q(mpesa_checkout_request_id=""),
                name="donation_unique_mpesa_checkout",
            ),
            # M-Pesa moves whole Kenyan shillings: KES with no cents.
            models.CheckConstraint(
                condition=~Q(method="mpesa")
                | (Q(currency="KES") & Q(Exact(Mod(F("amount_minor"), 100), 0))),
                name="donation_mpesa_whole_shillings",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.money} {self.get_method_display()} #{self.pk}"

    @property
    def money(self) -> str:
        return format_money(self.amount_minor, self.currency)

    @property
    def net_minor(self) -> int:
        return self.amount_minor - self.refunded_minor if self.status in self.RECEIVED else 0

    @property
    def is_offline(self) -> bool:
        return self.method not in self.ONLINE

    @property
    def gift(self) -> "Donation":
        """The monthly gift this charge belongs to (itself for one-off and first charges)."""
        return self.parent or self


class OfflineGift(Donation):
    """Bank transfers, cash and mobile money recorded by Finance (same table)."""

    class Meta:
        proxy = True
        verbose_name = _("offline gift")
        verbose_name_plural = _("offline gifts")


class StripeEvent(models.Model):
    """Each webhook event once: a redelivered event id is acknowledged and changes nothing."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", _("Applied")
        IGNORED = "ignored", _("Ignored")
        DEFERRED = "deferred", _("Waiting for its payment")

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    payload = models.JSONField()
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    # Why an event was ignored (e.g. a status change the transition table refuses); no
    # personal data, only statuses and ids.
    reason = models.CharField(max_length=255, blank=True, default="")
    # A refund that arrives before we know its payment waits under the payment intent id.
    waiting_for = models.CharField(max_length=255, blank=True, db_index=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class MpesaCallback(models.Model):
    """Each STK push result once, by its CheckoutRequestID: a repeat changes nothing.

    Daraja's callbacks are unsigned, so this is a claim, not a payment: its arrival makes the
    platform ask Daraja (`confirm_mpesa_payment`); the gift counts on that answer. Kept
    without the payer's phone number."""

    checkout_request_id = models.CharField(max_length=100, unique=True)
    donation = models.ForeignKey(
        Donation, on_delete=models.PROTECT, related_name="mpesa_callbacks", editable=False
    )
    result_code = models.PositiveIntegerField()
    result_desc = models.CharField(max_length=255, blank=True)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("M-Pesa callback")
        verbose_name_plural = _("M-Pesa callbacks")

    def __str__(self) -> str:
        return f"{self.checkout_request_id} ({self.result_code})"


class MpesaSetting(models.Model):
    """Finance offers M-Pesa (STK push, in Kenyan shillings) on one donate page: a campaign's,
    or with no campaign the general fund's. Only where the site has Daraja keys."""

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Empty for the general fund's donate page."),
    )
    enabled = models.BooleanField(
        _("offer M-Pesa"),
        default=True,
        help_text=_("Donors enter their phone number and approve the gift on their phone."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("M-Pesa on a donate page")
        verbose_name_plural = _("M-Pesa on donate pages")
        constraints = [
            # One per campaign, and one for the general fund (no campaign).
            models.UniqueConstraint(
                Coalesce("campaign", Value(0)),
                name="mpesa_setting_one_per_page",
                violation_error_message=_("This donate page already has its M-Pesa setting."),
            )
        ]

    def __str__(self) -> str:
        return str(self.campaign) if self.campaign_id else str(_("General fund"))


class ExchangeRate(models.Model):
    """Finance's rate table: one `base` unit is worth `rate` `quote` units from `valid_from`."""

    base = models.CharField(_("from currency"), max_length=3, validators=[validate_currency])
    quote = models.CharField(_("to currency"), max_length=3, validators=[validate_currency])
    rate = models.DecimalField(_("rate"), max_digits=18, decimal_places=8)
    valid_from = models.DateField(_("valid from"))

    class Meta:
        ordering = ["-valid_from", "base", "quote"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.UniqueConstraint(
                fields=["base", "quote", "valid_from"], name="exchange_rate_unique_per_day"
            ),
            models.CheckConstraint(condition=Q(rate__gt=0), name="exchange_rate_positive"),
            models.CheckConstraint(
                condition=Q(base__regex=CURRENCY_REGEX) & Q(quote__regex=CURRENCY_REGEX),
                name="exchange_rate_currencies_iso",
            ),
            models.CheckConstraint(
                condition=~Q(base=F("quote")), name="exchange_rate_distinct_currencies"
            ),
        ]

    def __str__(self) -> str:
        return f"1 {self.base} = {self.rate} {self.quote} ({self.valid_from})"


class GivingMethod(models.Model):
    """A way to give without a card, set by Finance and shown on every donate page.

    Donors quote the campaign's reference with the gift (donations/references.py); Finance
    records it as an offline gift. Texts are in the site's default language, with
    translations beside them (`GivingMethodTranslation`).
    """

    class Kind(models.TextChoices):
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        MOBILE_MONEY = "mobile_money", _("Mobile money")
        POST = "post", _("By post")
        EMAIL = "email", _("By email")

    # Fields each kind cannot do without (also checked by the constraints below).
    REQUIRED = {
        Kind.BANK_TRANSFER: ("account_holder", "account_number", "currency"),
        Kind.MOBILE_MONEY: ("provider", "number", "currency"),
        Kind.POST: ("postal_address",),
        Kind.EMAIL: ("email",),
    }

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    label = models.CharField(
        _("public label"),
        max_length=120,
        help_text=_("The heading donors see, e.g. “Bank transfer in euros”."),
    )
    instructions = models.TextField(
        _("instructions"),
        max_length=2000,
        blank=True,
        help_text=_("Plain text under the details, e.g. how to ask for a receipt."),
    )
    currency = models.CharField(
        _("currency"), max_length=3, blank=True, validators=[validate_currency]
    )
    account_holder = models.CharField(
        _("account holder"),
        max_length=140,
        blank=True,
        help_text=_("The name on the account, or the business name of a paybill."),
    )
    account_number = models.CharField(
        _("IBAN or account number"),
        max_length=40,
        blank=True,
        validators=[validate_account_number],
    )
    bic = models.CharField(_("BIC/SWIFT"), max_length=11, blank=True, validators=[validate_bic])
    bank_name = models.CharField(_("bank name"), max_length=140, blank=True)
    provider = models.CharField(
        _("provider"), max_length=60, blank=True, help_text=_("e.g. M-Pesa, MTN MoMo.")
    )
    number = models.CharField(
        _("number"),
        max_length=40,
        blank=True,
        help_text=_("The paybill, till or phone number donors send money to."),
    )
    country = CountryField(_("country"), blank=True)
    postal_address = models.TextField(_("postal address"), max_length=500, blank=True)
    email = models.EmailField(
        _("email address"),
        blank=True,
        help_text=_(
            "A shared mailbox of the finance task force, never a person's own address: "
            "it is shown to the public."
        ),
    )
    active = models.BooleanField(_("shown on the donate pages"), default=True)
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Smaller numbers come first.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("offline way to give")
        verbose_name_plural = _("offline ways to give")
        constraints = [
            models.CheckConstraint(
                condition=Q(currency="") | Q(currency__regex=CURRENCY_REGEX),
                name="giving_method_currency_iso",
            ),
            models.CheckConstraint(
                condition=~Q(kind="bank_transfer")
                | (~Q(account_holder="") & ~Q(account_number="") & ~Q(currency="")),
                name="giving_method_bank_has_account",
            ),
            models.CheckConstraint(
                condition=~Q(kind="mobile_money")
                | (~Q(provider="") & ~Q(number="") & ~Q(currency="")),
                name="giving_method_mobile_has_number",
            ),
            models.CheckConstraint(
                condition=~Q(kind="post") | ~Q(postal_address=""),
                name="giving_method_post_has_address",
            ),
            models.CheckConstraint(
                condition=~Q(kind="email") | ~Q(email=""), name="giving_method_email_has_address"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        missing = {
            name: ValidationError(_("Required for this kind."), code="required")
            for name in self.REQUIRED.get(self.kind, ())
            if not getattr(self, name)
        }
        if missing:
            raise ValidationError(missing)

    @property
    def is_iban(self) -> bool:
        return looks_like_iban(self.account_number)

    @property
    def account_number_display(self) -> str:
        return display_account_number(self.account_number)

    def text(self, language: str | None) -> tuple[str, str]:
        """(label, instructions) in `language`, falling back field by field to the default."""
        translation = next((t for t in self.translations.all() if t.language == language), None)
        return (
            (translation and translation.label) or self.label,
            (translation and translation.instructions) or self.instructions,
        )


class GivingMethodTranslation(models.Model):
    method = models.ForeignKey(GivingMethod, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGE_CHOICES)
    label = models.CharField(_("public label"), max_length=120)
    instructions = models.TextField(_("instructions"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [
            models.UniqueConstraint(
                fields=["method", "language"], name="giving_method_translation_unique_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.method} [{self.language}]"
