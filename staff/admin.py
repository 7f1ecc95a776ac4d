from django.contrib import admin

from staff.admin_readonly import ReadOnlyAdmin
from staff.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only for superusers, invisible to everyone else; nobody adds, edits or deletes."""

    list_display = ["created_at", "actor_username", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_username", "action", "object_id"]
    date_hierarchy = "created_at"
    actions = None

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser
