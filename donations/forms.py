"""Forms of the donations app, and the one way money is typed in major units anywhere.

People type amounts as their language writes them: "1,500.00" in English, "1.500,00" in
Spanish and Portuguese, "1 500,00" in French, "5000" yen, Arabic-Indic digits in Arabic.
`parse_amount` reads that (and the plain "1500.50" in every language) into a Decimal;
`amount_to_minor` turns it into integer minor units with `donations.money`. Anything that
could be read two ways ("1,5" in English) is refused rather than guessed.
"""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from donations import money, mpesa
from donations.models import Donation
from donations.services import GiftDetails, MpesaGiftDetails
from lib import currencies, sms
from lib.text import validate_message, validate_single_line
from partners.forms import PartnerRefMixin

CUSTOM = "custom"

# The example amount in help texts and errors: 1,500 in the currency's units.
EXAMPLE_MAJOR = 1500


def parse_amount(raw: str, *, language: str | None = None) -> Decimal:
    """An amount in major units as typed in `language` (default: the active one).

    "1,500.00" (en), "1.500,00" (es, pt), "1 500,00" (fr) and the plain "1500.50" are all
    Decimal("1500.50"); "5000" is 5000. Raises MoneyError for anything else: signs, letters,
    and digits grouped the way the language does not ("1,5" in English could be 1.5 or 15).
    The rules are `lib.currencies.parse_amount`'s, shared with the campaign goal's field.
    """
    try:
        return currencies.parse_amount(raw, language=language)
    except ValueError as error:
        raise money.MoneyError(str(error)) from None


def amount_to_minor(amount: Decimal | str, currency: str, *, language: str | None = None) -> int:
    """Major units (typed, or parsed already) to integer minor units of `currency`:
    "1,500.00" KES → 150000, "5000" JPY → 5000. MoneyError unless above zero, within
    MAX_MINOR and exact in the currency."""
    if not isinstance(amount, Decimal):
        amount = parse_amount(amount, language=language)
    amount_minor = money.to_minor(amount, currency)
    if not 0 < amount_minor <= money.MAX_MINOR:
        raise money.MoneyError("out of range")
    return amount_minor


def example_amount(currency: str, *, language: str | None = None) -> str:
    """1,500 in `currency`'s units as `language` writes it: "1,500.00", "1.500,00", "1,500"
    (JPY), for help texts next to a currency choice."""
    return currencies.format_amount(
        money.to_minor(EXAMPLE_MAJOR, currency), currency, language=language
    )


def amount_error(currency: str) -> str:
    """The error for an amount `amount_to_minor` refused, naming what the currency takes."""
    if money.exponent(currency) == 0:
        return gettext(
            "Enter an amount above zero in whole units, e.g. %(example)s: %(currency)s has no "
            "decimals."
        ) % {"example": example_amount(currency), "currency": currency}
    return gettext(
        "Enter an amount above zero with at most %(places)d decimals, e.g. %(example)s."
    ) % {"places": money.exponent(currency), "example": example_amount(currency)}


class AmountInput(forms.TextInput):
    """A text box for money: a phone shows its number keys (with the separators), and the
    digits run left to right on right-to-left pages too."""

    def __init__(self, attrs=None):
        defaults = {"inputmode": "decimal", "autocomplete": "off", "size": 14, "dir": "ltr"}
        super().__init__({**defaults, **(attrs or {})})


class MajorAmountField(forms.Field):
    """An amount in major units, typed as the active language writes numbers; cleaned to a
    Decimal (None when empty). Its form checks it against the chosen currency with
    `amount_to_minor` (how many decimals the currency takes, the range)."""

    widget = AmountInput
    max_length = 24
    default_error_messages = {
        "invalid": _("Enter an amount as digits, e.g. %(example)s."),
    }

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "maxlength": str(self.max_length)}

    def to_python(self, value) -> Decimal | None:
        value = str(value if value is not None else "").strip()
        if value in self.empty_values:
            return None
        try:
            if len(value) > self.max_length:
                raise money.MoneyError("too long")
            return parse_amount(value)
        except money.MoneyError:
            raise forms.ValidationError(
                self.error_messages["invalid"],
                code="invalid",
                params={"example": example_amount("EUR")},
            ) from None


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


class MpesaDonateForm(PartnerRefMixin):
    """An M-Pesa gift: whole Kenyan shillings and the phone that approves it (prefix "mpesa",
    so it sits beside the card form on one page)."""

    amount = forms.CharField(
        label=_("Amount in Kenyan shillings"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "size": 10, "dir": "ltr"}
        ),
        help_text=_("Whole shillings, e.g. 500: M-Pesa takes no cents."),
    )
    phone = forms.CharField(
        label=_("M-Pesa phone number"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "tel", "autocomplete": "tel", "size": 16, "dir": "ltr"}
        ),
        help_text=_("A Kenyan number, e.g. 0712 345 678: the request to approve goes there."),
    )
    receipt_by = forms.ChoiceField(
        label=_("Receipt"),
        choices=[
            (Donation.ReceiptChannel.SMS, _("By SMS to this phone")),
            (Donation.ReceiptChannel.EMAIL, _("By email")),
        ],
        initial=Donation.ReceiptChannel.SMS,
        widget=forms.RadioSelect,
        required=False,
    )
    email = forms.EmailField(
        label=_("Email for your receipt (optional)"),
        required=False,
        help_text=_("M-Pesa also confirms the payment by its own SMS."),
    )
    donor_name = forms.CharField(
        label=_("Your name (optional)"),
        required=False,
        max_length=120,
        validators=[validate_single_line],
    )
    public_listing = forms.BooleanField(label=_("List my name publicly as a donor"), required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "mpesa")
        super().__init__(*args, **kwargs)
        # Without an SMS provider the receipt goes by email (or not at all: M-Pesa texts the
        # donor its own confirmation).
        self.sms_receipts = sms.is_configured()
        if not self.sms_receipts:
            del self.fields["receipt_by"]

    def clean_amount(self) -> int:
        raw = self.cleaned_data["amount"]
        error = forms.ValidationError(
            _("Enter whole shillings between %(min)s and %(max)s, e.g. 500."),
            code="amount",
            params={
                "min": money.format_money(
                    mpesa.shillings_to_minor(mpesa.MIN_SHILLINGS), mpesa.CURRENCY, whole=True
                ),
                "max": money.format_money(
                    mpesa.shillings_to_minor(mpesa.MAX_SHILLINGS), mpesa.CURRENCY, whole=True
                ),
            },
        )
        try:
            amount_minor = money.to_minor(parse_amount(raw), mpesa.CURRENCY)
            mpesa.validate_gift_minor(amount_minor)
        except money.MoneyError:
            raise error from None
        return amount_minor

    def clean_phone(self) -> str:
        try:
            return mpesa.normalise_phone(self.cleaned_data["phone"])
        except mpesa.InvalidPhone:
            raise forms.ValidationError(
                _("Enter a Kenyan mobile number, e.g. 0712 345 678 or +254 712 345 678."),
                code="phone",
            ) from None

    def clean(self):
        data = super().clean()
        receipt_by = data.get("receipt_by") or (
            Donation.ReceiptChannel.SMS if self.sms_receipts else Donation.ReceiptChannel.EMAIL
        )
        if not self.sms_receipts:
            receipt_by = Donation.ReceiptChannel.EMAIL
        data["receipt_by"] = receipt_by
        if (
            self.sms_receipts
            and receipt_by == Donation.ReceiptChannel.EMAIL
            and not data.get("email")
            and "email" not in self.errors
        ):
            self.add_error("email", _("Give the email address for your receipt."))
        return data

    def gift_details(self) -> MpesaGiftDetails:
        data = self.cleaned_data
        return MpesaGiftDetails(
            amount_minor=data["amount"],
            phone=data["phone"],
            receipt_by=data["receipt_by"],
            donor_name=data["donor_name"],
            email=data["email"],
            public_listing=data["public_listing"],
        )


class CancelMonthlyForm(forms.Form):
    confirm = forms.BooleanField(label=_("Yes, stop my monthly gift"), required=True)


class ChartForm(forms.Form):
    """The Finance chart's query string: `?currency=EUR` for one currency's panel."""

    currency = forms.RegexField(regex=r"^[A-Za-z]{3}$", required=False)

    def clean_currency(self) -> str:
        return money.normalise_currency(self.cleaned_data["currency"])
