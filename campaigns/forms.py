from django import forms

REF_PATTERN = r"^[A-Za-z0-9_-]{1,40}$"


class RefForm(forms.Form):
    """`?ref=<code>` on campaign links and QR codes: a partner's attribution code."""

    ref = forms.RegexField(regex=REF_PATTERN, required=False)


class QrForm(RefForm):
    size = forms.IntegerField(min_value=2, max_value=40, required=False)
