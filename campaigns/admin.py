from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from campaigns import pages, services
from campaigns.models import Campaign, CampaignTranslation, Target


class CampaignTranslationInline(admin.StackedInline):
    model = CampaignTranslation
    extra = 0


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "headquarters_country"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "products"]


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
            modeladmin.message_user(request, _("%(n)d campaign(s) updated.") % {"n": done})

    action.__name__ = f"action_{service.__name__}"
    return admin.action(description=label, permissions=["publish"])(action)


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "kind", "status", "launch_at", "close_at", "launched_at"]
    list_filter = ["status", "kind", "default_language"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["status", "launched_at", "closed_at", "created_at", "updated_at"]
    filter_horizontal = ["targets"]
    inlines = [CampaignTranslationInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "default_language", "status"]}),
        (_("Texts"), {"fields": ["summary", "statement", "call_to_action"]}),
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
        pages.changed()  # translations and targets included: stored public pages go

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "statement" in form.changed_data:
            # A signed statement never changes silently: pledges snapshots it as a version.
            services.statement_edited(obj)
