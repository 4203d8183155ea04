"""The page django-axes shows (AXES_LOCKOUT_CALLABLE) when sign-in is locked after failures."""

from __future__ import annotations

from django.db.models import Max
from django.shortcuts import render
from django.utils import timezone

from probity.apps.accounts.timewords import govuk_duration, govuk_time


def _locked_until(request, credentials):
    from axes.helpers import get_client_username, get_cool_off
    from axes.models import AccessAttempt

    cool_off = get_cool_off(request)
    if cool_off is None:
        return None
    username = get_client_username(request, credentials)
    latest = AccessAttempt.objects.filter(username=username).aggregate(Max("attempt_time"))
    last_failure = latest["attempt_time__max"] or timezone.now()
    return max(last_failure + cool_off, timezone.now())


def locked_out(request, original_response=None, credentials=None):
    """429 with a GOV.UK page that says when the person can try again (the same words whether
    or not the username exists)."""
    until = _locked_until(request, credentials)
    context = {
        "try_again_at": govuk_time(until) if until else None,
        "wait": govuk_duration(until - timezone.now()) if until else None,
    }
    return render(request, "accounts/locked_out.html", context, status=429)
