"""Accounts: who must use a second factor (a permission), and personal API tokens.

Only a SHA-256 hash of an API token is kept: the token itself is shown once, when it is made,
and cannot be read back from the database.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.utils import timezone

TOKEN_PREFIX = "prb_"


def token_hash(token: str) -> str:
    """The SHA-256 hex digest kept in place of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


class Account(User):
    """The site's user, as the accounts app sees it: holds the accounts permissions."""

    class Meta:
        proxy = True
        default_permissions = ()
        permissions = (
            ("require_two_factor", "Must sign in with a code from an authenticator app"),
        )


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, *, now=None):
        """Tokens that still open the API: not revoked, not expired, of an active user."""
        now = now or timezone.now()
        return self.filter(revoked__isnull=True, user__is_active=True).filter(
            models.Q(expires__isnull=True) | models.Q(expires__gt=now)
        )


class ApiToken(models.Model):
    """A personal token that lets an integration call the API as its owner."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What the token is for, in the owner's words")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(
        max_length=12, editable=False, help_text="The token's first characters, to recognise it"
    )
    created = models.DateTimeField(default=timezone.now, editable=False)
    last_used = models.DateTimeField(null=True, blank=True, editable=False)
    expires = models.DateTimeField(null=True, blank=True)
    revoked = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ("-created",)
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires is not None and self.expires <= timezone.now()

    @property
    def status(self) -> str:
        if self.revoked:
            return "Revoked"
        if self.is_expired:
            return "Expired"
        return "Active"
