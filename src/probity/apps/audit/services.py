"""Writes to the audit trail.

    audit_record(actor=user, action="declaration.submitted", obj=declaration,
                 details={"register": "gifts"})

Call it inside the transaction that makes the change it records, as the last database step
before notifying anyone: it locks the chain head until that transaction ends, so keep what
follows it short. If the change rolls back, so does its entry.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from probity.apps.audit.chain import GENESIS_HASH, clean_details, entry_content, entry_hash
from probity.apps.audit.models import AuditChainHead, AuditEntry, object_type

ACTION = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")


def audit_record(
    *,
    actor: Any | None,
    action: str,
    obj: models.Model | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the chain: who (a user, or None for the system) did what to which
    object. `action` is "<thing>.<past tense>", e.g. "declaration.submitted". `details` is
    JSON with ids, not personal data; values under secret-looking keys (password, token, …)
    are replaced by "[redacted]"."""
    if not isinstance(action, str) or not ACTION.match(action) or len(action) > 100:
        raise ValueError(f'audit action must look like "declaration.submitted", not {action!r}')
    if details is not None and not isinstance(details, dict):
        raise TypeError("audit details must be a dict")
    actor = _user(actor)
    object_ref = _object_ref(obj)
    cleaned = clean_details(details or {})
    with transaction.atomic(savepoint=False):
        head = _locked_head()
        fields = {
            "sequence": head.last_sequence + 1,
            "recorded_at": timezone.now(),
            "actor_id": actor.pk if actor else None,
            "actor_username": actor.get_username() if actor else "",
            "action": action,
            "object_type": object_ref[0],
            "object_id": object_ref[1],
            "details": cleaned,
            "previous_hash": head.last_hash,
        }
        digest = entry_hash(entry_content(**fields))
        entry = AuditEntry(**fields, hash=digest)
        entry._insert()
        head.last_sequence, head.last_hash = entry.sequence, digest
        head.save(update_fields=["last_sequence", "last_hash"])
    return entry


def audit_view(request_or_user: Any, obj: models.Model, what: str) -> AuditEntry:
    """Record that someone saw personal data: `what` names what they saw, e.g. "declaration"
    becomes the action "declaration.viewed". From a view, pass the request (its path, not
    its query string, goes in the details)."""
    details: dict[str, Any] = {}
    if isinstance(request_or_user, HttpRequest):
        details["path"] = request_or_user.path
        user = getattr(request_or_user, "user", None)
    else:
        user = request_or_user
    action = what if what.endswith(".viewed") else f"{what}.viewed"
    return audit_record(actor=user, action=action, obj=obj, details=details)


def _user(actor: Any | None):
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None  # the system, or someone not signed in
    return actor


def _object_ref(obj: models.Model | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    if not isinstance(obj, models.Model) or obj.pk is None:
        raise ValueError("audit_record needs a saved model instance as obj (or None)")
    return object_type(obj), str(obj.pk)


def _locked_head() -> AuditChainHead:
    """The chain head, locked until the transaction ends (created on the first append)."""
    locked = AuditChainHead.objects.select_for_update()
    head = locked.filter(pk=AuditChainHead.SINGLETON).first()
    if head is not None:
        return head
    last = AuditEntry.objects.order_by("-sequence").only("sequence", "hash").first()
    try:
        with transaction.atomic():
            AuditChainHead.objects.create(
                pk=AuditChainHead.SINGLETON,
                last_sequence=last.sequence if last else 0,
                last_hash=last.hash if last else GENESIS_HASH,
            )
    except IntegrityError:
        pass  # another process created it first; wait for its lock below
    return locked.get(pk=AuditChainHead.SINGLETON)
