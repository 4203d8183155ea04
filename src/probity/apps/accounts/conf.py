"""Settings the accounts app reads from the environment, kept free of Django imports so that
`probity.web.settings` can call them while settings are still being built."""

from __future__ import annotations

from collections.abc import Mapping

#: Environment variable → mozilla-django-oidc setting. Single sign-on is on only when all are set.
OIDC_ENVIRONMENT = {
    "PROBITY_OIDC_CLIENT_ID": "OIDC_RP_CLIENT_ID",
    "PROBITY_OIDC_CLIENT_SECRET": "OIDC_RP_CLIENT_SECRET",
    "PROBITY_OIDC_AUTHORIZATION_ENDPOINT": "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "PROBITY_OIDC_TOKEN_ENDPOINT": "OIDC_OP_TOKEN_ENDPOINT",
    "PROBITY_OIDC_USER_ENDPOINT": "OIDC_OP_USER_ENDPOINT",
    "PROBITY_OIDC_JWKS_ENDPOINT": "OIDC_OP_JWKS_ENDPOINT",
}
OIDC_BACKEND = "probity.apps.accounts.oidc.OrganisationAccountBackend"


def _flag(value: str | None, default: bool) -> bool:
    if value is None or not value.strip():
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def oidc_settings(environ: Mapping[str, str]) -> dict:
    """The OIDC_* settings for single sign-on through the organisation's OpenID Connect provider.

    `OIDC_ENABLED` is True only when the client id, the secret and all four provider endpoints
    are set; otherwise no OIDC setting but `OIDC_ENABLED = False` is given, and the sign-in page
    offers only a username and password.

    PROBITY_OIDC_SIGN_ALGO          the ID token's signature algorithm (default RS256)
    PROBITY_OIDC_SCOPES             scopes to ask for (default "openid email profile")
    PROBITY_OIDC_CREATE_USERS       "0" to let in only people who already have an account
                                    (matched by email address); by default a first sign-in
                                    creates the account
    """
    values = {
        setting: environ.get(variable, "").strip() for variable, setting in OIDC_ENVIRONMENT.items()
    }
    if not all(values.values()):
        return {"OIDC_ENABLED": False}
    return {
        "OIDC_ENABLED": True,
        **values,
        "OIDC_RP_SIGN_ALGO": environ.get("PROBITY_OIDC_SIGN_ALGO", "").strip() or "RS256",
        "OIDC_RP_SCOPES": environ.get("PROBITY_OIDC_SCOPES", "").strip() or "openid email profile",
        "OIDC_CREATE_USER": _flag(environ.get("PROBITY_OIDC_CREATE_USERS"), True),
        "OIDC_AUTHENTICATION_CALLBACK_URL": "accounts:oidc-callback",
        "OIDC_USE_NONCE": True,
        "OIDC_STORE_ID_TOKEN": False,
    }
