"""The audit trail in the Django admin (when the admin is installed): read only."""

from django.contrib import admin

from probity.apps.audit.models import AuditEntry


class ReadOnlyAdmin:
    """Mixed into an admin whose records change only through services (so that every change
    is permitted, recorded and audited): staff may look, never add, edit or delete."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = (
        "sequence",
        "recorded_at",
        "actor_username",
        "action",
        "object_type",
        "object_id",
    )
    list_filter = ("action", "object_type")
    search_fields = ("actor_username", "action", "object_id")
    ordering = ("-sequence",)
    readonly_fields = tuple(field.name for field in AuditEntry._meta.fields)
