"""Forms for every public input and the staff pages, query strings included.

Plain forms, not model forms: a model form would validate the unique email and so
tell a stranger whether an address has signed.
"""

from django import forms
from django.conf import settings
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from lib.text import SingleLineField
from partners.forms import PartnerRefMixin
from pledges import exports, logos
from pledges.models import (
    AFFILIATION_MAX,
    EMAIL_MAX,
    NAME_MAX,
    ContactConfirmedPledge,
    Organisation,
    Signature,
)
from pledges.widgets import CountrySelect, country_choices, country_codes

HONEYPOT = "hp_contact"


class CountryChoiceField(forms.ChoiceField):
    """Every country, named and sorted in the active language.

    `choices` is the language's tuple from `country_choices`, built once per language and
    shared by every form: `Form()` deep-copies its fields, and a plain ChoiceField would
    copy some 250 choices each time (and, built at import, name them in English).
    """

    widget = CountrySelect

    def __init__(self, **kwargs):
        forms.Field.__init__(self, **kwargs)

    @property
    def choices(self) -> tuple[tuple[str, str], ...]:
        return country_choices(get_language())

    @choices.setter
    def choices(self, value) -> None:
        raise AttributeError("a country field offers every country: its choices are not set")

    def __deepcopy__(self, memo):
        return forms.Field.__deepcopy__(self, memo)  # not ChoiceField's, which copies choices

    def valid_value(self, value) -> bool:
        return str(value) in country_codes()


def country_field(*, required: bool = True) -> CountryChoiceField:
    return CountryChoiceField(label=_("Country"), required=required)


def language_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Preferred language for our emails"), choices=settings.LANGUAGES
    )


class HoneypotMixin(forms.Form):
    """A field people never see (hidden by CSS, skipped by keyboard) and bots fill in."""

    hp_contact = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get(HONEYPOT))


class SignForm(PartnerRefMixin, HoneypotMixin):
    name = SingleLineField(label=_("Name"), max_length=NAME_MAX)
    email = forms.EmailField(
        label=_("Email"),
        max_length=EMAIL_MAX,
        help_text=_("Only to confirm your signature; never shown."),
    )
    country = country_field()
    affiliation = SingleLineField(
        label=_("Organisation (optional)"),
        max_length=AFFILIATION_MAX,
        required=False,
        help_text=_("Shown next to your name as an affiliation; it does not sign for them."),
    )
    language = language_field()
    show_publicly = forms.BooleanField(label=_("Show my name on the public list"), required=False)
    updates_consent = forms.BooleanField(
        label=_("Send me updates about this campaign"), required=False
    )

    field_order = ["name", "email", "country", "affiliation", "language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = get_language()
        if current in dict(settings.LANGUAGES):
            self.fields["language"].initial = current
        if self.partner is not None:
            # Offered only to people who came through this partner's link or site.
            self.fields["share_with_partner"] = forms.BooleanField(
                label=gettext("Share my name and email with %(partner)s")
                % {"partner": self.partner.name},
                required=False,
                help_text=_("Only if you tick this; they receive them once you confirm."),
            )

    def clean(self):
        data = super().clean()
        data["shared_with_partner"] = bool(self.partner and data.get("share_with_partner"))
        return data


class OrgSignOnForm(PartnerRefMixin, HoneypotMixin):
    name = SingleLineField(label=_("Organisation name"), max_length=160)
    kind = forms.ChoiceField(
        label=_("Type"), choices=[("", "---------"), *Organisation.Kind.choices]
    )
    country = country_field()
    website = forms.URLField(label=_("Website"), max_length=300, assume_scheme="https")
    logo = forms.FileField(
        label=_("Logo (optional)"),
        required=False,
        help_text=_("PNG, JPEG, WebP or GIF, at most 1 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/png,image/jpeg,image/webp,image/gif"}
        ),
    )
    contact_name = SingleLineField(
        label=_("Contact person"),
        max_length=NAME_MAX,
        help_text=_("Private: only our moderators see it."),
    )
    contact_email = forms.EmailField(
        label=_("Contact email"),
        max_length=EMAIL_MAX,
        help_text=_("Private: we send the confirmation link here."),
    )
    contact_language = language_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = get_language()
        if current in dict(settings.LANGUAGES):
            self.fields["contact_language"].initial = current

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        self.cleaned_data["logo_png"] = logos.reencode_logo(upload) if upload else None
        return upload


class EmailForm(HoneypotMixin):
    email = forms.EmailField(label=_("Email"), max_length=EMAIL_MAX)
    language = language_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].widget = forms.HiddenInput()
        self.fields["language"].initial = get_language()


TYPE_CHOICES = [("", _("Everyone")), ("individual", _("Individuals")), *Organisation.Kind.choices]


class SignatoryFilterForm(forms.Form):
    """The signatory list's query string; anything else is a 400."""

    q = forms.CharField(label=_("Name"), max_length=100, required=False)
    country = country_field(required=False)
    type = forms.ChoiceField(label=_("Type"), choices=TYPE_CHOICES, required=False)
    before = forms.IntegerField(
        min_value=1, max_value=2**63 - 1, required=False, widget=forms.HiddenInput
    )
    org_before = forms.IntegerField(
        min_value=1, max_value=2**63 - 1, required=False, widget=forms.HiddenInput
    )

    def query_kwargs(self) -> dict:
        """Keyword arguments for `queries.signatory_pages`, for the page and the API alike."""
        filters = self.cleaned_data
        return {
            "name": filters["q"].strip(),
            "country": filters["country"] or "",
            "kind": filters["type"] or "",
            "signatures_before": filters["before"],
            "organisations_before": filters["org_before"],
        }


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (emailed to the contact)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ExportForm(forms.Form):
    # Sources come from `pledges.exports.sources()`: other apps register theirs (BDS
    # commitments) when they are ready.
    what = forms.ChoiceField(label=_("Export"), choices=exports.source_choices)
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.order_by("title"), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Any")),
            *Signature.Status.choices,
            *[
                choice
                for choice in ContactConfirmedPledge.Status.choices
                if choice[0] not in Signature.Status.values
            ],
        ],
        help_text=_("For commitments: the pledge's moderation status."),
    )
    country = country_field(required=False)
    since = forms.DateField(label=_("From (date)"), required=False)
    until = forms.DateField(label=_("Until (date, inclusive)"), required=False)
    format = forms.ChoiceField(label=_("Format"), choices=[("csv", "CSV"), ("xlsx", "XLSX")])
