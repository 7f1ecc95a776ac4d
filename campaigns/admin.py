"""The campaign's staff pages: its form with the translations side by side, the launch
buttons and their confirmation pages, the previews (full size and phone-sized), translators'
languages. Every change goes through campaigns.services; who may do what, campaigns.access."""

from dataclasses import dataclass, field
from datetime import datetime

from babel.lists import format_list
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.csp import CSP
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timesince import timeuntil
from django.utils.translation import get_language_info, gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_http_methods

from campaigns import access, hero, pages, replies, services
from campaigns import targets as target_list
from campaigns.models import (
    REASON_MAX,
    REPLY_SUMMARY_MAX,
    Campaign,
    CampaignTranslation,
    ReplyRequest,
    Target,
    TargetChange,
    TargetReply,
    TranslatorLanguage,
)
from campaigns.progress import campaign_progress
from campaigns.views import render_campaign_page, reply_download
from lib import currencies
from lib.locales import current_locale, format_count
from lib.transitions import InvalidTransition
from staff.admin_readonly import ReadOnlyAdmin
from staff.roles import TRANSLATORS

Kind = Campaign.Kind
Status = Campaign.Status
TEXT_FIELDS = CampaignTranslation.TEXT_FIELDS
# The texts' names inside sentences ("missing: statement").
TEXT_NAMES = {
    "title": _("title"),
    "summary": _("summary"),
    "statement": _("statement"),
    "call_to_action": _("call to action"),
}
# Largest goal a form takes, in minor units (a trillion euros): beyond it is a typo.
MAX_GOAL_MINOR = 10**14


def language_name(code: str) -> str:
    return str(get_language_info(code)["name_translated"])


def text_direction(code: str) -> str:
    return "rtl" if get_language_info(code)["bidi"] else "ltr"


def when(moment: datetime) -> str:
    """A moment for staff: "Dec. 4, 2026, 9 a.m. UTC"."""
    local = timezone.localtime(moment)
    return f"{date_format(local, 'DATETIME_FORMAT')} {local.tzname()}"


class PublicPagesChange:
    """Admin of something public pages show: deleting it makes the stored pages go (on
    commit), as saving does."""

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        pages.changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        pages.changed()


# Targets: the dated list (campaigns.targets) and the right of reply (campaigns.replies).


class TargetAdminForm(forms.ModelForm):
    listed = forms.BooleanField(
        label=_("On the list"),
        required=False,
        initial=True,
        help_text=_(
            "Untick to remove the target from the list: its page and history stay public, "
            "marked as removed."
        ),
    )
    change_reason = forms.CharField(
        label=_("Reason for this change"),
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Needed when you add a target, remove it, put it back or change its category. "
            "Published in the changelog of the target list."
        ),
    )

    class Meta:
        model = Target
        fields = ["name", "slug", "category", "headquarters_country", "description", "products"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["listed"] = self.instance.is_listed
        else:
            del self.fields["listed"]  # a new target is added to the list

    def list_moves(self) -> bool:
        """Whether saving changes the list: an addition, a removal or a new category."""
        return not self.instance.pk or bool({"category", "listed"} & set(self.changed_data))

    def clean(self):
        data = super().clean()
        if self.list_moves() and not (data.get("change_reason") or "").strip():
            self.add_error("change_reason", _("Say why: the reason is published in the changelog."))
        return data


class TargetChangeInline(admin.TabularInline):
    model = TargetChange
    fields = ["changed_at", "kind", "from_category", "category", "reason", "changed_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("History on the list")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Target)
class TargetAdmin(PublicPagesChange, admin.ModelAdmin):
    form = TargetAdminForm
    list_display = ["name", "slug", "category", "status", "headquarters_country"]
    list_filter = ["category", "status"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "products"]
    inlines = [TargetChangeInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "headquarters_country", "description", "products"]}),
        (_("On the target list"), {"fields": ["category", "listed", "change_reason"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [
                self.fieldsets[0],
                (_("On the target list"), {"fields": ["category", "change_reason"]}),
            ]
        return self.fieldsets

    # Adding, removing and re-categorising go through campaigns.targets, which records the
    # change; the other fields are saved as they are. Stored pages go (on commit).
    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data.get("change_reason", "")
        if not change:
            target_list.add_target(obj, by=request.user, reason=reason)
            return
        original = Target.objects.get(pk=obj.pk)
        category, obj.category = obj.category, original.category
        super().save_model(request, obj, form, change)
        if category != original.category:
            target_list.recategorise_target(obj, category, by=request.user, reason=reason)
        if "listed" in form.changed_data:
            if form.cleaned_data["listed"]:
                target_list.add_target(obj, by=request.user, reason=reason)
            else:
                target_list.remove_target(obj, by=request.user, reason=reason)
        obj.refresh_from_db()
        pages.changed()


@admin.register(TargetChange)
class TargetChangeAdmin(ReadOnlyAdmin):
    """The target list's changelog as staff see it: who made each change, too."""

    list_display = ["changed_at", "target", "kind", "from_category", "category", "reason",
                    "changed_by"]  # fmt: skip
    list_filter = ["kind", "category"]
    list_select_related = ["target", "changed_by"]
    search_fields = ["target__name", "reason"]
    readonly_fields = list_display + ["initial"]


class ReplyRequestForm(forms.ModelForm):
    class Meta:
        model = ReplyRequest
        fields = ["target", "campaign", "asked_on", "channel", "question", "due_on"]
        widgets = {"question": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "due_on" in self.fields and not self.instance.pk:
            # A new request may leave it empty: the default is set by the service.
            self.fields["due_on"].required = False
            self.fields["due_on"].help_text = gettext(
                "Empty: %(days)d days after the date asked."
            ) % {"days": settings.REPLY_DUE_DAYS}
        if "asked_on" in self.fields and not self.instance.pk:
            self.fields["asked_on"].initial = timezone.localdate
        if "campaign" in self.fields:
            self.fields["campaign"].queryset = Campaign.objects.filter(kind=Kind.BDS)

    def clean(self):
        data = super().clean()
        asked_on = data.get("asked_on") or self.instance.asked_on
        due_on = data.get("due_on")
        if asked_on and due_on and due_on < asked_on:
            self.add_error("due_on", _("The reply cannot be due before the date asked."))
        return data


class ReplyForm(forms.Form):
    received_on = forms.DateField(
        label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    url = forms.URLField(
        label=_("Link to the reply"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Where the company published its reply, if it did."),
    )
    document = forms.FileField(
        label=_("Document"),
        required=False,
        help_text=_(
            "The reply as a PDF, PNG or JPEG file, at most 5 MB. It is offered to readers "
            "as a download."
        ),
    )
    summary = forms.CharField(
        label=_("Summary"),
        max_length=REPLY_SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A few sentences, published with the reply once a moderator agrees."),
    )

    def clean_url(self) -> str:
        url = self.cleaned_data.get("url") or ""
        if url and not url.lower().startswith(("http://", "https://")):
            raise ValidationError(_("Enter a web address (http or https)."))
        return url

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        if upload:
            replies.document_type(upload)  # a form error for a disguised or oversized file
        return upload

    def clean(self):
        data = super().clean()
        if not data.get("url") and not data.get("document") and not self.errors:
            raise ValidationError(_("Give a link to the reply or upload it."))
        return data


@admin.register(ReplyRequest)
class ReplyRequestAdmin(admin.ModelAdmin):
    """Communications records that a target was asked to respond, then its reply."""

    form = ReplyRequestForm
    list_display = ["target", "campaign", "asked_on", "due_on", "channel", "clock_state",
                    "reply_status"]  # fmt: skip
    list_filter = ["channel", "target"]
    list_select_related = ["target", "campaign"]
    search_fields = ["target__name", "question"]
    date_hierarchy = "asked_on"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "replies",
                    queryset=TargetReply.objects.filter(status=TargetReply.Status.PUBLISHED),
                    to_attr="published_replies",
                ),
                "replies",
            )
        )

    def get_fields(self, request, obj=None):
        fields = ["target", "campaign", "asked_on", "channel", "question", "due_on"]
        return fields if obj is None else [*fields, "asked_by", "created_at", "replies_now"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # Once asked, only the due date moves (campaigns.replies.change_reply_due_date).
        return ["target", "campaign", "asked_on", "channel", "question", "asked_by",
                "created_at", "replies_now"]  # fmt: skip

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the public clock is the record: never deleted

    @admin.display(description=_("public clock"))
    def clock_state(self, obj):
        return {
            replies.AWAITING: gettext("no reply yet"),
            replies.OVERDUE: gettext("overdue"),
            replies.REPLIED: gettext("replied"),
        }[replies.clock(obj).state]

    @admin.display(description=_("reply"))
    def reply_status(self, obj):
        standing = [r for r in obj.replies.all() if r.status != TargetReply.Status.REJECTED]
        return standing[0].get_status_display() if standing else "—"

    @admin.display(description=_("replies"))
    def replies_now(self, obj):
        items = [
            format_html(
                '<li>{} — {} (<a href="{}">{}</a>)</li>',
                date_format(reply.received_on, "DATE_FORMAT"),
                reply.get_status_display(),
                reverse("admin:campaigns_targetreply_change", args=[reply.pk]),
                gettext("details"),
            )
            for reply in obj.replies.all()
        ]
        standing = any(r.status != TargetReply.Status.REJECTED for r in obj.replies.all())
        record = (
            ""
            if standing
            else format_html(
                '<a class="button" href="{}">{}</a>',
                reverse("admin:campaigns_replyrequest_reply", args=[obj.pk]),
                gettext("Record the reply"),
            )
        )
        return format_html("<ul>{}</ul>{}", format_html_join("", "{}", ((i,) for i in items)),
                           record)  # fmt: skip

    def save_model(self, request, obj, form, change):
        if change:
            replies.change_reply_due_date(
                obj, form.cleaned_data.get("due_on") or obj.due_on, by=request.user
            )
            return
        data = replies.AskData(
            asked_on=form.cleaned_data["asked_on"],
            channel=form.cleaned_data["channel"],
            question=form.cleaned_data["question"],
            due_on=form.cleaned_data.get("due_on"),
            campaign=form.cleaned_data.get("campaign"),
        )
        created = replies.ask_target(form.cleaned_data["target"], data, by=request.user)
        obj.pk, obj.due_on = created.pk, created.due_on
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        pass  # no relations of its own to save

    def get_urls(self):
        return [
            path(
                "<path:object_id>/reply/",
                self.admin_site.admin_view(
                    require_http_methods(["GET", "HEAD", "POST"])(self.reply_view)
                ),
                name="campaigns_replyrequest_reply",
            ),
            *super().get_urls(),
        ]

    def reply_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Record the target's reply: a link or a document, and a summary."""
        try:
            pk = int(unquote(object_id))
        except ValueError:
            raise Http404("No such request") from None
        reply_request = ReplyRequest.objects.select_related("target").filter(pk=pk).first()
        if reply_request is None:
            raise Http404("No such request")
        if not replies.may_record(request.user):
            raise PermissionDenied
        change_url = reverse("admin:campaigns_replyrequest_change", args=[reply_request.pk])
        form = ReplyForm(
            request.POST if request.method == "POST" else None,
            request.FILES if request.method == "POST" else None,
            initial={"received_on": timezone.localdate()},
        )
        status = 200
        if request.method == "POST":
            if form.is_valid():
                try:
                    replies.record_reply(
                        reply_request,
                        replies.ReplyData(
                            received_on=form.cleaned_data["received_on"],
                            summary=form.cleaned_data["summary"],
                            url=form.cleaned_data["url"],
                            document=form.cleaned_data["document"],
                        ),
                        by=request.user,
                    )
                except ValidationError as exc:
                    found = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
                    for name, errors in found.items():
                        form.add_error(name if name in form.fields else None, errors)
                else:
                    messages.success(
                        request,
                        gettext("The reply is recorded: a moderator publishes it."),
                    )
                    return redirect(change_url)
            status = 400
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": reply_request,
            "title": gettext("Record the reply of %(target)s")
            % {"target": reply_request.target.name},
            "form": form,
            "change_url": change_url,
        }
        return TemplateResponse(
            request, "admin/campaigns/replyrequest/reply.html", context, status=status
        )


@admin.register(TargetReply)
class TargetReplyAdmin(ReadOnlyAdmin):
    """Recorded replies; moderators publish or reject them in the workspace's queue."""

    list_display = ["request", "received_on", "status", "document_type", "recorded_by",
                    "decided_by"]  # fmt: skip
    list_filter = ["status"]
    list_select_related = ["request__target", "recorded_by", "decided_by"]
    readonly_fields = ["request", "received_on", "url", "document_link", "summary", "status",
                       "recorded_at", "recorded_by", "decided_at", "decided_by",
                       "rejection_reason"]  # fmt: skip
    exclude = ["document", "document_type"]

    @admin.display(description=_("document"))
    def document_link(self, obj):
        if not obj.document:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:campaigns_targetreply_document", args=[obj.pk]),
            gettext("Download (%(type)s)") % {"type": obj.get_document_type_display()},
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/document/",
                self.admin_site.admin_view(require_http_methods(["GET", "HEAD"])(self.document)),
                name="campaigns_targetreply_document",
            ),
            *super().get_urls(),
        ]

    def document(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The document of any reply, published or not, for staff who see replies."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            pk = int(unquote(object_id))
        except ValueError:
            raise Http404("No such reply") from None
        reply = TargetReply.objects.select_related("request__target").filter(pk=pk).first()
        if reply is None or not reply.document:
            raise Http404("No such document")
        response = reply_download(reply)
        response["Cache-Control"] = "private, no-store"
        return response


def _lifecycle_action(service, label: str, **service_kwargs):
    def action(modeladmin, request, queryset):
        done = 0
        for campaign in queryset:
            try:
                service(campaign, by=request.user, **service_kwargs)
                done += 1
            except (services.InvalidTransition, ValidationError) as exc:
                modeladmin.message_user(request, f"{campaign.slug}: {exc}", messages.ERROR)
        if done:
            modeladmin.message_user(
                request,
                ngettext("%(n)d campaign updated.", "%(n)d campaigns updated.", done) % {"n": done},
            )

    action.__name__ = f"action_{service.__name__}"
    return admin.action(description=label, permissions=["publish"])(action)


# The fundraising goal, typed in major units beside its currency.


class GoalAmountField(forms.CharField):
    """An amount in major units as the staff member's language writes it ("50,000.00");
    cleaned to a Decimal (None when empty). The form converts it with the currency."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 24)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 16}),
        )
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)  # a string, checked for its length
        if text in self.empty_values:
            return None
        try:
            return currencies.parse_amount(text)
        except ValueError:
            raise ValidationError(
                _("Enter the goal as digits, e.g. %(example)s."),
                code="invalid",
                params={"example": example_goal("EUR")},
            ) from None


def example_goal(currency: str) -> str:
    return currencies.format_amount(currencies.major_to_minor(50_000, currency), currency)


def goal_error(currency: str) -> str:
    if currencies.exponent(currency) == 0:
        return gettext(
            "%(currency)s has no decimals: enter the goal in whole units, e.g. %(example)s."
        ) % {"currency": currency, "example": example_goal(currency)}
    return gettext(
        "Enter a goal above zero with at most %(places)d decimals in %(currency)s, "
        "e.g. %(example)s."
    ) % {
        "places": currencies.exponent(currency),
        "currency": currency,
        "example": example_goal(currency),
    }


class CampaignAdminForm(forms.ModelForm):
    hero_upload = forms.FileField(
        label=_("Upload a hero image"),
        required=False,
        help_text=_(
            "JPEG, PNG or WebP, at least 480 pixels wide. It is cropped to 16:9 and "
            "re-encoded without its metadata; the file you send is not kept."
        ),
    )
    hero_remove = forms.BooleanField(label=_("Remove the hero image"), required=False)
    # Stored as `fundraising_goal_minor`; staff type it in major units.
    fundraising_goal = GoalAmountField(
        label=_("Fundraising goal"),
        required=False,
        help_text=_(
            "In the currency beside it, as you write amounts: e.g. 50,000.00 EUR, "
            "or 5,000,000 JPY (the yen has no decimals)."
        ),
    )

    class Meta:
        model = Campaign
        fields = "__all__"  # noqa: DJ007 - the staff form edits every field of the campaign

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        goal, currency = self.instance.fundraising_goal_minor, self.instance.fundraising_currency
        if goal is not None and currency and "fundraising_goal" in self.fields:
            self.initial.setdefault("fundraising_goal", currencies.format_amount(goal, currency))
        if "fundraising_currency" in self.fields:
            self.fields["fundraising_currency"].widget.attrs.update(
                {"size": 4, "autocomplete": "off", "placeholder": "EUR"}
            )
        # The default language's texts are typed in their own direction (Arabic: right to left).
        if self.instance.pk:
            language = self.instance.default_language
            for name in TEXT_FIELDS:
                if name in self.fields:
                    self.fields[name].widget.attrs.update(
                        {"lang": language, "dir": text_direction(language)}
                    )

    def clean_fundraising_currency(self) -> str:
        return (self.cleaned_data.get("fundraising_currency") or "").strip().upper()

    def clean_hero_upload(self):
        upload = self.cleaned_data.get("hero_upload")
        if upload:
            # Decoded and re-encoded here: a file Pillow cannot read is a form error.
            self.cleaned_data["hero_manifest"] = hero.process(upload)
        return upload

    def clean(self):
        data = super().clean()
        if "fundraising_goal" not in self.fields:
            return data
        amount, currency = data.get("fundraising_goal"), data.get("fundraising_currency")
        if amount is None:
            self.instance.fundraising_goal_minor = None
        elif not currency:
            if "fundraising_currency" not in self.errors:
                self.add_error("fundraising_currency", _("Give the goal's currency, e.g. EUR."))
        elif "fundraising_currency" not in self.errors:
            try:
                minor = currencies.major_to_minor(amount, currency)
            except ValueError:
                minor = 0
            if not 0 < minor <= MAX_GOAL_MINOR:
                self.add_error("fundraising_goal", goal_error(currency))
            else:
                self.instance.fundraising_goal_minor = minor
        return data


class TranslatorCampaignForm(forms.ModelForm):
    """What a translator's save sends about the campaign itself: nothing."""

    class Meta:
        model = Campaign
        fields: list[str] = []


# Translations, each beside the default language's text.


class TranslationForm(forms.ModelForm):
    approve = forms.BooleanField(label=_("Approve: make this translation public"), required=False)

    class Meta:
        model = CampaignTranslation
        fields = ["language", *TEXT_FIELDS]

    def __init__(self, *args, campaign: Campaign | None = None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        languages = access.translation_languages(user)
        default = campaign.default_language if campaign is not None and campaign.pk else None
        self.fields["language"].choices = [
            ("", "---------"),
            *[
                (code, name)
                for code, name in settings.LANGUAGES
                if (languages is None or code in languages)
                and (code != default or code == self.instance.language)
            ],
        ]
        language = self.language
        if language:
            for name in TEXT_FIELDS:
                self.fields[name].widget.attrs.update(
                    {"lang": language, "dir": text_direction(language)}
                )
        if not (
            self.instance.pk
            and not self.instance.is_approved
            and access.may_approve_translation(user, self.instance)
        ):
            del self.fields["approve"]

    @property
    def language(self) -> str:
        if self.is_bound:
            return self.data.get(self.add_prefix("language"), "") or ""
        return self.instance.language or self.initial.get("language", "")

    def text_rows(self) -> list[tuple]:
        """(field, the default language's text) for each text; no reference on a new campaign."""
        saved = self.campaign is not None and self.campaign.pk
        return [
            (self[name], getattr(self.campaign, name) if saved else None) for name in TEXT_FIELDS
        ]

    def missing(self) -> str:
        """The texts the saved translation lacks, listed ("statement and call to action");
        empty when it is complete."""
        if not (self.instance.pk and self.campaign is not None):
            return ""
        self.instance.campaign = self.campaign
        return listed([TEXT_NAMES[name] for name in self.instance.missing_fields()])


class TranslationFormSet(forms.BaseInlineFormSet):
    user = None  # the staff member, set per request by the inline's get_formset

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "campaign": self.instance, "user": self.user}


class CampaignTranslationInline(admin.StackedInline):
    model = CampaignTranslation
    form = TranslationForm
    formset = TranslationFormSet
    extra = 0
    template = "admin/campaigns/campaign/translation_inline.html"

    class Media:
        js = ["js/staff-translations.js"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (formset,), {"user": request.user})

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("approved_by", "edited_by")
        languages = access.translation_languages(request.user)
        return queryset if languages is None else queryset.filter(language__in=languages)

    def get_max_num(self, request, obj=None, **kwargs):
        languages = access.translation_languages(request.user)
        codes = {code for code, _name in settings.LANGUAGES}
        if languages is not None:
            codes &= languages
        if obj is not None:
            codes.discard(obj.default_language)
        return len(codes)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Translators never delete a translation, even with the permission.
        return super().has_delete_permission(request, obj) and (
            access.translation_languages(request.user) is None
        )


# The launch buttons: what each would do, computed from the campaign.


@dataclass
class Step:
    action: str
    label: str
    heading: str = ""
    consequences: list[str] = field(default_factory=list)
    blocked: str = ""
    done: str = ""


ACTIONS = {
    "publish": Status.LIVE,
    "schedule": Status.SCHEDULED,
    "close": Status.CLOSED,
    "draft": Status.DRAFT,
}
SERVICES = {
    "publish": services.publish,
    "schedule": services.schedule,
    "close": services.close,
    "draft": services.unpublish_to_draft,
}


def action_label(campaign: Campaign, action: str) -> str:
    if action == "publish" and campaign.status == Status.CLOSED:
        return gettext("Reopen")
    return str(
        {
            "publish": _("Publish now"),
            "schedule": _("Schedule"),
            "close": _("Close"),
            "draft": _("Return to draft"),
        }[action]
    )


def available_actions(campaign: Campaign) -> list[str]:
    """The buttons for the campaign's status, in the order of `ACTIONS`."""
    allowed = services.TRANSITIONS[campaign.status]
    return [action for action, to in ACTIONS.items() if to in allowed]


def listed(items: list[str]) -> str:
    """Items joined as the active language lists them: "English, Spanish and Arabic"."""
    return format_list([str(item) for item in items], locale=current_locale()) if items else ""


def _names(codes: list[str]) -> str:
    return listed([language_name(code) for code in codes])


def language_report(campaign: Campaign) -> tuple[list[str], list[str]]:
    """(the languages the public reads, sentences about the others) for confirmations."""
    default = campaign.default_language
    default_name = language_name(default)
    translations = {t.language: t for t in campaign.translations.all()}
    public = [default] + [code for code, t in translations.items() if t.is_approved]
    notes = []
    for code, t in translations.items():
        if not t.is_approved:
            notes.append(
                gettext(
                    "The %(language)s translation awaits approval: its readers see the "
                    "%(default)s text until Communications or a second translator approves it."
                )
                % {"language": language_name(code), "default": default_name}
            )
        elif missing := t.missing_fields():
            notes.append(
                gettext(
                    "The %(language)s translation is incomplete (no %(missing)s): those parts "
                    "show in %(default)s."
                )
                % {
                    "language": language_name(code),
                    "missing": listed([TEXT_NAMES[name] for name in missing]),
                    "default": default_name,
                }
            )
    untranslated = [
        code for code, _name in settings.LANGUAGES if code != default and code not in translations
    ]
    if untranslated:
        notes.append(
            gettext("No translation into %(languages)s: those readers see the %(default)s text.")
            % {"languages": _names(untranslated), "default": default_name}
        )
    return public, notes


def _counts(campaign: Campaign) -> str:
    progress = campaign_progress(campaign)
    parts = [f"{format_count(f.count)} {f.label}" for f in progress.figures]
    raised = progress.raised or {}
    if campaign.collects_donations and raised.get("total_minor"):
        currency = raised.get("currency") or campaign.fundraising_currency
        parts.append(
            gettext("%(amount)s %(currency)s raised")
            % {
                "amount": currencies.format_amount(raised["total_minor"], currency),
                "currency": currency,
            }
        )
    return listed(parts)


def _opens(campaign: Campaign) -> str:
    if campaign.kind == Kind.BDS:
        return gettext("Organisations can pledge commitments at once.")
    if campaign.kind == Kind.FUNDRAISER:
        return gettext("The donate button works at once.")
    return gettext("The sign form opens at once.")


def lifecycle_step(campaign: Campaign, action: str, *, now: datetime | None = None) -> Step:
    """What pressing `action` would do to `campaign` now, in sentences for the confirmation."""
    now = now or timezone.now()
    title = campaign.title
    step = Step(action=action, label=action_label(campaign, action))
    if ACTIONS[action] not in services.TRANSITIONS[campaign.status]:
        step.heading = step.label
        step.blocked = gettext("Not possible now: the campaign is %(status)s.") % {
            "status": campaign.get_status_display()
        }
        return step
    public, notes = language_report(campaign)
    if action == "publish":
        reopening = campaign.status == Status.CLOSED
        if reopening:
            step.heading = gettext("Reopen “%(title)s”?") % {"title": title}
            step.consequences.append(
                gettext("Reopens now in %(languages)s; everything collected so far is kept.")
                % {"languages": _names(public)}
            )
        else:
            step.heading = gettext("Publish “%(title)s” now?") % {"title": title}
            step.consequences.append(
                gettext("Goes live now in %(languages)s.") % {"languages": _names(public)}
            )
        step.consequences += notes
        step.consequences.append(_opens(campaign))
        if not reopening and campaign.launch_at and campaign.launch_at > now:
            step.consequences.append(
                gettext("Its launch time, %(when)s, is brought forward to now.")
                % {"when": when(campaign.launch_at)}
            )
        if campaign.close_at and campaign.close_at > now:
            step.consequences.append(
                gettext("It closes by itself on %(when)s.") % {"when": when(campaign.close_at)}
            )
        elif campaign.close_at:
            step.consequences.append(
                gettext(
                    "Its close time (%(when)s) has passed and is cleared: it stays open until "
                    "you close it."
                )
                % {"when": when(campaign.close_at)}
            )
        if campaign.launched_at is None:
            step.consequences.append(
                gettext("The Communications group is emailed that it launched.")
            )
        step.done = (
            gettext("“%(title)s” is open again.") if reopening else gettext("“%(title)s” is live.")
        ) % {"title": title}
    elif action == "schedule":
        step.heading = gettext("Schedule “%(title)s”?") % {"title": title}
        if campaign.launch_at is None or campaign.launch_at <= now:
            step.blocked = gettext(
                "Set a launch time in the future first (“Launch at”, in the Schedule section "
                "of the campaign's page), save, then schedule."
            )
            return step
        step.consequences.append(
            gettext("Goes live on %(when)s (in %(delay)s) in %(languages)s.")
            % {
                "when": when(campaign.launch_at),
                "delay": timeuntil(campaign.launch_at, now),
                "languages": _names(public),
            }
        )
        step.consequences += notes
        step.consequences.append(
            gettext(
                "Until then only staff see it; you can still publish it earlier or return it "
                "to draft."
            )
        )
        if campaign.close_at:
            step.consequences.append(
                gettext("It closes by itself on %(when)s.") % {"when": when(campaign.close_at)}
            )
        step.done = gettext("“%(title)s” is scheduled for %(when)s.") % {
            "title": title,
            "when": when(campaign.launch_at),
        }
    elif action == "close":
        step.heading = gettext("Close “%(title)s” now?") % {"title": title}
        counts = _counts(campaign)
        if campaign.kind == Kind.BDS:
            sentence = gettext(
                "Closes now: %(counts)s so far; new commitment pledges stop at once (the "
                "tracker stays public)."
            )
        elif campaign.kind == Kind.FUNDRAISER:
            sentence = gettext("Closes now: %(counts)s so far; the donate button goes at once.")
        else:
            sentence = gettext(
                "Closes now: %(counts)s so far; the sign form and the sign-on form stop at once."
            )
        step.consequences.append(sentence % {"counts": counts or "0"})
        if campaign.kind != Kind.FUNDRAISER and campaign.collects_donations:
            step.consequences.append(gettext("The donate button goes too."))
        step.consequences.append(
            gettext(
                "The page stays public with a notice that the campaign is closed; you can "
                "reopen it later."
            )
        )
        step.done = gettext("“%(title)s” is closed.") % {"title": title}
    else:  # draft
        step.heading = gettext("Return “%(title)s” to draft?") % {"title": title}
        if campaign.is_public(now):
            step.consequences.append(
                gettext(
                    "Returns to draft: the page, public since %(when)s, disappears from the "
                    "public at once."
                )
                % {"when": when(campaign.launch_at)}
            )
        else:
            step.consequences.append(
                gettext(
                    "Returns to draft: the launch planned for %(when)s is cancelled; nothing "
                    "becomes public."
                )
                % {"when": when(campaign.launch_at)}
            )
        step.consequences.append(
            gettext(
                "Its texts and anything collected are kept; you can schedule or publish it again."
            )
        )
        step.done = gettext("“%(title)s” is a draft again.") % {"title": title}
    return step


def status_line(
    campaign: Campaign, now: datetime | None = None, *, can_publish: bool = True
) -> str:
    """What the status means now, after its name: "Draft — only staff see it."."""
    now = now or timezone.now()
    if campaign.status == Status.SCHEDULED and campaign.launch_at:
        if campaign.launch_at <= now:
            return gettext("public since %(when)s.") % {"when": when(campaign.launch_at)}
        return gettext("goes live on %(when)s (in %(delay)s).") % {
            "when": when(campaign.launch_at),
            "delay": timeuntil(campaign.launch_at, now),
        }
    if campaign.status == Status.LIVE:
        if campaign.is_closed(now):
            return gettext("closed since %(when)s, its close time.") % {
                "when": when(campaign.close_at)
            }
        if campaign.launched_at:
            return gettext("public since %(when)s.") % {"when": when(campaign.launched_at)}
    if campaign.status == Status.CLOSED and campaign.closed_at:
        return gettext("closed on %(when)s; the page stays public.") % {
            "when": when(campaign.closed_at)
        }
    if (
        can_publish
        and campaign.status == Status.DRAFT
        and campaign.launch_at
        and campaign.launch_at > now
    ):
        return gettext(
            "only staff see it. Its launch time is %(when)s: press Schedule to launch it then."
        ) % {"when": when(campaign.launch_at)}
    if campaign.status == Status.DRAFT:
        return gettext("only staff see it.")
    return ""


class PhonePreviewForm(forms.Form):
    lang = forms.ChoiceField(choices=settings.LANGUAGES, required=False)


# The preview may be framed by the staff's own phone-sized page, and by nothing else.
PREVIEW_CSP = {**settings.SECURE_CSP, "frame-ancestors": [CSP.SELF]}


@admin.register(Campaign)
class CampaignAdmin(PublicPagesChange, admin.ModelAdmin):
    form = CampaignAdminForm
    change_form_template = "admin/campaigns/campaign/change_form.html"
    list_display = ["title", "slug", "kind", "status", "launch_at", "close_at", "launched_at"]
    list_filter = ["status", "kind", "default_language"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = [
        "status", "launched_at", "closed_at", "created_at", "updated_at", "hero_preview"
    ]  # fmt: skip
    filter_horizontal = ["targets"]
    inlines = [CampaignTranslationInline]
    actions = [
        _lifecycle_action(services.publish, _("Publish now")),
        _lifecycle_action(services.schedule, _("Schedule for the launch time")),
        _lifecycle_action(services.close, _("Close")),
        _lifecycle_action(services.unpublish_to_draft, _("Return to draft")),
    ]

    class Media:
        css = {"all": ["css/staff-campaigns.css"]}

    # Who sees what: translators see the campaign and change its translations only.

    def _translates_only(self, request) -> bool:
        user = request.user
        return not user.has_perm("campaigns.change_campaign") and access.is_translator(user)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) or self._translates_only(request)

    def has_publish_permission(self, request) -> bool:
        return access.may_publish(request.user)

    def get_fieldsets(self, request, obj=None):
        if self._translates_only(request):
            return [(None, {"fields": ["title", "kind", "default_language", "status"]})]
        kind = obj.kind if obj is not None else None
        goals: list = []
        if kind in (None, Kind.STATEMENT):
            goals.append("signature_goal")
        if kind in (None, Kind.STATEMENT, Kind.BDS):
            goals.append("organisation_goal")
        if kind in (None, Kind.BDS):
            goals.append("targets")
        money = ("fundraising_goal", "fundraising_currency")
        if kind == Kind.FUNDRAISER:
            goals.insert(0, money)
        fieldsets = [
            (None, {"fields": ["title", "slug", "kind", "default_language", "status"]}),
            (_("Texts"), {"fields": ["summary", "statement", "call_to_action"]}),
            (
                _("Hero image"),
                {"fields": ["hero_preview", "hero_upload", "hero_alt", "hero_remove"]},
            ),
        ]
        if goals:
            options = {"fields": goals}
            if obj is None:
                options["description"] = _(
                    "Once the campaign is saved, only the goals its kind uses are shown."
                )
            fieldsets.append((_("Goals"), options))
        if kind != Kind.FUNDRAISER:
            # A statement or a BDS drive may raise money too: folded away until it does.
            fundraising = {
                "fields": [money],
                "description": _(
                    "Optional: a fundraising goal adds a donate button and a fundraising bar "
                    "to the campaign page."
                ),
            }
            if obj is None or obj.fundraising_goal_minor is None:
                fundraising["classes"] = ["collapse"]
            fieldsets.append((_("Fundraising"), fundraising))
        fieldsets.append(
            (_("Schedule"), {"fields": ["launch_at", "close_at", "launched_at", "closed_at"]})
        )
        fieldsets.append(
            (
                _("After close"),
                {
                    "fields": ["keep_public_list", "anonymised_at"],
                    "description": _(
                        "Some time after the campaign closes, its signers' names, emails and "
                        "hashes are anonymised; the counts stay."
                    ),
                },
            )
        )
        return fieldsets

    def get_prepopulated_fields(self, request, obj=None):
        return (
            {} if self._translates_only(request) else super().get_prepopulated_fields(request, obj)
        )

    def get_readonly_fields(self, request, obj=None):
        if self._translates_only(request):
            return ["title", "kind", "default_language", "status"]
        fields = [*super().get_readonly_fields(request, obj), "anonymised_at"]
        # "Keep the public list" is a choice made before close: once closed it can only be
        # switched off, and once anonymisation started not at all.
        if obj is not None and (
            obj.anonymised_up_to_id is not None or (obj.is_closed() and not obj.keep_public_list)
        ):
            fields.append("keep_public_list")
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        if self._translates_only(request):
            kwargs.update(form=TranslatorCampaignForm, fields=[])
        return super().get_form(request, obj, change, **kwargs)

    # Saving.

    def save_model(self, request, obj, form, change):
        if self._translates_only(request):
            return  # the campaign itself is not theirs to change
        manifest = form.cleaned_data.get("hero_manifest")
        if manifest or form.cleaned_data.get("hero_remove"):
            hero.delete(obj.hero)
            obj.hero = manifest or {}
        super().save_model(request, obj, form, change)
        if change and "statement" in form.changed_data:
            # A signed statement never changes silently: pledges snapshots it as a version.
            services.statement_edited(obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is not CampaignTranslation:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)  # sets each new translation's campaign
        for translation_row in formset.deleted_objects:
            services.delete_translation(translation_row, by=request.user)
        deleted = set(formset.deleted_forms)
        for translation_form in formset.forms:
            if translation_form in deleted or not translation_form.has_changed():
                continue
            services.save_translation(
                translation_form.instance,
                by=request.user,
                text_changed=bool(set(translation_form.changed_data) - {"approve"}),
                approve=translation_form.cleaned_data.get("approve", False),
            )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Translations and targets included: stored public pages and the signing snapshots
        # (pledges/snapshots.py) go, on commit.
        pages.changed()

    @admin.display(description=_("Current hero image"))
    def hero_preview(self, obj):
        picture = hero.picture(obj.hero, obj.hero_alt)
        if not picture:
            return "—"
        return format_html('<img src="{}" alt="" width="240">', picture["fallback"])

    @admin.display(description=_("Fundraising goal"))
    def fundraising_goal(self, obj):
        """The goal as read-only staff see it: "50,000.00 EUR"."""
        if obj.fundraising_goal_minor is None or not obj.fundraising_currency:
            return "—"
        amount = currencies.format_amount(obj.fundraising_goal_minor, obj.fundraising_currency)
        return f"{amount} {obj.fundraising_currency}"

    # The campaign's own page: status, launch buttons, previews.

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "rtl_languages": " ".join(
                code for code, _name in settings.LANGUAGES if text_direction(code) == "rtl"
            ),
        }
        campaign = self.get_object(request, unquote(object_id)) if object_id else None
        if campaign is not None:
            extra_context.update(self._tools(request, campaign))
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _tools(self, request, campaign: Campaign) -> dict:
        pk = quote(campaign.pk)
        previews = []
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                url = reverse("admin:campaigns_campaign_preview", args=[pk])
            previews.append(
                {
                    "code": code,
                    "name": language_name(code),
                    "url": url,
                    "phone_url": reverse("admin:campaigns_campaign_phone", args=[pk])
                    + f"?lang={code}",
                }
            )
        buttons = []
        if access.may_publish(request.user):
            buttons = [
                {
                    "label": action_label(campaign, action),
                    "url": reverse("admin:campaigns_campaign_lifecycle", args=[pk, action]),
                    "action": action,
                }
                for action in available_actions(campaign)
            ]
        return {
            "status_line": status_line(campaign, can_publish=bool(buttons)),
            "lifecycle_buttons": buttons,
            "previews": previews,
            "default_language_name": language_name(campaign.default_language),
        }

    def get_urls(self):
        view = self.admin_site.admin_view
        preview = xframe_options_sameorigin(csp_override(PREVIEW_CSP)(self.preview_view))
        return [
            path(
                "<path:object_id>/lifecycle/<slug:action>/",
                view(require_http_methods(["GET", "HEAD", "POST"])(self.lifecycle_view)),
                name="campaigns_campaign_lifecycle",
            ),
            path(
                "<path:object_id>/preview/",
                view(require_http_methods(["GET", "HEAD"])(preview)),
                name="campaigns_campaign_preview",
            ),
            path(
                "<path:object_id>/phone/",
                view(require_http_methods(["GET", "HEAD"])(self.phone_view)),
                name="campaigns_campaign_phone",
            ),
            *super().get_urls(),
        ]

    def _campaign(self, request, object_id: str) -> Campaign:
        try:
            pk = int(unquote(object_id))
        except ValueError:
            raise Http404("No such campaign") from None
        campaign = (
            Campaign.objects.prefetch_related("translations", "targets").filter(pk=pk).first()
        )
        if campaign is None:
            raise Http404("No such campaign")
        if not self.has_view_or_change_permission(request, campaign):
            raise PermissionDenied
        return campaign

    def lifecycle_view(self, request: HttpRequest, object_id: str, action: str) -> HttpResponse:
        """A launch button's confirmation (GET) and its effect (POST)."""
        if action not in ACTIONS:
            raise Http404("No such action")
        if not access.may_publish(request.user):
            raise PermissionDenied
        campaign = self._campaign(request, object_id)
        change_url = reverse("admin:campaigns_campaign_change", args=[quote(campaign.pk)])
        step = lifecycle_step(campaign, action)
        if request.method == "POST":
            try:
                SERVICES[action](campaign, by=request.user)
            except InvalidTransition as exc:
                messages.error(
                    request,
                    gettext("Nothing changed: the campaign is %(status)s now.")
                    % {"status": exc.obj.get_status_display()},
                )
            except ValidationError as exc:
                messages.error(
                    request,
                    gettext("Nothing changed: %(reason)s") % {"reason": " ".join(exc.messages)},
                )
            else:
                messages.success(request, step.done)
            return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": campaign,
            "title": step.heading,
            "step": step,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/campaigns/campaign/lifecycle_confirm.html", context)

    def preview_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The public page as it will be, in the language of the address, with translations
        still awaiting approval. Never stored, never indexed; framed only by our own pages."""
        campaign = self._campaign(request, object_id)
        language = translation.get_language()
        draft = campaign.translation(language, drafts=True)
        if draft is not None and not draft.is_approved:
            messages.info(
                request,
                gettext(
                    "Draft translation: this %(language)s text awaits approval; until then "
                    "the public sees the %(default)s text."
                )
                % {
                    "language": language_name(language),
                    "default": language_name(campaign.default_language),
                },
            )
        response = render_campaign_page(
            request, campaign, extra={"content": campaign.content(language, drafts=True)}
        )
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def phone_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The preview in a 390×844 frame, the size of a common phone."""
        campaign = self._campaign(request, object_id)
        form = PhonePreviewForm(request.GET)
        language = (form.cleaned_data["lang"] if form.is_valid() else "") or (
            campaign.default_language
        )
        pk = quote(campaign.pk)
        with translation.override(language):
            src = reverse("admin:campaigns_campaign_preview", args=[pk])
        phone = reverse("admin:campaigns_campaign_phone", args=[pk])
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": campaign,
            "title": gettext("Phone-sized preview"),
            "language": language,
            "language_name_current": language_name(language),
            "src": src,
            "change_url": reverse("admin:campaigns_campaign_change", args=[pk]),
            "languages": [
                {
                    "code": code,
                    "name": language_name(code),
                    "url": f"{phone}?lang={code}",
                    "current": code == language,
                }
                for code, _name in settings.LANGUAGES
            ],
        }
        return TemplateResponse(request, "admin/campaigns/campaign/phone_preview.html", context)


@admin.register(TranslatorLanguage)
class TranslatorLanguageAdmin(admin.ModelAdmin):
    """Communications sets the languages each member of the Translators group translates."""

    list_display = ["user", "language"]
    list_filter = ["language"]
    search_fields = ["user__username"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = (
                get_user_model()
                .objects.filter(groups__name=TRANSLATORS, is_active=True)
                .order_by("username")
                .distinct()
            )
            kwargs["help_text"] = _(
                "Members of the Translators group (an administrator adds people to it)."
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
