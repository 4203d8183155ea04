"""Account changes: API tokens, authenticator apps and the audit trail of signing in.

Each change is one function: check it is allowed, change the rows in a transaction, and write
an audit entry (through `probity.apps.audit` when that app is installed).
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

import django_otp
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from probity.apps.accounts.conf import OIDC_BACKEND
from probity.apps.accounts.models import TOKEN_PREFIX, ApiToken, token_hash

log = logging.getLogger("probity.accounts")

DEVICE_NAME = "Authenticator app"
#: How often `last_used` is written for a token in steady use.
LAST_USED_PRECISION = timedelta(minutes=1)


class TokenAlreadyRevoked(Exception):
    """The token was revoked before."""


def audit(*, actor, action: str, obj=None, details: dict | None = None) -> None:
    """Record an account event ("api_token.created") in the audit trail and the log."""
    log.info("%s by user %s", action, getattr(actor, "pk", None))
    if not apps.is_installed("probity.apps.audit"):
        return
    from probity.apps.audit.services import audit_record

    audit_record(actor=actor, action=action, obj=obj, details=details or {})


# --- API tokens -----------------------------------------------------------------------------


def token_create(*, user, name: str, lifetime: timedelta | None) -> tuple[ApiToken, str]:
    """A new token for `user`: returns the row and the token itself, which is never kept."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            token_hash=token_hash(secret),
            hint=secret[: len(TOKEN_PREFIX) + 4],
            created=now,
            expires=now + lifetime if lifetime else None,
        )
        audit(
            actor=user,
            action="api_token.created",
            obj=token,
            details={"expires": token.expires.isoformat() if token.expires else None},
        )
    return token, secret


def token_revoke(*, actor, token_id: int) -> ApiToken:
    """Revoke one of the actor's own tokens: it stops working at once."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token_id)
        if token.user_id != actor.pk:
            raise PermissionDenied("You can revoke only your own tokens")
        if token.revoked:
            raise TokenAlreadyRevoked(token.name)
        token.revoked = timezone.now()
        token.save(update_fields=["revoked"])
        audit(actor=actor, action="api_token.revoked", obj=token)
    return token


def token_authenticate(secret: str) -> ApiToken | None:
    """The usable token whose hash matches `secret`, marked as used; None otherwise."""
    if not secret or not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.usable().select_related("user").filter(token_hash=token_hash(secret))
    ).first()
    if token is None:
        return None
    now = timezone.now()
    if token.last_used is None or now - token.last_used >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
        token.last_used = now
    return token


# --- Authenticator apps (TOTP) --------------------------------------------------------------


def totp_device_start(*, user) -> TOTPDevice:
    """The unconfirmed authenticator app being set up (the same one until it is confirmed)."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("-pk")
            .first()
        )
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def _verified_in_session(request, device) -> None:
    # A new session key as the session gains a second factor, like signing in does.
    request.session.cycle_key()
    django_otp.login(request, device)


def _locked_until(device):
    """When `device` accepts codes again after repeated wrong ones (None: it does now)."""
    allowed, why = device.verify_is_allowed()
    return None if allowed else (why or {}).get("locked_until")


def totp_device_confirm(*, request, device: TOTPDevice, code: str):
    """Confirm a new authenticator app with a code it shows; the session is then verified.

    Returns (True, None), or (False, locked_until) as `two_factor_verify` does."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=request.user)
        if device.confirmed:
            return False, None
        locked_until = _locked_until(device)
        if not device.verify_token(code):
            return False, locked_until
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
        audit(actor=request.user, action="two_factor.enrolled", obj=device)
    _verified_in_session(request, device)
    return True, None


def two_factor_verify(*, request, code: str):
    """Check a code against the person's authenticator apps.

    Returns (True, None) and verifies the session when it is right; (False, locked_until) when
    it is not, where `locked_until` is set when the code was refused unread because of earlier
    wrong codes (django-otp doubles the wait after each one), and None otherwise.
    """
    locked_until = None
    for device in TOTPDevice.objects.devices_for_user(request.user, confirmed=True):
        # Refused without a look at the code while django-otp makes guessers wait.
        locked_until = _locked_until(device) or locked_until
        verified = django_otp.verify_token(request.user, device.persistent_id, code)
        if verified is not None:
            audit(actor=request.user, action="two_factor.verified", obj=verified)
            _verified_in_session(request, verified)
            return True, None
    audit(actor=request.user, action="two_factor.failed", obj=request.user)
    return False, locked_until


# --- Passwords -----------------------------------------------------------------------------


def password_change(*, request, form) -> None:
    """Save a valid PasswordChangeForm: signed in still here, signed out everywhere else."""
    from django.contrib.auth import update_session_auth_hash

    with transaction.atomic():
        user = form.save()
        audit(actor=user, action="account.password_changed", obj=user)
    update_session_auth_hash(request, user)


# --- Signing in and out (receivers of django.contrib.auth's signals; see apps.py) ------------


def on_signed_in(sender, request, user, **kwargs) -> None:
    how = "organisation" if getattr(user, "backend", "") == OIDC_BACKEND else "password"
    audit(actor=user, action="account.signed_in", obj=user, details={"with": how})


def on_sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    """A wrong password (or a locked-out username): the entry names the account tried, if it
    exists, by its id; what was typed is never recorded (it may be a mistyped password)."""
    from django.contrib.auth import get_user_model

    username = credentials.get("username")
    tried = get_user_model().objects.filter(username=username).first() if username else None
    locked = bool(request is not None and getattr(request, "axes_locked_out", False))
    audit(actor=None, action="account.sign_in_failed", obj=tried, details={"locked_out": locked})


def on_signed_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit(actor=user, action="account.signed_out", obj=user)
