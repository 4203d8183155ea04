"""Django admin for flexible-working requests and agreed arrangements: read-only, because
every change goes through services.py (permission, lock, audit, email)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from probity.apps.audit.admin import ReadOnlyAdmin
from probity.apps.offer.models import AgreedArrangement, FlexibleWorkingRequest


class ReadOnly(ReadOnlyAdmin, SimpleHistoryAdmin):
    pass


@admin.register(FlexibleWorkingRequest)
class FlexibleWorkingRequestAdmin(ReadOnly):
    list_display = ("pk", "person", "pattern", "status", "decider", "decide_by", "submitted_at")
    list_filter = ("status", "pattern")
    search_fields = ("person__name", "person__staff_number")
    list_select_related = ("person", "decider")


@admin.register(AgreedArrangement)
class AgreedArrangementAdmin(ReadOnly):
    list_display = ("pk", "person", "pattern", "hours_per_week", "start_date", "end_date")
    list_filter = ("pattern", "term_time")
    search_fields = ("person__name", "person__staff_number")
    list_select_related = ("person",)
