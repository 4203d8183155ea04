"""Single sign-on with the organisation's account (OpenID Connect, mozilla-django-oidc).

Switched on only when every PROBITY_OIDC_* setting is present (`conf.oidc_settings`); the
sign-in page then shows "Sign in with your organisation's account". The provider's answer comes
back to /sign-in/organisation/callback. People who need a second factor still enter a code from
their authenticator app afterwards.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView


def enabled() -> bool:
    return bool(getattr(settings, "OIDC_ENABLED", False))


class OrganisationAccountBackend(OIDCAuthenticationBackend):
    """Signs in the person whose verified email address the provider vouches for."""

    def verify_claims(self, claims) -> bool:
        # A provider that says the address is unverified cannot speak for its owner.
        return super().verify_claims(claims) and claims.get("email_verified", True) is not False

    def create_user(self, claims):
        email = claims.get("email", "").strip()
        username = email.lower()[:150]
        if self.UserModel.objects.filter(username=username).exists():
            username = self.get_username(claims)
        return self.UserModel.objects.create_user(
            username=username,
            email=email,
            first_name=claims.get("given_name", "")[:150],
            last_name=claims.get("family_name", "")[:150],
        )

    def update_user(self, user, claims):
        changed = []
        for field, claim in (("first_name", "given_name"), ("last_name", "family_name")):
            value = claims.get(claim, "")[:150]
            if value and getattr(user, field) != value:
                setattr(user, field, value)
                changed.append(field)
        if changed:
            user.save(update_fields=changed)
        return user


def start(request):
    """Send the person to their organisation's provider to sign in."""
    if not enabled():
        raise Http404("Single sign-on is not set up")
    return OIDCAuthenticationRequestView.as_view()(request)


class CallbackView(OIDCAuthenticationCallbackView):
    """The provider's answer: sign in, then ask for a code if this person needs one."""

    def login_success(self):
        from probity.apps.accounts.two_factor import two_factor_pending, two_factor_redirect

        response = super().login_success()
        if two_factor_pending(self.request.user):
            return two_factor_redirect(self.request, self.success_url)
        return response


def callback(request):
    if not enabled():
        raise Http404("Single sign-on is not set up")
    return CallbackView.as_view()(request)
