"""Emails about declarations, through Django's email framework (EMAIL_BACKEND; the console
backend by default). Sent only once the transaction that made the change has committed, so a
change that rolls back never tells anyone; a failing mail server is logged, not raised."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

logger = logging.getLogger(__name__)


def person_email(person) -> str:
    if person is None:
        return ""
    if person.email:
        return person.email
    user = getattr(person, "user", None)
    return getattr(user, "email", "") or ""


def declaration_link(declaration) -> str:
    """The address of the declaration's page, once the registers pages exist."""
    try:
        path = reverse("registers:declaration", args=[declaration.pk])
    except NoReverseMatch:
        return ""
    return getattr(settings, "PROBITY_SITE_URL", "").rstrip("/") + path


def notify(*, template: str, recipients: Iterable, context: dict) -> None:
    """Email each person in `recipients` (people without an address are skipped) after the
    current transaction commits. `template` names registers/email/<template>.txt (or, with a
    slash, another app's template, e.g. offer/email/decided.txt), whose first line is the
    subject."""
    addresses = sorted({person_email(person) for person in recipients} - {""})
    if not addresses:
        return
    name = template if "/" in template else f"registers/email/{template}.txt"
    text = render_to_string(name, context).strip()
    subject, _, body = text.partition("\n")
    subject = " ".join(subject.split())

    def send() -> None:
        for address in addresses:  # one each: approvers never see each other's addresses
            try:
                send_mail(subject, body.strip() + "\n", None, [address])
            except Exception:  # a mail outage must not undo a decision
                logger.exception("could not email %s about %s", address, subject)

    transaction.on_commit(send)
