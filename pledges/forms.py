"""Forms for every public input and the staff pages, query strings included.

Plain forms, not model forms: a model form would validate the unique email and so
tell a stranger whether an address has signed.
"""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

from campaigns.forms import PartnerRefMixin
from campaigns.models import Campaign
from pledges import logos
from pledges.models import (
    ACTION_MAX,
    AFFILIATION_MAX,
    EMAIL_MAX,
    EVIDENCE_MAX,
    HTTP_ONLY,
    NAME_MAX,
    NOTE_MAX,
    OTHER_KIND_MAX,
    Commitment,
    ContactConfirmedPledge,
    Organisation,
    Signature,
)
from pledges.tracker import ALL_TARGETS, CommitmentFilters
from pledges.widgets import PlainSelect

HONEYPOT = "hp_contact"


def country_field(*, required: bool = True) -> LazyTypedChoiceField:
    return LazyTypedChoiceField(
        label=_("Country"),
        choices=[("", "---------"), *countries],
        required=required,
        widget=PlainSelect,
    )


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
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX)
    email = forms.EmailField(
        label=_("Email"),
        max_length=EMAIL_MAX,
        help_text=_("Only to confirm your signature; never shown."),
    )
    country = country_field()
    affiliation = forms.CharField(
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
    name = forms.CharField(label=_("Organisation name"), max_length=160)
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
    contact_name = forms.CharField(
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
    what = forms.ChoiceField(
        label=_("Export"),
        choices=[
            ("signatures", _("Signatures")),
            ("organisations", _("Organisational sign-ons")),
            ("commitments", _("BDS commitments")),
        ],
    )
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


# BDS commitments -----------------------------------------------------------------------------


class CommitmentPledgeForm(OrgSignOnForm):
    """The organisation and its private contact; the commitments come in a formset."""


def target_choices(campaign: Campaign, *, blank: str) -> list[tuple[str, str]]:
    return [
        ("", blank),
        (ALL_TARGETS, _("All listed targets")),
        *[(t.slug, t.name) for t in campaign.targets.all()],
    ]


class CommitmentForm(forms.Form):
    """One commitment row of a pledge."""

    target = forms.ChoiceField(label=_("Target"))
    kind = forms.ChoiceField(label=_("Type"), choices=[("", "---------"), *Commitment.Kind.choices])
    other_kind = forms.CharField(
        label=_("Type, in your words (for “other”)"), max_length=OTHER_KIND_MAX, required=False
    )
    action = forms.CharField(
        label=_("What your organisation will do"),
        max_length=ACTION_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("e.g. “Move our staff email from Gmail to our own server”."),
    )
    amount = forms.DecimalField(
        label=_("Amount to divest (optional)"),
        required=False,
        min_value=Decimal("0.001"),
        max_digits=18,
        decimal_places=3,
    )
    currency = forms.RegexField(
        label=_("Currency (three-letter code)"),
        regex=r"^[A-Za-z]{3}$",
        required=False,
        max_length=3,
        error_messages={"invalid": _("Give the currency as a three-letter code, e.g. EUR.")},
    )
    deadline = forms.DateField(
        label=_("Deadline (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = target_choices(campaign, blank="---------")

    def clean_deadline(self):
        deadline = self.cleaned_data.get("deadline")
        if deadline and deadline < timezone.localdate():
            raise forms.ValidationError(_("The deadline cannot be in the past."))
        return deadline

    def clean(self):
        data = super().clean()
        if data.get("kind") == Commitment.Kind.OTHER and not data.get("other_kind", "").strip():
            self.add_error("other_kind", _("Name the type of commitment in your words."))
        if data.get("amount") is not None:
            if data.get("kind") != Commitment.Kind.DIVESTMENT:
                self.add_error("amount", _("Only a divestment has an amount."))
            elif not data.get("currency"):
                self.add_error("currency", _("Give the currency of the amount."))
        return data


CommitmentFormSet = forms.formset_factory(
    CommitmentForm, extra=2, min_num=1, max_num=10, validate_min=True, validate_max=True
)


class TrackerFilterForm(forms.Form):
    """The tracker's query string; anything else is a 400."""

    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    target = forms.ChoiceField(label=_("Target"), required=False)
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Any")), *Commitment.Kind.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), *Commitment.Status.choices]
    )
    country = country_field(required=False)
    page = forms.IntegerField(
        min_value=1, max_value=100000, required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = target_choices(campaign, blank=_("Any"))

    def filters(self) -> CommitmentFilters:
        """The valid query as tracker filters (the HTML tracker and the API both use it)."""
        data = self.cleaned_data
        return CommitmentFilters(
            target=data["target"] or "",
            kind=data["kind"] or "",
            status=data["status"] or "",
            country=data["country"] or "",
            q=data["q"].strip(),
        )


class CommitmentUpdateForm(forms.Form):
    """A contact's (or a moderator's) report on one commitment."""

    status = forms.ChoiceField(label=_("Status"))
    note = forms.CharField(
        label=_("What happened"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    evidence_url = forms.URLField(
        label=_("Evidence link (optional)"),
        max_length=EVIDENCE_MAX,
        required=False,
        assume_scheme="https",
        validators=[HTTP_ONLY],
        help_text=_("A public web page showing it: an announcement, minutes, a policy."),
    )

    def __init__(self, *args, statuses: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = statuses
