"""Encryption at rest of what people tell us: concern text, messages, notes, attachments.

Keys live outside the database: PROBITY_CONCERNS_KEYS (Fernet keys, comma-separated, the
first encrypts) or, if unset, the file PROBITY_HOME/concerns.keys (one key a line, created
with a new key on first use, readable by its owner only). Every key listed decrypts
(MultiFernet), so a key can be rotated: `probity concerns rotate-key` puts a new key first,
re-encrypts every stored value and file under it, then drops the old keys from the file.

`EncryptedTextField` stores a Fernet token and gives back the plain text; the database never
sees the text.
"""

from __future__ import annotations

import os
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.db import models

from probity.core.paths import home_folder

KEYS_ENV = "PROBITY_CONCERNS_KEYS"


class KeyMissing(RuntimeError):
    """Stored data cannot be decrypted with any key we hold."""


def keys_file() -> str:
    return os.path.join(home_folder(), "concerns.keys")


def keys_from_env() -> bool:
    return bool(os.environ.get(KEYS_ENV, "").strip())


def read_keys() -> list[bytes]:
    if keys_from_env():
        return [k.strip().encode() for k in os.environ[KEYS_ENV].split(",") if k.strip()]
    path = keys_file()
    if not os.path.exists(path):
        write_keys([Fernet.generate_key()])
    with open(path, "rb") as handle:
        return [line.strip() for line in handle if line.strip()]


def write_keys(keys: list[bytes]) -> None:
    """Replace the keys file (first key encrypts); atomic, owner-only."""
    path = keys_file()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temporary = f"{path}.new"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(b"\n".join(keys) + b"\n")
    os.replace(temporary, path)
    fernet.cache_clear()


@cache
def fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in read_keys()])


def encrypt(data: bytes) -> bytes:
    return fernet().encrypt(data)


def decrypt(token: bytes) -> bytes:
    try:
        return fernet().decrypt(token)
    except InvalidToken:
        raise KeyMissing(
            "Stored concern data cannot be decrypted with the keys held "
            f"({KEYS_ENV} or {keys_file()}): was a key removed before rotation finished?"
        ) from None


def rotate(token: bytes) -> bytes:
    return fernet().rotate(token)


def encrypt_text(text: str) -> str:
    return encrypt(text.encode()).decode() if text else ""


def decrypt_text(token: str) -> str:
    return decrypt(token.encode()).decode() if token else ""


class EncryptedTextField(models.TextField):
    """Text kept as a Fernet token; empty text stays empty (so "none given" is visible)."""

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        return decrypt_text(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return value
        return encrypt_text(value)
