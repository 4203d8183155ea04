"""Reads of the audit trail: an object's history, and the check that no entry was changed,
removed or inserted since it was written."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from probity.apps.audit.chain import GENESIS_HASH
from probity.apps.audit.models import AuditChainHead, AuditEntry, object_type


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_broken_sequence: int | None = None
    reason: str = ""


def audit_entries_for(obj: models.Model) -> models.QuerySet[AuditEntry]:
    """Every entry about this object, oldest first."""
    return AuditEntry.objects.filter(object_type=object_type(obj), object_id=str(obj.pk)).order_by(
        "sequence"
    )


def audit_verify() -> VerifyResult:
    """Walk the chain from the first entry and report the first broken link: an entry whose
    content no longer matches its hash (changed), whose previous hash is not the hash of the
    entry before it (removed or inserted before it), a gap in the sequence numbers (removed),
    or a last entry that is not the one the chain head remembers (removed from the end)."""
    # The head first: entries appended while we walk are checked, but cannot hide a gap.
    head = AuditChainHead.objects.filter(pk=AuditChainHead.SINGLETON).first()
    expected_sequence, expected_previous = 1, GENESIS_HASH
    checked = 0
    for entry in AuditEntry.objects.order_by("sequence").iterator(chunk_size=2000):
        if entry.sequence != expected_sequence:
            missing = (
                f"#{expected_sequence}"
                if entry.sequence == expected_sequence + 1
                else f"#{expected_sequence}–#{entry.sequence - 1}"
            )
            return VerifyResult(
                False,
                checked,
                expected_sequence,
                f"entry {missing} is missing (the trail goes from "
                f"#{expected_sequence - 1} to #{entry.sequence})",
            )
        if entry.previous_hash != expected_previous:
            return VerifyResult(
                False,
                checked,
                entry.sequence,
                "its previous hash is not the hash of the entry before it "
                "(an entry before it was removed, replaced or inserted)",
            )
        if entry.computed_hash() != entry.hash:
            return VerifyResult(
                False,
                checked,
                entry.sequence,
                "its content does not match its hash (it was changed after it was written)",
            )
        checked += 1
        expected_sequence, expected_previous = entry.sequence + 1, entry.hash
    last_sequence = expected_sequence - 1
    if head is None:
        if checked:
            return VerifyResult(
                False, checked, None, "the chain head is missing, so the end cannot be checked"
            )
        return VerifyResult(True, 0)
    if head.last_sequence > last_sequence:
        missing = (
            f"#{last_sequence + 1}"
            if head.last_sequence == last_sequence + 1
            else f"#{last_sequence + 1}–#{head.last_sequence}"
        )
        return VerifyResult(
            False,
            checked,
            last_sequence + 1,
            f"entry {missing} is missing from the end (the chain head records "
            f"#{head.last_sequence} as the last entry)",
        )
    if head.last_sequence == last_sequence and head.last_hash != expected_previous:
        return VerifyResult(
            False,
            checked,
            last_sequence or None,
            "the last entry is not the one the chain head records (it was replaced)",
        )
    return VerifyResult(True, checked)
