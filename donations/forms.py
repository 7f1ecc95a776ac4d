from django import forms
from django.utils.translation import gettext_lazy as _

from donations import money
from donations.models import Donation
from donations.services import GiftDetails
from lib.text import validate_message, validate_single_line
from partners.forms import PartnerRefMixin

CUSTOM = "custom"


class DonateForm(PartnerRefMixin):
    amount = forms.ChoiceField(
        label=_("Amount"), widget=forms.RadioSelect, required=False, choices=()
    )
    custom_amount = forms.CharField(
        label=_("Other amount"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=_("In the currency chosen below, e.g. 15 or 12.50."),
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=())
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=Donation.Frequency.choices,
        initial=Donation.Frequency.ONCE,
        required=False,
        widget=forms.RadioSelect,
    )
    donor_name = forms.CharField(
        label=_("Your name (optional)"),
        required=False,
        max_length=120,
        validators=[validate_single_line],
    )
    email = forms.EmailField(
        label=_("Email for your receipt (optional)"),
        required=False,
        help_text=_("Otherwise the receipt goes to the address you give on the payment page."),
    )
    public_listing = forms.BooleanField(label=_("List my name publicly as a donor"), required=False)
    message = forms.CharField(
        label=_("Message (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_message],
    )

    def __init__(self, *args, currency: str = "EUR", **kwargs):
        super().__init__(*args, **kwargs)
        currencies = money.supported_currencies()
        if currency not in currencies:
            currency = currencies[0]
        self.fields["currency"].choices = [(code, code) for code in currencies]
        self.fields["currency"].initial = currency
        presets = money.preset_amounts(currency)
        self.fields["amount"].choices = [
            *[
                (str(value), money.format_money(money.to_minor(value, currency), currency))
                for value in presets
            ],
            (CUSTOM, _("Other amount")),
        ]
        self.fields["amount"].initial = str(presets[1])

    def clean(self):
        data = super().clean()
        data["frequency"] = data.get("frequency") or Donation.Frequency.ONCE
        currency = data.get("currency")
        if not currency:
            return data
        raw = (data.get("custom_amount") or "").strip().replace(",", ".")
        preset = data.get("amount")
        if not raw and preset and preset != CUSTOM:
            raw = preset
        if not raw:
            self.add_error("custom_amount", _("Choose or enter an amount."))
            return data
        try:
            amount_minor = money.to_minor(raw, currency)
            money.validate_gift_minor(amount_minor, currency)
        except money.MoneyError:
            minimum = money.format_money(money.minimum_minor(currency), currency)
            maximum = money.format_money(money.MAX_MINOR, currency)
            self.add_error(
                "custom_amount",
                _(
                    "Enter an amount between %(min)s and %(max)s, with at most %(places)d "
                    "decimal places."
                )
                % {"min": minimum, "max": maximum, "places": money.exponent(currency)},
            )
            return data
        data["amount_minor"] = amount_minor
        return data

    def gift_details(self) -> GiftDetails:
        data = self.cleaned_data
        return GiftDetails(
            amount_minor=data["amount_minor"],
            currency=data["currency"],
            frequency=data["frequency"],
            donor_name=data["donor_name"],
            email=data["email"],
            public_listing=data["public_listing"],
            message=data["message"],
        )


class CancelMonthlyForm(forms.Form):
    confirm = forms.BooleanField(label=_("Yes, stop my monthly gift"), required=True)
