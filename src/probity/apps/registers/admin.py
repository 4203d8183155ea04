"""Django admin for declarations (read-only: their state changes only through services.py,
so that every change is permitted, locked, recorded as an event and audited) and thresholds."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from probity.apps.audit.admin import ReadOnlyAdmin
from probity.apps.registers.models import Declaration, DeclarationEvent, Routing, Threshold


class RoutingInline(admin.TabularInline):
    model = Routing
    extra = 0
    can_delete = False
    readonly_fields = ("authority", "approver", "decides", "vacant", "note", "created_at")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class DeclarationEventInline(admin.TabularInline):
    model = DeclarationEvent
    extra = 0
    can_delete = False
    readonly_fields = ("at", "actor", "transition", "from_status", "to_status", "reason")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Declaration)
class DeclarationAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ("pk", "kind", "person", "organisation", "register", "status", "declared_on")
    list_filter = ("status", "kind", "register", "organisation")
    search_fields = ("person__name", "person__staff_number", "description")
    list_select_related = ("person", "organisation")
    inlines = (RoutingInline, DeclarationEventInline)


@admin.register(Threshold)
class ThresholdAdmin(SimpleHistoryAdmin):
    list_display = (
        "organisation",
        "kind",
        "record_below_pence",
        "refuse_above_pence",
        "declare_within_days",
    )
    list_filter = ("organisation",)
