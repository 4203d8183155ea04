"""Who must sign in with a second factor, and the decorator that makes them.

People who approve declarations or keep registers see what others have declared about
themselves, so a password alone is not enough for them: they must also enter a code from an
authenticator app (TOTP, django-otp) once in each session. Everyone else is never asked.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

APPROVERS = "Approvers"
REGISTER_KEEPERS = "Register keepers"
#: The groups whose members must use a second factor (created by migration 0002).
TWO_FACTOR_GROUPS = (APPROVERS, REGISTER_KEEPERS)
#: Any other group (or person) given this permission must use a second factor too.
TWO_FACTOR_PERMISSION = "accounts.require_two_factor"


def needs_two_factor(user) -> bool:
    """True for a signed-in person who must prove a second factor before protected pages:
    an Approver, a Register keeper, anyone given `accounts.require_two_factor`, and staff or
    superusers. False for everyone else, and for anyone not signed in."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff or user.is_superuser:
        return True
    if user.groups.filter(name__in=TWO_FACTOR_GROUPS).exists():
        return True
    return user.has_perm(TWO_FACTOR_PERMISSION)


def is_verified(user) -> bool:
    """The person entered a code from their authenticator app in this session."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def two_factor_pending(user) -> bool:
    return needs_two_factor(user) and not is_verified(user)


def two_factor_redirect(request, next_url: str):
    """Where someone who still owes a code goes: the code page, or setting up an app first."""
    page = "accounts:verify" if user_has_device(request.user) else "accounts:two-factor-setup"
    return redirect(f"{reverse(page)}?{urlencode({REDIRECT_FIELD_NAME: next_url})}")


def two_factor_required(view):
    """Decorate a view that only signed-in people may see, with a second factor if they need one.

    - not signed in: to the sign-in page, coming back here afterwards;
    - needs two-factor (`needs_two_factor`) and has not entered a code in this session: to
      /sign-in/verify, or to /account/two-factor/setup if they have no authenticator app yet;
      both come back here once the code is right;
    - anyone else: the view runs.

    It checks who the person is, not what they may do: check permissions in the view or service.
    For class-based views use `TwoFactorRequiredMixin` or `method_decorator(two_factor_required,
    name="dispatch")`.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if two_factor_pending(request.user):
            return two_factor_redirect(request, request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


class TwoFactorRequiredMixin:
    """`two_factor_required` for class-based views (put it first among the bases)."""

    @classmethod
    def as_view(cls, **initkwargs):
        return two_factor_required(super().as_view(**initkwargs))
