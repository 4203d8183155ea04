"""Django admin for organisations, people and offices (register keepers' back office)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from probity.apps.people.models import (
    AdoptedCode,
    CodeRole,
    OfficeHolder,
    Organisation,
    Person,
    Team,
)


class AdoptedCodeInline(admin.TabularInline):
    model = AdoptedCode
    extra = 0


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0


class OfficeHolderInline(admin.TabularInline):
    model = OfficeHolder
    extra = 0
    autocomplete_fields = ("person",)


class CodeRoleInline(admin.TabularInline):
    model = CodeRole
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "is_demo")
    prepopulated_fields = {"slug": ("name",)}  # noqa: RUF012
    search_fields = ("name", "slug")
    inlines = (AdoptedCodeInline, TeamInline, OfficeHolderInline)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation")
    list_filter = ("organisation",)
    search_fields = ("name",)


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ("name", "staff_number", "organisation", "team", "line_manager", "active")
    list_filter = ("organisation", "active", "team")
    search_fields = ("name", "staff_number", "email")
    autocomplete_fields = ("line_manager", "user", "team")
    inlines = (CodeRoleInline,)


@admin.register(CodeRole)
class CodeRoleAdmin(SimpleHistoryAdmin):
    list_display = ("person", "code_id", "role")
    list_filter = ("code_id", "role")
    search_fields = ("person__name", "person__staff_number")
    autocomplete_fields = ("person",)


@admin.register(OfficeHolder)
class OfficeHolderAdmin(SimpleHistoryAdmin):
    list_display = ("office", "organisation", "person", "register")
    list_filter = ("organisation", "office")
    search_fields = ("person__name",)
    autocomplete_fields = ("person",)
