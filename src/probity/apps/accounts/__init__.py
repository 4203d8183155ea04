"""Accounts: signing in and out, roles that need a second factor, and personal API tokens.

Pages
    /sign-in                      username and password (django-axes locks a username for
                                  AXES_COOLOFF_TIME after AXES_FAILURE_LIMIT wrong tries, and
                                  says when to try again); "Sign in with your organisation's
                                  account" when OpenID Connect is set up (`conf.oidc_settings`)
    /sign-in/verify               the 6-digit code from an authenticator app
    /sign-out                     POST signs out (GET asks to confirm)
    /account                      your account; /account/password changes the password
    /account/two-factor/setup     QR code (inline SVG drawn here) and key, confirmed by a code
    /account/tokens               create, list and revoke personal API tokens

Who needs a second factor
    Members of the groups "Approvers" and "Register keepers" (made by migration 0002), anyone
    given the permission `accounts.require_two_factor`, and staff and superusers:
    `probity.apps.accounts.two_factor.needs_two_factor(user)`. Add a register's permissions to
    those groups in your own app's data migration (depend on
    ("accounts", "0002_two_factor_groups")) and look the groups up by the names
    `two_factor.APPROVERS` and `two_factor.REGISTER_KEEPERS`.

Protecting a page
    from probity.apps.accounts.two_factor import two_factor_required

    @two_factor_required
    def register(request): ...

    Someone not signed in goes to the sign-in page; someone who needs a second factor and has
    not entered a code in this session goes to /sign-in/verify (or, with no authenticator app
    yet, to /account/two-factor/setup) and comes back once the code is right; everyone else
    sees the page. It does not check permissions: do that in the view or service. For
    class-based views use `two_factor.TwoFactorRequiredMixin`.

Protecting an API operation
    from probity.apps.accounts.api_auth import TokenAuth

    router = Router(auth=TokenAuth())   # request.user is the token's owner; else 401

Tests
    django-axes needs the request when authenticating, so `client.login()` (which passes none)
    fails: use `client.force_login(user)`, or post to /sign-in. To act as a verified register
    keeper, use `tests.test_accounts.verified_client`-style code: force_login, then enter a
    code from the user's TOTPDevice at /sign-in/verify.
"""
