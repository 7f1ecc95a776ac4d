"""Staff forms for paper batches (the admin) and the public paper list's query string."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from paper import services, signers
from paper.models import REASON_MAX, PaperBatch
from pledges.forms import country_field
from pledges.models import StatementVersion

NAMES_HELP = _(
    "Only signers who ticked “list my name”. One per line: the name, a comma, the country's "
    "two-letter code (“Amina Yusuf, KE”). Never an email address."
)


class StatementVersionChoice(forms.ModelChoiceField):
    def label_from_instance(self, version: StatementVersion) -> str:
        return _("%(campaign)s — version %(number)d") % {
            "campaign": version.campaign.slug,
            "number": version.number,
        }


def _parse_key(raw: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(raw or ""))
    except ValueError:
        return None


class NamesMixin(forms.Form):
    """The listed names, typed or from a CSV file (name,country); every bad row reported."""

    names = forms.CharField(
        label=_("Listed names"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=NAMES_HELP,
    )
    names_file = forms.FileField(
        label=_("…or a CSV file of listed names"),
        required=False,
        help_text=_("Columns name,country, with that first row; UTF-8."),
    )

    def listed_signers(self) -> list[signers.ListedSigner] | None:
        """The names typed and uploaded, or None if neither was given (after `is_valid`)."""
        return self.cleaned_data.get("listed_signers")

    def clean_names(self) -> list:
        text = self.cleaned_data.get("names", "")
        try:
            return signers.parse_typed(text)
        except ValidationError as error:
            raise ValidationError(error.messages) from error

    def clean_names_file(self) -> list:
        upload = self.cleaned_data.get("names_file")
        if not upload:
            return []
        if upload.size > signers.UPLOAD_MAX_BYTES:
            raise ValidationError(_("The file is larger than 2 MB."))
        try:
            return signers.parse_csv(upload.read())
        except ValidationError as error:
            raise ValidationError(error.messages) from error

    def clean(self):
        data = super().clean()
        if "names" in data and "names_file" in data:
            given = bool((self.data.get("names") or "").strip()) or bool(
                self.files.get("names_file")
            )
            data["listed_signers"] = (data["names"] + data["names_file"]) if given else None
        return data


class PaperBatchForm(NamesMixin, forms.ModelForm):
    """A new batch: the sheets' details, the count, the names of those listed."""

    statement_version = StatementVersionChoice(
        label=_("Statement version signed"),
        queryset=StatementVersion.objects.select_related("campaign").order_by(
            "campaign__slug", "-number"
        ),
        required=False,
        help_text=_("Leave empty for the campaign's current statement."),
    )
    country = country_field()
    # A fresh key each time the empty form is shown: posting it twice records one batch.
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    class Meta:
        model = PaperBatch
        fields = ["campaign", "statement_version", "collector", "place", "country",
                  "collected_on", "count"]  # fmt: skip
        labels = {"count": _("Signatures on the sheets")}
        help_texts = {
            "collector": _("The volunteer's or the organisation's name. Never an email address."),
            "place": _("Town, market, event …"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = Campaign.objects.filter(
            kind=Campaign.Kind.STATEMENT
        ).order_by("title")
        for name in ("collector", "place"):
            self.fields[name].validators.append(signers.validate_no_email)
        if not self.is_bound:
            self.fields["submission_key"].initial = str(uuid.uuid4())

    def clean(self):
        data = super().clean()
        data["idempotency_key"] = _parse_key(data.get("submission_key"))
        needed = ("campaign", "collector", "place", "collected_on", "count")
        if any(data.get(name) in (None, "") for name in needed) or self.errors:
            return data
        try:
            services.check_batch(
                campaign=data["campaign"],
                collector=data["collector"],
                place=data["place"],
                collected_on=data["collected_on"],
                count=data["count"],
                signers=data.get("listed_signers") or [],
                statement_version=data.get("statement_version"),
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else "names", messages)
        return data


class CorrectionForm(NamesMixin, forms.ModelForm):
    """A recount, or names typed wrong: the count, and the names (left empty, kept)."""

    class Meta:
        model = PaperBatch
        fields = ["count"]
        labels = {"count": _("Signatures on the sheets")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["names"].help_text = _(
            "Type or upload the full list again to replace the names listed now; leave both "
            "empty to keep them."
        )

    def clean(self):
        data = super().clean()
        if data.get("count") and not self.errors:
            listed = data.get("listed_signers")
            if listed is None:
                listed = list(self.instance.signers.all())
            try:
                services.check_count(data["count"], listed)
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    self.add_error(field if field in self.fields else "names", messages)
        return data


class VoidForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this batch voided?"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[signers.validate_no_email],
        help_text=_("Kept with the batch. Its signatures stop counting, its names leave the list."),
    )


class PaperListQuery(forms.Form):
    """The public paper list's query string; anything else is a 400."""

    q = forms.CharField(label=_("Name"), max_length=100, required=False)
    country = country_field(required=False)
    before = forms.IntegerField(
        min_value=1, max_value=2**63 - 1, required=False, widget=forms.HiddenInput
    )
