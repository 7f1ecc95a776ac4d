from django import forms

REF_PATTERN = r"^[A-Za-z0-9_-]{1,40}$"


class RefForm(forms.Form):
    """`?ref=<code>` on campaign links and QR codes: a partner's attribution code."""

    ref = forms.RegexField(regex=REF_PATTERN, required=False)


class QrForm(RefForm):
    size = forms.IntegerField(min_value=2, max_value=40, required=False)


class PartnerRefMixin(forms.Form):
    """A partner's `?ref=<code>` carried through a public form as a hidden field.

    The code is looked up once; a malformed or unknown code is ignored, never an error
    (nobody can correct a hidden field). `self.partner` is the partner or None; pass
    `partner=` to attribute directly (the API, from its token) or `ref=` from the query.
    """

    ref = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, partner=None, ref: str | None = None, **kwargs):
        from campaigns.partners import partner_for_ref

        super().__init__(*args, **kwargs)
        if partner is None:
            raw = self.data.get("ref") if self.is_bound else ref
            partner = partner_for_ref(raw if isinstance(raw, str) else None)
        self.partner = partner
        if partner is not None:
            self.fields["ref"].initial = partner.ref

    def clean_ref(self) -> str:
        return self.partner.ref if self.partner else ""
