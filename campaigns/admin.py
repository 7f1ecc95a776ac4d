from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from campaigns import hero, pages, services
from campaigns.models import Campaign, CampaignTranslation, Target


class CampaignTranslationInline(admin.StackedInline):
    model = CampaignTranslation
    extra = 0


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "headquarters_country"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "products"]

    # Campaign pages show their targets: stored pages go (on commit).
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        pages.changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        pages.changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        pages.changed()


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

    class Meta:
        model = Campaign
        fields = "__all__"  # noqa: DJ007 - the staff form edits every field of the campaign

    def clean_hero_upload(self):
        upload = self.cleaned_data.get("hero_upload")
        if upload:
            # Decoded and re-encoded here: a file Pillow cannot read is a form error.
            self.cleaned_data["hero_manifest"] = hero.process(upload)
        return upload


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    form = CampaignAdminForm
    list_display = ["title", "slug", "kind", "status", "launch_at", "close_at", "launched_at"]
    list_filter = ["status", "kind", "default_language"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = [
        "status", "launched_at", "closed_at", "created_at", "updated_at", "hero_preview"
    ]  # fmt: skip
    filter_horizontal = ["targets"]
    inlines = [CampaignTranslationInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "default_language", "status"]}),
        (_("Texts"), {"fields": ["summary", "statement", "call_to_action"]}),
        (
            _("Hero image"),
            {"fields": ["hero_preview", "hero_upload", "hero_alt", "hero_remove"]},
        ),
        (
            _("Goals"),
            {
                "fields": [
                    "signature_goal",
                    "organisation_goal",
                    "fundraising_goal_minor",
                    "fundraising_currency",
                    "targets",
                ]
            },
        ),
        (
            _("Schedule"),
            {"fields": ["launch_at", "close_at", "launched_at", "closed_at"]},
        ),
    ]
    actions = [
        _lifecycle_action(services.publish, _("Publish now")),
        _lifecycle_action(services.schedule, _("Schedule for the launch time")),
        _lifecycle_action(services.close, _("Close")),
        _lifecycle_action(services.unpublish_to_draft, _("Return to draft")),
    ]

    def has_publish_permission(self, request) -> bool:
        return request.user.has_perm("campaigns.publish_campaign")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Translations and targets included: stored public pages and the signing snapshots
        # (pledges/snapshots.py) go, on commit.
        pages.changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        pages.changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        pages.changed()

    @admin.display(description=_("Current hero image"))
    def hero_preview(self, obj):
        picture = hero.picture(obj.hero, obj.hero_alt)
        if not picture:
            return "—"
        return format_html('<img src="{}" alt="" width="240">', picture["fallback"])

    def save_model(self, request, obj, form, change):
        manifest = form.cleaned_data.get("hero_manifest")
        if manifest or form.cleaned_data.get("hero_remove"):
            hero.delete(obj.hero)
            obj.hero = manifest or {}
        super().save_model(request, obj, form, change)
        if change and "statement" in form.changed_data:
            # A signed statement never changes silently: pledges snapshots it as a version.
            services.statement_edited(obj)
