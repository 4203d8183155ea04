from django.urls import path

from probity.apps.accounts import oidc, views

app_name = "accounts"

urlpatterns = [
    path("sign-in", views.sign_in, name="sign-in"),
    path("sign-in/verify", views.verify, name="verify"),
    path("sign-in/organisation", oidc.start, name="oidc-start"),
    path("sign-in/organisation/callback", oidc.callback, name="oidc-callback"),
    path("sign-out", views.sign_out, name="sign-out"),
    path("account", views.account, name="account"),
    path("account/password", views.password_change, name="password-change"),
    path("account/two-factor/setup", views.two_factor_setup, name="two-factor-setup"),
    path("account/tokens", views.tokens, name="tokens"),
    path("account/tokens/new", views.token_new, name="token-new"),
    path("account/tokens/<int:token_id>/revoke", views.token_revoke, name="token-revoke"),
]
