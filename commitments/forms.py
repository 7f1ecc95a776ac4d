"""Forms of the BDS drive: the pledge, its commitment rows, tracker filters, updates."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from commitments.models import (
    ACTION_MAX,
    EVIDENCE_MAX,
    HTTP_ONLY,
    NOTE_MAX,
    OTHER_KIND_MAX,
    Commitment,
)
from commitments.tracker import ALL_TARGETS, CommitmentFilters
from donations.forms import MajorAmountField
from pledges.forms import OrgSignOnForm, country_field


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
    # Major units as the page's language writes them ("2,500,000.00", "2.500.000,00"); the
    # service converts them with `donations.money` and checks the currency's decimals.
    amount = MajorAmountField(label=_("Amount to divest (optional)"), required=False)
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
