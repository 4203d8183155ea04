"""Emails about cases, after the change commits. They say only that something happened on
case C000123 and where to read it: never what was reported, never who reported it. Nobody
without a Person record with an address is emailed, so an anonymous reporter never is."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string

from probity.apps.registers.notifications import person_email

logger = logging.getLogger(__name__)


def notify(*, template: str, recipients: Iterable, case) -> None:
    """Email each recipient (concerns/email/<template>.txt, subject on its first line)."""
    addresses = sorted({person_email(person) for person in recipients if person} - {""})
    if not addresses:
        return
    site = getattr(settings, "PROBITY_SITE_URL", "").rstrip("/")
    text = render_to_string(
        f"concerns/email/{template}.txt", {"reference": case.reference, "site": site}
    ).strip()
    subject, _, body = text.partition("\n")

    def send() -> None:
        for address in addresses:
            try:
                send_mail(" ".join(subject.split()), body.strip() + "\n", None, [address])
            except Exception:  # a mail outage must not undo a decision
                logger.exception("could not email about case %s", case.reference)

    transaction.on_commit(send)
