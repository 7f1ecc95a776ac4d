"""Forms of the workspace pages: the queue's filters, a decision, the notification switches."""

from django import forms
from django.utils.translation import gettext_lazy as _

from workspace.moderation import Decision

WAITING, DECIDED = "waiting", "decided"
REASON_MAX = 2000


class QueueFilterForm(forms.Form):
    """The query string of a queue's list: waiting (the default) or decided, and the page."""

    state = forms.ChoiceField(
        label=_("Show"),
        choices=[(WAITING, _("Waiting")), (DECIDED, _("Decided"))],
        required=False,
    )
    page = forms.IntegerField(min_value=1, required=False)

    def state_or_default(self) -> str:
        return (self.cleaned_data.get("state") if self.is_valid() else "") or WAITING

    def page_or_first(self) -> int:
        return (self.cleaned_data.get("page") if self.is_valid() else None) or 1


class IdListField(forms.Field):
    """Repeated hidden inputs holding ids; anything that is not an id is left out."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        return [int(v) for v in values if str(v).isdigit()][:100]


class DecisionForm(forms.Form):
    """One press of a decision button on an item's page."""

    decision = forms.ChoiceField()
    reason = forms.CharField(max_length=REASON_MAX, required=False, strip=True)
    then = forms.ChoiceField(choices=[("next", "next"), ("stay", "stay")], required=False)
    # Commitment pledges: also accept the trusted updates the page listed.
    accept_trusted = forms.BooleanField(required=False)
    trusted = IdListField(required=False)

    def __init__(self, *args, decisions: list[Decision], **kwargs):
        super().__init__(*args, **kwargs)
        self.decisions = {decision.slug: decision for decision in decisions}
        self.fields["decision"].choices = [(slug, slug) for slug in self.decisions]

    def clean(self):
        cleaned = super().clean()
        decision = self.decisions.get(cleaned.get("decision", ""))
        if decision is not None and decision.needs_reason and not cleaned.get("reason"):
            self.add_error("reason", _("Give a reason: it is required to reject."))
        return cleaned

    @property
    def chosen(self) -> Decision:
        return self.decisions[self.cleaned_data["decision"]]

    @property
    def goes_next(self) -> bool:
        return self.cleaned_data.get("then") != "stay"


class NotificationsForm(forms.Form):
    moderation_digest = forms.BooleanField(
        label=_("A daily digest of what waits for moderation"),
        help_text=_("Once a day, and only on days when something waits."),
        required=False,
    )
    moderation_alerts = forms.BooleanField(
        label=_("An email when an empty queue gets its first item"),
        help_text=_("So a new sign-on or update does not wait for the next digest."),
        required=False,
    )
