"""Reads for the accounts pages."""

from __future__ import annotations

from base64 import b32encode

from django_otp.plugins.otp_totp.models import TOTPDevice

from probity.apps.accounts.models import ApiToken


def tokens_for_user(*, user, usable_only: bool = False):
    rows = ApiToken.objects.filter(user=user)
    return rows.usable() if usable_only else rows


def totp_secret(device: TOTPDevice) -> str:
    """The key as people type it into an app: base32 in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_config_url(device: TOTPDevice) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return device.config_url
