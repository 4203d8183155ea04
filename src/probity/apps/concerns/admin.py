"""Django admin for each organisation's case deadlines and retention periods only. Cases,
messages, notes and evidence are deliberately not here: an administrator is not on a case's
need-to-know list, and the pages audit every opening. Site-access withdrawals are read on
/concerns/site-access by those given `concerns.view_siteaccesswithdrawal` (a permission
granted here, in Groups)."""

from django.contrib import admin

from probity.apps.concerns.models import CaseDeadlines, CaseRetention


@admin.register(CaseDeadlines)
class CaseDeadlinesAdmin(admin.ModelAdmin):
    list_display = ("organisation", "acknowledge_days", "feedback_months")


@admin.register(CaseRetention)
class CaseRetentionAdmin(admin.ModelAdmin):
    list_display = ("organisation", "kind", "retention_days")
    list_filter = ("organisation",)
