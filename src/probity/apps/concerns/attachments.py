"""Evidence files: their type read from their first bytes (never the name the sender gave),
a size limit, and encrypted storage under PROBITY_HOME/concerns/attachments, outside the web
root, each under a random name."""

from __future__ import annotations

import contextlib
import os
import secrets
import time
import zipfile
from io import BytesIO

from django.core.exceptions import ValidationError

from probity.apps.concerns import crypto
from probity.core.paths import home_folder

MAX_BYTES = 10 * 1024 * 1024
ALLOWED = "a PDF, JPG, PNG, Word document or plain text file"

_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def attachments_folder() -> str:
    path = os.path.join(home_folder(), "concerns", "attachments")
    os.makedirs(path, mode=0o700, exist_ok=True)
    return path


def sniff(content: bytes) -> str:
    """The file's type from its content, or "" when it is none we accept."""
    for magic, content_type in _MAGIC:
        if content.startswith(magic):
            return content_type
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(BytesIO(content)) as archive:
                if "word/document.xml" in archive.namelist():
                    return DOCX
        except zipfile.BadZipFile:
            return ""
        return ""
    if b"\x00" not in content:
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            return ""
        return "text/plain"
    return ""


def check_upload(name: str, content: bytes, *, field: str = "evidence") -> str:
    """The content type of an acceptable upload; a ValidationError naming the field if not."""
    if not content:
        raise ValidationError({field: f"The selected file {name} is empty"})
    if len(content) > MAX_BYTES:
        raise ValidationError(
            {field: f"The selected file {name} must be smaller than {MAX_BYTES // 1024 // 1024}MB"}
        )
    content_type = sniff(content)
    if not content_type:
        raise ValidationError(
            {field: f"The selected file {name} must be {ALLOWED} (its content says otherwise)"}
        )
    return content_type


def store(content: bytes) -> str:
    """Encrypt and store; the random name it is kept under."""
    stored_name = secrets.token_hex(16)
    path = os.path.join(attachments_folder(), stored_name)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(crypto.encrypt(content))
    return stored_name


def read(stored_name: str) -> bytes:
    with open(os.path.join(attachments_folder(), stored_name), "rb") as handle:
        return crypto.decrypt(handle.read())


def remove(stored_name: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.remove(os.path.join(attachments_folder(), stored_name))


def remove_unsent(known: set[str], *, dry_run: bool = False) -> int:
    """Remove files older than a day that no case holds: evidence of reports never sent."""
    folder = attachments_folder()
    cutoff = time.time() - 24 * 60 * 60
    unsent = [
        name
        for name in os.listdir(folder)
        if name not in known and os.path.getmtime(os.path.join(folder, name)) < cutoff
    ]
    if not dry_run:
        for name in unsent:
            remove(name)
    return len(unsent)


def rotate(stored_name: str) -> None:
    path = os.path.join(attachments_folder(), stored_name)
    with open(path, "rb") as handle:
        token = crypto.rotate(handle.read())
    temporary = f"{path}.new"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(token)
    os.replace(temporary, path)
