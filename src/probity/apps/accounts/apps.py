from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "probity.apps.accounts"
    label = "accounts"
    verbose_name = "Accounts and signing in"

    def ready(self) -> None:
        from django.contrib.auth import signals

        from probity.apps.accounts import services

        signals.user_logged_in.connect(services.on_signed_in, dispatch_uid="accounts-signed-in")
        signals.user_login_failed.connect(
            services.on_sign_in_failed, dispatch_uid="accounts-sign-in-failed"
        )
        signals.user_logged_out.connect(services.on_signed_out, dispatch_uid="accounts-signed-out")
