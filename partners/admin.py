"""Staff manage partners, issue and revoke tokens, and read the webhook delivery log."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

from partners import services
from partners.models import Partner, PartnerToken, WebhookDelivery, WebhookSubscription


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "ref", "created_at"]
    search_fields = ["name", "organisation", "ref"]
    filter_horizontal = ["campaigns"]


class PartnerTokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"),
        choices=PartnerToken.Scope.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = PartnerToken
        fields = ["partner", "name", "scopes"]


@admin.register(PartnerToken)
class PartnerTokenAdmin(admin.ModelAdmin):
    form = PartnerTokenForm
    list_display = ["name", "partner", "prefix", "scope_list", "created_at", "revoked_at"]
    list_filter = ["partner"]
    search_fields = ["name", "partner__name", "prefix"]
    actions = ["revoke"]

    @admin.display(description=_("scopes"))
    def scope_list(self, token: PartnerToken) -> str:
        return ", ".join(token.scopes)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["partner", "name", "scopes", "prefix", "created_at", "revoked_at"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["partner", "name", "scopes"]
        return ["partner", "name", "scopes", "prefix", "created_at", "revoked_at"]

    def save_model(self, request, obj, form, change):
        if change:
            return  # tokens are immutable; revoke and issue a new one instead
        token, raw = services.issue_token(
            obj.partner, name=obj.name, scopes=form.cleaned_data["scopes"], by=request.user
        )
        obj.pk = token.pk
        obj.token_hash, obj.prefix, obj.created_at = (
            token.token_hash,
            token.prefix,
            token.created_at,
        )
        obj._state.adding = False
        obj._raw_token = raw

    def response_add(self, request, obj, post_url_continue=None):
        # The raw token is shown on this one page and never stored.
        response = TemplateResponse(
            request,
            "api/admin/token_issued.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Token issued"),
                "token": obj,
                "raw_token": obj._raw_token,
                "opts": self.model._meta,
            },
        )
        add_never_cache_headers(response)
        return response

    @admin.action(description=_("Revoke selected tokens"), permissions=["change"])
    def revoke(self, request, queryset):
        for token in queryset:
            services.revoke_token(token, by=request.user)
        self.message_user(request, _("Tokens revoked."), messages.SUCCESS)


class WebhookDeliveryInline(admin.TabularInline):
    model = WebhookDelivery
    extra = 0
    can_delete = False
    fields = ["event_type", "status", "attempts", "response_status", "error", "created_at"]
    readonly_fields = fields
    ordering = ["-created_at"]
    max_num = 0


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["partner", "url", "campaign", "is_active", "consecutive_failures"]
    list_filter = ["is_active", "partner"]
    readonly_fields = ["consecutive_failures", "disabled_at", "created_at"]
    fields = ["partner", "url", "events", "campaign", "is_active", *readonly_fields]
    inlines = [WebhookDeliveryInline]

    def has_add_permission(self, request):
        return False  # partners subscribe through the API and receive the secret there


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["event_type", "subscription", "status", "attempts", "response_status"]
    list_filter = ["status", "event_type"]
    readonly_fields = [
        "subscription",
        "event_id",
        "event_type",
        "payload",
        "status",
        "attempts",
        "response_status",
        "error",
        "created_at",
        "delivered_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
