"""Forms of the BDS drive: the pledge, its commitment rows, tracker filters, updates."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, Target
from commitments.evidence import MAX_DOCUMENT_BYTES
from commitments.models import (
    ACTION_MAX,
    EVIDENCE_MAX,
    HTTP_ONLY,
    NOTE_MAX,
    OTHER_KIND_MAX,
    Commitment,
)
from commitments.services import EvidenceData, UpdateData
from commitments.tracker import ALL_TARGETS, CommitmentFilters
from donations.forms import MajorAmountField
from pledges.forms import EmailForm, OrgSignOnForm, country_field


class CommitmentPledgeForm(OrgSignOnForm):
    """The organisation and its private contact; the commitments come in a formset."""


def target_choices(
    campaign: Campaign, *, blank: str, listed_only: bool = False
) -> list[tuple[str, str]]:
    """The drive's targets; `listed_only`: not those removed from the target list (a new
    commitment names a listed target; filters still find the removed ones)."""
    drive_targets = campaign.targets.all()
    if listed_only:
        drive_targets = drive_targets.filter(status=Target.Status.LISTED)
    return [
        ("", blank),
        (ALL_TARGETS, _("All listed targets")),
        *[(t.slug, t.name) for t in drive_targets],
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
        self.fields["target"].choices = target_choices(
            campaign, blank="---------", listed_only=True
        )

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
    grade = forms.ChoiceField(
        label=_("Verification"),
        required=False,
        choices=[("", _("Any")), *Commitment.Grade.choices],
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
            grade=data.get("grade") or "",
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
    evidence_document = forms.FileField(
        label=_("Evidence document (optional)"),
        required=False,
        help_text=_(
            "A PDF, PNG or JPEG of at most 5 MB. It is published as a download with its "
            "SHA-256 fingerprint, so anyone can check it later: leave out personal details."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
    )
    evidence_captured_on = forms.DateField(
        label=_("Date the evidence was captured (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("When you saved the page or the document; today if empty."),
    )

    def __init__(self, *args, statuses: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = statuses

    def clean_evidence_document(self):
        upload = self.cleaned_data.get("evidence_document")
        if upload and upload.size > MAX_DOCUMENT_BYTES:
            raise forms.ValidationError(_("The document is larger than 5 MB."))
        return upload

    def update_data(self):
        """The cleaned form as the service's `UpdateData` (the evidence as one item)."""
        data = self.cleaned_data
        url = data.get("evidence_url") or ""
        document = data.get("evidence_document") or None
        evidence = ()
        if url or document is not None:
            evidence = (
                EvidenceData(
                    url=url, captured_on=data.get("evidence_captured_on"), document=document
                ),
            )
        return UpdateData(status=data["status"], note=data.get("note", ""), evidence=evidence)


class GradeForm(forms.Form):
    """A moderator's verification grade for the selected commitments."""

    grade = forms.ChoiceField(label=_("Verification grade"), choices=Commitment.Grade.choices)
    note = forms.CharField(
        label=_("Why (kept in the audit log)"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReportLinkForm(EmailForm):
    """The contact's address, to email them a fresh report link."""
