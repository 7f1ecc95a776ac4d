"""Reading and sending staff forms the way a browser does, for the campaign staff tests."""

from html.parser import HTMLParser

ADMIN = "/staff/admin/"


def change_url(campaign) -> str:
    return f"{ADMIN}campaigns/campaign/{campaign.pk}/change/"


class _FormReader(HTMLParser):
    """The values a browser would send for the form with id `form_id`."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data: dict[str, list[str]] = {}
        self._textarea: str | None = None
        self._select: str | None = None
        self._select_value: str | None = None
        self._first_option: str | None = None
        self._multiple = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
            return
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self.data.setdefault(name, []).append(attrs.get("value") or default)
        elif tag == "textarea" and name:
            self._textarea = name
            self.data.setdefault(name, []).append("")
        elif tag == "select" and name:
            self._select, self._select_value, self._first_option = name, None, None
            self._multiple = "multiple" in attrs
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._multiple:  # a multiple choice sends what is selected, maybe nothing
                if "selected" in attrs:
                    self.data.setdefault(self._select, []).append(value)
                return
            if self._first_option is None:
                self._first_option = value
            if "selected" in attrs:
                self._select_value = value

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select and self._multiple:
            self._select = None
        elif tag == "select" and self._select:
            value = self._select_value if self._select_value is not None else self._first_option
            self.data.setdefault(self._select, []).append(value or "")
            self._select = None


def form_data(html: str, form_id: str = "campaign_form") -> dict:
    reader = _FormReader(form_id)
    reader.feed(html)
    # A textarea's first newline is not part of its value (the HTML parsing rules).
    return {
        name: [v[1:] if v.startswith("\n") else v for v in values]
        if len(values) > 1
        else (values[0][1:] if values[0].startswith("\n") else values[0])
        for name, values in reader.data.items()
    }


def translation_prefix(data: dict, language: str) -> str:
    """The form prefix ("translations-0") of the translation into `language`."""
    for name, value in data.items():
        if name.startswith("translations-") and name.endswith("-language") and value == language:
            return name.removesuffix("-language")
    raise KeyError(language)


def add_translation(data: dict, language: str, **texts) -> dict:
    """A new translation form filled in, as "Add another translation" does."""
    index = int(data["translations-TOTAL_FORMS"])
    data = {**data, "translations-TOTAL_FORMS": str(index + 1)}
    data[f"translations-{index}-language"] = language
    for name in ("title", "summary", "statement", "call_to_action"):
        data[f"translations-{index}-{name}"] = texts.get(name, "")
    return data


def page_data(client, campaign) -> dict:
    response = client.get(change_url(campaign))
    assert response.status_code == 200, response.status_code
    return form_data(response.content.decode())


def save(client, campaign, changes: dict | None = None, *, data: dict | None = None):
    """POST the campaign's page back as shown (or `data`), with `changes` (None removes)."""
    data = dict(data if data is not None else page_data(client, campaign))
    for name, value in (changes or {}).items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return client.post(change_url(campaign), data)
