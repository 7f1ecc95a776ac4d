import re

from django import forms

from pledges.forms import SignForm
from pledges.widgets import PlainSelect


def options(html: str) -> list[tuple[str, bool, str]]:
    return [
        (value, bool(selected), label)
        for value, selected, label in re.findall(
            r'<option value="([^"]*)"( selected)?>([^<]*)</option>', html
        )
    ]


def test_country_list_has_the_same_options_and_attributes_as_djangos_select():
    form = SignForm({"country": "FR"})
    form.is_valid()
    ours = str(form["country"])
    form.fields["country"].widget = forms.Select(choices=form.fields["country"].choices)
    theirs = str(form["country"])
    assert options(ours) == options(theirs)
    assert ("FR", True, "France") in options(ours)
    assert re.search(r'<select name="country" id="id_country" required>', ours)


def test_labels_and_values_are_escaped():
    widget = PlainSelect(choices=[('"a', "<b>A</b>"), ("", "none")])
    html = widget.render("pick", '"a', attrs={"id": "id_pick"})
    assert options(html) == [("&quot;a", True, "&lt;b&gt;A&lt;/b&gt;"), ("", False, "none")]
