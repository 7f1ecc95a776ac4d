"""Staff see less by default: emails masked (`a…@example.org`) unless they hold the personal-data
permission, searches by address through its keyed hash, and every page that shows a person's
decrypted details recorded in the audit log."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.utils.translation import gettext_lazy as _

from lib.encryption import mask_email
from lib.mailboxes import email_hash
from staff import audit

PERSONAL = "pledges.export_personal_data"


class PersonalDataAdminMixin:
    # Encrypted email field → its keyed-hash field, shown masked to staff without PERSONAL.
    email_fields: dict[str, str] = {}
    # Other decrypted fields (names of unlisted signers, contact people) on the change page.
    personal_fields: tuple[str, ...] = ()
    # Audit action for opening a change page that shows decrypted details.
    view_action = ""

    def sees_personal_data(self, request) -> bool:
        return request.user.has_perm(PERSONAL)

    def hidden_fields(self, request) -> set[str]:
        """Fields this user is not shown (their masked form is shown instead)."""
        return set() if self.sees_personal_data(request) else set(self.email_fields)

    def get_fields(self, request, obj=None):
        if obj is None:  # an add form: nothing stored to show yet
            return super().get_fields(request, obj)
        fields = list(self.readonly_fields) or [
            f.name for f in self.model._meta.fields if not f.primary_key
        ]
        return self.masked(request, fields)

    def masked(self, request, fields: list[str]) -> list[str]:
        """`fields` with each email this user may not read swapped for its masked display."""
        hidden = self.hidden_fields(request)
        return [f"masked_{f}" if f in hidden else f for f in fields]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return super().get_readonly_fields(request, obj)
        return self.get_fields(request, obj)

    @admin.display(description=_("email"))
    def masked_email(self, obj):
        return mask_email(obj.email or "")

    @admin.display(description=_("contact email"))
    def masked_contact_email(self, obj):
        return mask_email(obj.contact_email or "")

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if "@" in term and self.email_fields:
            if not self.sees_personal_data(request):
                return queryset.none(), False
            hashed = email_hash(term)
            return queryset.filter(**{h: hashed for h in self.email_fields.values()}), False
        return super().get_search_results(request, queryset, search_term)

    def shows_decrypted(self, request, obj) -> bool:
        fields = set(self.get_fields(request, obj))
        return bool(fields & (set(self.email_fields) | set(self.personal_fields)))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if self.view_action and request.method == "GET" and response.status_code == 200:
            obj = self.get_object(request, unquote(object_id))
            if obj is not None and self.shows_decrypted(request, obj):
                audit.record(self.view_action, actor=request.user, target=obj)
        return response
