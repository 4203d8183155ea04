"""Signing in and out, the second factor, passwords and API tokens. Thin: forms check,
services change, templates speak."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, login, logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import user_has_device

from probity.apps.accounts import forms, oidc, selectors, services
from probity.apps.accounts.qr import qr_svg
from probity.apps.accounts.timewords import govuk_duration
from probity.apps.accounts.two_factor import (
    is_verified,
    needs_two_factor,
    two_factor_pending,
    two_factor_redirect,
    two_factor_required,
)


def _next_url(request: HttpRequest) -> str:
    """The page to go on to: `next` if it is on this site, else the home page."""
    candidate = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


# --- Signing in and out ---------------------------------------------------------------------


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    if request.method == "GET" and request.user.is_authenticated:
        if two_factor_pending(request.user):
            return two_factor_redirect(request, next_url)
        return redirect(next_url)
    form = forms.SignInForm(request.POST if request.method == "POST" else None, request=request)
    if form.is_valid():
        login(request, form.user)
        if two_factor_pending(form.user):
            return two_factor_redirect(request, next_url)
        return redirect(next_url)
    context = {
        "form": form,
        "next": request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, ""),
        "oidc_enabled": oidc.enabled(),
        "signed_out": request.GET.get("signed-out") == "1",
        "organisation_failed": request.GET.get("organisation") == "failed",
    }
    return render(request, "accounts/sign_in.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def sign_out(request: HttpRequest) -> HttpResponse:
    """GET asks to confirm (a link cannot sign anyone out); POST signs out."""
    if request.method == "POST":
        logout(request)
        return redirect(f"{reverse('accounts:sign-in')}?signed-out=1")
    if not request.user.is_authenticated:
        return redirect("accounts:sign-in")
    return render(request, "accounts/sign_out.html")


def _wrong_code(form: forms.CodeForm, locked_until) -> None:
    if locked_until and locked_until > timezone.now():
        wait = govuk_duration(locked_until - timezone.now())
        form.wrong_code(f"You entered a wrong code too many times. Wait {wait}, then try again")
    else:
        form.wrong_code()


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Enter the code from your authenticator app (once in each session)."""
    next_url = _next_url(request)
    if is_verified(request.user):
        return redirect(next_url)
    if not user_has_device(request.user):
        return two_factor_redirect(request, next_url)
    form = forms.CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        ok, locked_until = services.two_factor_verify(
            request=request, code=form.cleaned_data["code"]
        )
        if ok:
            return redirect(next_url)
        _wrong_code(form, locked_until)
    return render(request, "accounts/verify.html", {"form": form, "next": next_url})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code (or type the key), then enter a code."""
    next_url = _next_url(request)
    if user_has_device(request.user):
        # Adding an app needs the one already set up: otherwise a password alone could add one.
        if not is_verified(request.user):
            return two_factor_redirect(request, next_url)
        messages.info(request, "You have already set up an authenticator app.")
        return redirect("accounts:account")
    device = services.totp_device_start(user=request.user)
    form = forms.CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        ok, locked_until = services.totp_device_confirm(
            request=request, device=device, code=form.cleaned_data["code"]
        )
        if ok:
            return redirect(next_url)
        _wrong_code(form, locked_until)
    context = {
        "form": form,
        "next": next_url,
        "secret": selectors.totp_secret(device),
        "qr_code": qr_svg(
            selectors.totp_config_url(device), label="QR code to scan with your authenticator app"
        ),
        "required": needs_two_factor(request.user),
    }
    return render(request, "accounts/two_factor_setup.html", context)


# --- Your account ---------------------------------------------------------------------------


@never_cache
@two_factor_required
def account(request: HttpRequest) -> HttpResponse:
    context = {
        "has_device": user_has_device(request.user),
        "needs_two_factor": needs_two_factor(request.user),
        "tokens_active": selectors.tokens_for_user(user=request.user, usable_only=True).count(),
    }
    return render(request, "accounts/account.html", context)


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@never_cache
@two_factor_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    form = forms.PasswordChangeForm(
        request.user, request.POST if request.method == "POST" else None
    )
    if form.is_valid():
        services.password_change(request=request, form=form)
        messages.success(request, "Your password has been changed.")
        return redirect("accounts:account")
    return render(request, "accounts/password_change.html", {"form": form})


# --- API tokens -----------------------------------------------------------------------------


@never_cache
@two_factor_required
def tokens(request: HttpRequest) -> HttpResponse:
    rows = selectors.tokens_for_user(user=request.user)
    return render(request, "accounts/tokens.html", {"tokens": rows})


@never_cache
@two_factor_required
@require_http_methods(["GET", "POST"])
def token_new(request: HttpRequest) -> HttpResponse:
    form = forms.TokenForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        token, secret = services.token_create(
            user=request.user, name=form.cleaned_data["name"], lifetime=form.lifetime_delta
        )
        # Shown once, in this answer alone (never_cache: no-store): never kept, never put in
        # the session for a redirect.
        context = {"token": token, "secret": secret}
        return render(request, "accounts/token_created.html", context, status=201)
    return render(request, "accounts/token_new.html", {"form": form})


@never_cache
@two_factor_required
@require_http_methods(["GET", "POST"])
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(selectors.tokens_for_user(user=request.user), pk=token_id)
    if token.revoked:
        raise Http404("This token is already revoked")
    if request.method == "POST":
        services.token_revoke(actor=request.user, token_id=token.pk)
        messages.success(request, f"The token ‘{token.name}’ is revoked. It no longer works.")
        return redirect("accounts:tokens")
    return render(request, "accounts/token_revoke.html", {"token": token})
