import uuid

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from donations import bank_details, money, queries, references, services
from donations.forms import MajorAmountField, amount_error, amount_to_minor, example_amount
from donations.models import (
    Donation,
    ExchangeRate,
    GivingMethod,
    GivingMethodTranslation,
    MpesaCallback,
    MpesaSetting,
    OfflineGift,
    StripeEvent,
)
from lib.text import validate_single_line
from staff import audit
from staff.admin_readonly import ReadOnlyAdmin
from staff.personal_admin import PersonalDataAdminMixin

OFFLINE_METHODS = [(v, label) for v, label in Donation.Method.choices if v not in Donation.ONLINE]


class AuditedDonorViewMixin:
    """Opening a gift's page shows a donor's name and email: each view goes in the audit log.
    The email is masked unless the user holds the personal-data permission."""

    email_fields = {"email": "email_hash"}
    personal_fields = ("donor_name", "phone")

    def masked(self, request, fields: list[str]) -> list[str]:
        # An M-Pesa donor's number (kept only until the SMS receipt): its last digits only,
        # unless the user holds the personal-data permission.
        fields = super().masked(request, fields)
        if self.sees_personal_data(request):
            return fields
        return ["masked_phone" if f == "phone" else f for f in fields]

    @admin.display(description=_("phone number"))
    def masked_phone(self, obj) -> str:
        return f"…{obj.phone[-3:]}" if obj.phone else ""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            gift = self.get_object(request, unquote(object_id))
            if gift is not None:
                audit.record("donation.view", actor=request.user, target=gift)
        return response


@admin.register(Donation)
class DonationAdmin(AuditedDonorViewMixin, PersonalDataAdminMixin, ReadOnlyAdmin):
    list_display = [
        "pk",
        "succeeded_at",
        "money",
        "method",
        "frequency",
        "status",
        "campaign",
        "refunded_minor",
    ]
    list_filter = ["status", "method", "frequency", "currency", "campaign"]
    # Names and addresses are encrypted: an address is found by its keyed hash.
    search_fields = [
        "offline_reference",
        "stripe_payment_intent_id",
        "mpesa_receipt_number",
        "mpesa_checkout_request_id",
    ]
    date_hierarchy = "created_at"
    list_select_related = ["campaign"]


def _parse_key(raw: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(raw or ""))
    except ValueError:
        return None


class OfflineGiftForm(forms.ModelForm):
    """A line of a bank statement or a mobile-money message, typed as Finance reads it: the
    amount in the currency's own units ("1,500.00" KES, "5000" JPY) as the page's language
    writes numbers, converted to minor units by `donations.money`."""

    method = forms.ChoiceField(label=_("Payment method"), choices=OFFLINE_METHODS)
    amount = MajorAmountField(label=_("Amount"))
    currency = forms.ChoiceField(label=_("Currency"), choices=())
    donor_reference = forms.CharField(
        label=_("Donor's reference code"),
        required=False,
        max_length=40,
    )
    # A fresh random key each time the empty form is rendered: posting it twice (a double
    # click, a resent request) records one gift.
    # (Not named after the model's non-editable `idempotency_key`, which admin forms refuse.)
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    class Meta:
        model = OfflineGift
        fields = [
            "method",
            "currency",
            "received_on",
            "offline_reference",
            "campaign",
            "donor_name",
            "email",
            "public_listing",
            "language",
        ]
        labels = {
            "received_on": _("Date received"),
            "offline_reference": _("Transaction reference"),
            "campaign": _("Campaign"),
            "donor_name": _("Donor's name"),
            "email": _("Donor's email"),
            "public_listing": _("Show the donor's name on the open books"),
            "language": _("Language of the receipt"),
        }
        help_texts = {
            "offline_reference": _(
                "The bank's or the mobile-money provider's own reference, to find the "
                "payment on the statement again."
            ),
            "campaign": _("Leave empty for the general fund."),
            "donor_name": _("Leave empty if the donor gave none."),
            "email": _("A receipt goes to this address. Leave empty to send none."),
            "public_listing": _(
                "Ticked: the name appears in the list of donors on the public open books "
                "page. Not ticked: the gift still counts in every total, without a name."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        currencies = queries.offline_gift_currencies()
        self.fields["currency"].choices = [(c, money.currency_name(c)) for c in currencies]
        if "amount" in self.fields:
            self.fields["amount"].help_text = _(
                "In the currency's units, as on the statement: e.g. %(decimals)s "
                "(%(whole)s for yen)."
            ) % {"decimals": example_amount("EUR"), "whole": example_amount("JPY")}
        if "donor_reference" in self.fields:
            self.fields["donor_reference"].help_text = _(
                "The code from the donate page (e.g. %(example)s), found in the transfer's "
                "description or the mobile-money account field: it chooses the campaign."
            ) % {"example": references.reference_for(None)}
        self.stale_key = False
        if not self.is_bound:
            self.fields["submission_key"].initial = str(uuid.uuid4())
        elif (
            "submission_key" in self.fields and _parse_key(self.data.get("submission_key")) is None
        ):
            # Posted without a usable key (a page from before keys, a hand-made request):
            # refused once, and the form comes back with a fresh key to save it again.
            self.stale_key = True
            self.data = self.data.copy()
            self.data["submission_key"] = str(uuid.uuid4())
        # The view-only page of a recorded gift builds this form without the model's fields.
        if "received_on" in self.fields:
            self.fields["received_on"].required = True
        for name in ("donor_name", "offline_reference"):
            if name in self.fields:
                self.fields[name].validators.append(validate_single_line)

    def clean(self):
        data = super().clean()
        if self.stale_key:
            # A hidden field has nowhere to show its error: this one goes at the top.
            self.add_error(None, _("This form had expired. Check the gift and save it again."))
        else:
            data["idempotency_key"] = _parse_key(data.get("submission_key"))
        currency = data.get("currency")
        amount = data.get("amount")
        if currency and amount is not None:
            try:
                data["amount_minor"] = amount_to_minor(amount, currency)
            except money.MoneyError:
                self.add_error("amount", amount_error(currency))
        if data.get("donor_reference"):
            try:
                data["campaign"] = services.campaign_for_gift(
                    data.get("campaign"), data["donor_reference"]
                )
            except ValidationError as error:
                self.add_error("donor_reference", error.messages)
        return data


@admin.register(OfflineGift)
class OfflineGiftAdmin(AuditedDonorViewMixin, PersonalDataAdminMixin, admin.ModelAdmin):
    """Finance records bank transfers, cash and mobile money through `record_offline_gift`."""

    form = OfflineGiftForm
    list_display = ["pk", "received_on", "money", "method", "offline_reference", "campaign"]
    list_filter = ["method", "currency", "campaign"]
    search_fields = ["offline_reference"]
    list_select_related = ["campaign"]

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(method__in=Donation.ONLINE)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    # The add form in the order of a bank statement line: the amount beside its currency,
    # the donor's reference next to the campaign it chooses, then the donor.
    add_fieldsets = [
        (None, {"fields": ["method", ("amount", "currency"), "received_on",
                           "offline_reference", "submission_key"]}),
        (_("Campaign"), {"fields": ["donor_reference", "campaign"]}),
        (_("Donor"), {"fields": ["donor_name", "email", "public_listing", "language"]}),
    ]  # fmt: skip
    add_fields = ["method", "amount", "currency", "received_on", "offline_reference",
                  "submission_key", "donor_reference", "campaign", "donor_name", "email",
                  "public_listing", "language"]  # fmt: skip

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.add_fieldsets
        return super().get_fieldsets(request, obj)

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.add_fields
        # A recorded gift is shown read-only: its amount, not the empty entry field; the
        # email masked without the personal-data permission.
        fields = ["money", "method", "status", "received_on", "offline_reference", "campaign",
                  "donor_name", "email", "public_listing", "language", "recorded_by"]  # fmt: skip
        return self.masked(request, fields)

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj) if obj is not None else []

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            gift = self._record(request, data)
        except services.GiftAlreadyRecorded as repeat:
            # The same form again (a double click): show the gift it already recorded.
            gift = repeat.gift
            obj.repeated_submission = True
        for field in gift._meta.concrete_fields:
            setattr(obj, field.attname, getattr(gift, field.attname))
        obj._state.adding = False

    def _record(self, request, data) -> Donation:
        return services.record_offline_gift(
            method=data["method"],
            amount_minor=data["amount_minor"],
            currency=data["currency"],
            received_on=data["received_on"],
            reference=data.get("offline_reference") or "",
            campaign=data.get("campaign"),
            donor_reference=data.get("donor_reference") or "",
            donor_name=data.get("donor_name") or "",
            email=data.get("email") or "",
            public_listing=bool(data.get("public_listing")),
            language=data.get("language") or "en",
            by=request.user,
            idempotency_key=data["idempotency_key"],
        )

    def save_related(self, request, form, formsets, change):
        """Nothing related to save: the service stored the gift."""

    def log_addition(self, request, obj, message):
        if getattr(obj, "repeated_submission", False):
            return None  # nothing was added
        return super().log_addition(request, obj, message)

    def response_add(self, request, obj, post_url_continue=None):
        if not getattr(obj, "repeated_submission", False):
            return super().response_add(request, obj, post_url_continue)
        self.message_user(
            request,
            _("This gift was already recorded (the form was sent twice); nothing new was stored."),
            messages.WARNING,
        )
        url = reverse(
            "admin:donations_offlinegift_change", args=[obj.pk], current_app=self.admin_site.name
        )
        return HttpResponseRedirect(url)


class ExchangeRateForm(forms.ModelForm):
    """Codes are checked against ISO 4217 by the model's validators; "usd" is read as USD."""

    class Meta:
        model = ExchangeRate
        fields = ["base", "quote", "rate", "valid_from"]

    def clean_base(self) -> str:
        return money.normalise_currency(self.cleaned_data["base"])

    def clean_quote(self) -> str:
        return money.normalise_currency(self.cleaned_data["quote"])


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    form = ExchangeRateForm
    list_display = ["valid_from", "base", "quote", "rate"]
    list_filter = ["base", "quote"]
    date_hierarchy = "valid_from"


class GivingMethodForm(forms.ModelForm):
    """Bank details as banks print them: "de89 3704 …" is stored as DE8937040…."""

    class Meta:
        model = GivingMethod
        fields = [
            "kind",
            "label",
            "instructions",
            "currency",
            "account_holder",
            "account_number",
            "bic",
            "bank_name",
            "provider",
            "number",
            "country",
            "postal_address",
            "email",
            "active",
            "order",
        ]

    def clean_currency(self) -> str:
        return money.normalise_currency(self.cleaned_data["currency"])

    def clean_account_number(self) -> str:
        value = self.cleaned_data["account_number"].strip()
        return bank_details.compact(value) if bank_details.looks_like_iban(value) else value

    def clean_bic(self) -> str:
        return bank_details.compact(self.cleaned_data["bic"])

    def clean_label(self) -> str:
        label = self.cleaned_data["label"]
        validate_single_line(label)
        return label


class GivingMethodTranslationInline(admin.StackedInline):
    model = GivingMethodTranslation
    extra = 0
    fields = ["language", "label", "instructions"]


@admin.register(GivingMethod)
class GivingMethodAdmin(admin.ModelAdmin):
    """Finance's offline ways to give, shown on /donate/ and every campaign's donate page."""

    form = GivingMethodForm
    inlines = [GivingMethodTranslationInline]
    list_display = ["label", "kind", "currency", "active", "order"]
    list_editable = ["active", "order"]
    list_filter = ["kind", "active", "currency"]
    fieldsets = [
        (None, {"fields": ["kind", "label", "instructions", "active", "order"]}),
        (_("Bank transfer and mobile money"), {"fields": ["currency", "account_holder"]}),
        (_("Bank transfer"), {"fields": ["account_number", "bic", "bank_name"]}),
        (_("Mobile money"), {"fields": ["provider", "number", "country"]}),
        (_("By post or email"), {"fields": ["postal_address", "email"]}),
    ]


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "type", "event_id", "outcome", "reason"]
    list_filter = ["type", "outcome"]
    search_fields = ["event_id"]
    exclude = ["payload"]


@admin.register(MpesaSetting)
class MpesaSettingAdmin(admin.ModelAdmin):
    """Finance offers M-Pesa (STK push) on a campaign's donate page, or the general fund's.

    The donate pages are not stored as bytes (they carry a form per visitor), so a change shows
    at once; without the site's Daraja keys nothing is offered anywhere."""

    list_display = ["__str__", "enabled", "updated_at"]
    list_editable = ["enabled"]
    list_select_related = ["campaign"]
    fields = ["campaign", "enabled"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "campaign":
            # Campaigns that take donations (`Campaign.collects_donations`).
            kwargs["queryset"] = Campaign.objects.filter(
                Q(kind=Campaign.Kind.FUNDRAISER) | Q(fundraising_goal_minor__isnull=False)
            ).order_by("title")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(MpesaCallback)
class MpesaCallbackAdmin(ReadOnlyAdmin):
    """Daraja's result callbacks as received (without the payer's number): claims, checked by
    the platform's own STK push query before anything counts."""

    list_display = ["received_at", "checkout_request_id", "result_code", "result_desc"]
    list_filter = ["result_code"]
    search_fields = ["checkout_request_id"]
    exclude = ["payload"]
