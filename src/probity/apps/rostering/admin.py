"""Django admin for what the detail office sets up: establishments with their shift types and
school holidays, rostered teams with their planners and demand, staff rostering details,
absences and shift requests. Rosters and swaps change only through the services (pages)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from probity.apps.rostering.models import (
    Absence,
    Demand,
    Establishment,
    RosteredTeam,
    ShiftRequest,
    ShiftType,
    StaffDetails,
)


class ShiftTypeInline(admin.TabularInline):
    model = ShiftType
    extra = 0


class DemandInline(admin.TabularInline):
    model = Demand
    extra = 0


@admin.register(Establishment)
class EstablishmentAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation")
    inlines = (ShiftTypeInline,)


@admin.register(RosteredTeam)
class RosteredTeamAdmin(admin.ModelAdmin):
    list_display = ("team", "establishment")
    filter_horizontal = ("planners",)
    inlines = (DemandInline,)


@admin.register(StaffDetails)
class StaffDetailsAdmin(SimpleHistoryAdmin):
    list_display = (
        "person",
        "grade",
        "contracted_hours",
        "opted_out_48h",
        "night_worker",
        "night_assessment_offered",
    )
    list_filter = ("grade", "night_worker", "hazardous_night_work", "night_work_advised_against")
    search_fields = ("person__name", "person__staff_number")


@admin.register(Absence)
class AbsenceAdmin(SimpleHistoryAdmin):
    list_display = ("person", "kind", "first_day", "last_day")
    list_filter = ("kind",)


@admin.register(ShiftRequest)
class ShiftRequestAdmin(admin.ModelAdmin):
    list_display = ("person", "on", "shift", "work", "weight")
