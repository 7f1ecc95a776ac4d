"""Staff area for pledges: the moderation queue, suspect signatures, exports, update emails."""

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from campaigns.models import Campaign
from lib.mail import render_email
from lib.transitions import InvalidTransition
from pledges import contact, exports, services
from pledges.forms import ExportForm, RejectForm
from pledges.models import (
    Organisation,
    OrgPledge,
    PhoneChannel,
    PhoneSummary,
    Signature,
    StatementVersion,
    UpdateMailing,
)
from staff import audit
from staff.admin_readonly import ReadOnlyAdmin
from staff.personal_admin import PERSONAL, PersonalDataAdminMixin

CONTACT_FIELDS = ("contact_name", "contact_email")


class ContactForModeratorsMixin(PersonalDataAdminMixin):
    """A pledge's contact person is shown to those who moderate it (or hold the personal-data
    permission), not to every staff member who may view the queue; the contact's email only
    masked unless they hold the personal-data permission. Each view is audited."""

    moderate_permission = ""
    email_fields = {"contact_email": "contact_email_hash"}
    personal_fields = ("contact_name",)
    view_action = "pledge.view_contact"

    def shows_contact(self, request) -> bool:
        user = request.user
        return user.has_perm(PERSONAL) or user.has_perm(self.moderate_permission)

    def get_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        if not self.shows_contact(request):
            return [f for f in fields if f not in CONTACT_FIELDS]
        return self.masked(request, fields)


@admin.register(StatementVersion)
class StatementVersionAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "number", "created_at"]
    list_filter = ["campaign"]
    readonly_fields = ["campaign", "number", "text", "created_at"]


def run_action(modeladmin, request, queryset, service, done_message, **kwargs) -> None:
    done = 0
    for obj in queryset:
        try:
            service(obj, by=request.user, **kwargs)
            done += 1
        except (InvalidTransition, ValidationError) as exc:
            modeladmin.message_user(request, f"{obj}: {exc}", messages.ERROR)
    if done:
        modeladmin.message_user(request, done_message % {"n": done})


@admin.register(Signature)
class SignatureAdmin(PersonalDataAdminMixin, ReadOnlyAdmin):
    list_display = [
        "public_name", "campaign", "status", "channel", "country", "show_publicly", "created_at",
    ]  # fmt: skip
    list_filter = [
        "status", "channel", "campaign", "show_publicly", "updates_consent", "alias_duplicate",
    ]  # fmt: skip
    # Names are encrypted: the list shows and searches the public list's copy; an address
    # is found by its keyed hash (staff with the personal-data permission only).
    search_fields = ["listed_name"]
    email_fields = {"email": "email_hash"}
    personal_fields = ("name",)
    view_action = "signature.view"
    list_select_related = ["campaign"]
    readonly_fields = [
        "campaign", "statement_version", "status", "channel", "name", "email", "country",
        "affiliation", "language", "show_publicly", "updates_consent", "created_at", "confirmed_at",
        "withdrawn_at", "unsubscribed_at", "reminders_sent",
    ]  # fmt: skip
    actions = ["release_suspects", "discard_suspects"]
    show_full_result_count = False
    change_list_template = "admin/pledges/signature_change_list.html"

    @admin.display(description=_("name on the public list"), ordering="listed_name")
    def public_name(self, obj):
        return obj.listed_name or "—"

    def has_review_permission(self, request) -> bool:
        return request.user.has_perm("pledges.review_signature")

    @admin.action(
        description=_("Release: send the confirmation email (signed by phone: count it)"),
        permissions=["review"],
    )
    def release_suspects(self, request, queryset):
        run_action(
            self,
            request,
            queryset,
            services.release_suspect,
            ngettext_lazy("%(n)d signature released.", "%(n)d signatures released.", "n"),
        )

    @admin.action(description=_("Discard suspect signatures"), permissions=["review"])
    def discard_suspects(self, request, queryset):
        run_action(
            self,
            request,
            queryset,
            services.discard_suspect,
            ngettext_lazy("%(n)d signature discarded.", "%(n)d signatures discarded.", "n"),
        )

    def get_urls(self):
        return [
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="pledges_signature_export",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        if request.user.has_perm("pledges.export_pledges"):
            extra_context["export_url"] = reverse("admin:pledges_signature_export")
        return super().changelist_view(request, extra_context)

    def export_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("pledges.export_pledges"):
            raise PermissionDenied
        form = ExportForm(request.GET or None)
        if not request.GET or not form.is_valid():
            return TemplateResponse(
                request,
                "admin/pledges/export.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Export signatures and sign-ons"),
                    "form": form,
                    "personal": request.user.has_perm(PERSONAL),
                },
                status=400 if request.GET else 200,
            )
        data = form.cleaned_data
        filters = exports.ExportFilters(
            campaign=data["campaign"],
            status=data["status"],
            country=data["country"] or "",
            since=data["since"],
            until=data["until"],
        )
        personal = request.user.has_perm(PERSONAL)
        columns, rows = exports.source_rows(data["what"])(filters, personal=personal)
        audit.record(
            "pledges.export",
            actor=request.user,
            target=data["campaign"],
            details={
                "what": data["what"],
                "format": data["format"],
                "personal_data": personal,
                "status": data["status"],
                "country": data["country"] or "",
                "since": data["since"].isoformat() if data["since"] else "",
                "until": data["until"].isoformat() if data["until"] else "",
            },
        )
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        filename = f"{data['what']}-{stamp}.{data['format']}"
        if data["format"] == "csv":
            response = StreamingHttpResponse(
                exports.csv_stream(columns, rows), content_type="text/csv; charset=utf-8"
            )
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
        return FileResponse(
            exports.xlsx_file(columns, rows),
            as_attachment=True,
            filename=filename,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )


class DuplicateHints:
    """Other organisations with the same domain or a similar name."""

    @staticmethod
    def for_organisation(organisation: Organisation) -> list[Organisation]:
        if not organisation.name_key and not organisation.domain:
            return []
        similar = Q()
        if organisation.name_key:
            similar |= Q(name_key=organisation.name_key)
            first_word = organisation.name_key.split(" ")[0]
            if len(first_word) >= 4:
                similar |= Q(name_key__startswith=first_word)
        if organisation.domain:
            similar |= Q(domain=organisation.domain)
        return list(Organisation.objects.filter(similar).exclude(pk=organisation.pk)[:5])


def _hints_html(organisation: Organisation):
    hints = DuplicateHints.for_organisation(organisation)
    if not hints:
        return "—"
    return format_html_join(
        ", ",
        '<a href="{}">{}</a>',
        (
            (reverse("admin:pledges_organisation_change", args=[o.pk]), f"{o.name} ({o.domain})")
            for o in hints
        ),
    )


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country", "domain", "duplicate_hints", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "domain"]
    readonly_fields = ["domain", "created_at"]
    actions = ["merge"]

    @admin.display(description=_("possible duplicates"))
    def duplicate_hints(self, obj):
        return _hints_html(obj)

    def save_model(self, request, obj, form, change):
        # Moderators may correct the public details; keep the derived keys in step.
        obj.name_key = services.organisation_name_key(obj.name)
        obj.domain = services.website_domain(obj.website)
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Merge the selected into the oldest one"), permissions=["change"])
    def merge(self, request, queryset):
        organisations = list(queryset.order_by("created_at", "pk"))
        if len(organisations) < 2:
            self.message_user(request, _("Select at least two organisations."), messages.ERROR)
            return
        keep, *duplicates = organisations
        services.merge_organisations(keep, duplicates, by=request.user)
        self.message_user(
            request, _("Merged %(n)d into %(name)s.") % {"n": len(duplicates), "name": keep.name}
        )


class ModerationQueueMixin:
    """Approve and reject-with-a-reason for any contact-confirmed pledge queue.

    A subclass names `moderate_permission` and its three messages.
    """

    moderate_permission = ""
    approved_message = ""
    rejected_message = ""
    reject_title = ""

    def has_moderate_permission(self, request) -> bool:
        return request.user.has_perm(self.moderate_permission)

    @admin.display(description=_("possible duplicates"))
    def duplicate_hints(self, obj):
        return _hints_html(obj.organisation) if obj.organisation_id else ""

    @admin.action(description=_("Approve"), permissions=["moderate"])
    def approve(self, request, queryset):
        run_action(self, request, queryset, contact.approve, self.approved_message)

    @admin.action(description=_("Reject with a reason…"), permissions=["moderate"])
    def reject(self, request, queryset):
        # An intermediate page: a rejection always carries a reason for the contact.
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            run_action(
                self,
                request,
                queryset,
                contact.reject,
                self.rejected_message,
                reason=form.cleaned_data["reason"],
            )
            return None
        return render(
            request,
            "admin/pledges/reject.html",
            {
                **self.admin_site.each_context(request),
                "title": self.reject_title,
                "queryset": queryset.select_related("organisation", "campaign"),
                "form": form,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
                "opts": self.model._meta,
            },
            status=400 if form.is_bound else 200,
        )


@admin.register(OrgPledge)
class OrgPledgeAdmin(ModerationQueueMixin, ContactForModeratorsMixin, ReadOnlyAdmin):
    """The moderation queue."""

    moderate_permission = "pledges.moderate_orgpledge"

    list_display = [
        "organisation", "campaign", "status", "organisation_domain", "duplicate_hints",
        "created_at", "contact_confirmed_at",
    ]  # fmt: skip
    list_filter = ["status", "campaign"]
    list_select_related = ["organisation", "campaign"]
    search_fields = ["organisation__name", "organisation__domain"]
    readonly_fields = [
        "organisation", "campaign", "statement_version", "status", "contact_name",
        "contact_email", "contact_language", "created_at", "contact_confirmed_at",
        "moderated_at", "moderated_by", "rejection_reason", "duplicate_hints",
    ]  # fmt: skip
    actions = ["approve", "reject"]

    approved_message = ngettext_lazy("%(n)d sign-on approved.", "%(n)d sign-ons approved.", "n")
    rejected_message = ngettext_lazy("%(n)d sign-on rejected.", "%(n)d sign-ons rejected.", "n")
    reject_title = _("Reject sign-ons")

    @admin.display(description=_("domain"))
    def organisation_domain(self, obj):
        return obj.named_organisation.domain


@admin.register(UpdateMailing)
class UpdateMailingAdmin(admin.ModelAdmin):
    list_display = ["subject", "campaign", "status", "progress", "created_at"]
    list_filter = ["status", "campaign"]
    readonly_fields = ["status", "progress", "recipients", "preview"]
    actions = ["send"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["campaign", "subject", "body"]
        return ["campaign", "subject", "body", "status", "progress", "recipients", "preview"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != UpdateMailing.Status.DRAFT:
            return ["campaign", "subject", "body", *self.readonly_fields]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def has_send_permission(self, request) -> bool:
        return request.user.has_perm("pledges.send_updatemailing")

    @admin.display(description=_("sent / total"))
    def progress(self, obj):
        if obj.status == UpdateMailing.Status.DRAFT:
            return "—"
        return f"{services.mailing_sent_count(obj)} / {obj.total}"

    @admin.display(description=_("recipients now"))
    def recipients(self, obj):
        return services.update_recipients(obj.campaign).count()

    @admin.display(description=_("preview"))
    def preview(self, obj):
        subject, text, _html = render_email(
            "update-email",
            {
                "mailing": obj,
                "campaign": obj.campaign,
                "unsubscribe_url": "https://…/unsubscribe/…",
                "campaign_url": obj.campaign.get_absolute_url(),
            },
            language=obj.campaign.default_language,
        )
        return format_html("<p><strong>{}</strong></p><pre>{}</pre>", subject, text)

    @admin.action(description=_("Send to consenting signers"), permissions=["send"])
    def send(self, request, queryset):
        run_action(
            self,
            request,
            queryset,
            services.start_mailing,
            ngettext_lazy("%(n)d update being sent.", "%(n)d updates being sent.", "n"),
        )


class PhoneSummaryInline(admin.TabularInline):
    model = PhoneSummary
    extra = 1
    fields = ["language", "text"]


@admin.register(PhoneChannel)
class PhoneChannelAdmin(admin.ModelAdmin):
    """Communications let a campaign take signatures from any phone: USSD menus and the SMS
    keyword "SIGN <keyword> <name>" (README "Signing by phone"). Nothing here is on a public
    page: the callbacks read it on every step, so a change applies to the next session."""

    list_display = ["code", "campaign", "ussd_enabled", "sms_enabled", "updated_at"]
    list_filter = ["ussd_enabled", "sms_enabled"]
    list_select_related = ["campaign"]
    search_fields = ["code", "campaign__slug", "campaign__title"]
    fields = ["campaign", "code", "ussd_enabled", "sms_enabled", "default_country"]
    inlines = [PhoneSummaryInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "campaign":
            # Campaigns that take signatures (`Campaign.collects_signatures`).
            kwargs["queryset"] = Campaign.objects.filter(kind=Campaign.Kind.STATEMENT).order_by(
                "title"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        action = "phone_channel.change" if change else "phone_channel.add"
        audit.record(action, actor=request.user, target=obj)
