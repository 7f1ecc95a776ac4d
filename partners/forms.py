from django import forms


class PartnerRefMixin(forms.Form):
    """A partner's `?ref=<code>` carried through a public form as a hidden field.

    The code is looked up once; a malformed or unknown code is ignored, never an error
    (nobody can correct a hidden field). `self.partner` is the partner or None; pass
    `partner=` to attribute directly (the API, from its token) or `ref=` from the query.
    """

    ref = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, partner=None, ref: str | None = None, **kwargs):
        from partners.models import partner_for_ref

        super().__init__(*args, **kwargs)
        if partner is None:
            raw = self.data.get("ref") if self.is_bound else ref
            partner = partner_for_ref(raw if isinstance(raw, str) else None)
        self.partner = partner
        if partner is not None:
            self.fields["ref"].initial = partner.ref

    def clean_ref(self) -> str:
        return self.partner.ref if self.partner else ""
