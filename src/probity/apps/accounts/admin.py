"""The admin site signs in through /sign-in, and asks staff for their second factor.

Staff and superusers must enter a code from their authenticator app (`needs_two_factor`), so the
admin site's own login page, which asks only for a password, is replaced by ours.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from probity.apps.accounts.models import ApiToken
from probity.apps.accounts.two_factor import two_factor_pending, two_factor_redirect

_has_permission = admin.site.has_permission


def _admin_has_permission(request) -> bool:
    return _has_permission(request) and not two_factor_pending(request.user)


def _admin_login(request, extra_context=None):
    next_url = request.GET.get("next") or reverse("admin:index")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("admin:index")
    if not request.user.is_authenticated:
        return redirect_to_login(next_url)
    if two_factor_pending(request.user):
        return two_factor_redirect(request, next_url)
    if _has_permission(request):
        return redirect(next_url)
    raise PermissionDenied("Only staff can use the admin site")


admin.site.has_permission = _admin_has_permission
admin.site.login = _admin_login


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read-only: people make and revoke their own tokens; staff can see them."""

    list_display = ("name", "user", "hint", "created", "last_used", "expires", "revoked")
    list_filter = ("revoked",)
    search_fields = ("name", "user__username")
    readonly_fields = ("user", "name", "hint", "created", "last_used", "expires", "revoked")
    exclude = ("token_hash",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
