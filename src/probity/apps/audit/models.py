"""The audit trail: append-only entries in one hash chain, and the row that serialises appends.

Write entries only through services.audit_record. The model refuses to change or delete an
entry (save on an existing row, delete, and the queryset's update, delete and bulk_create all
raise AuditTrailAppendOnly), and the database refuses too (migration 0002: a trigger on
PostgreSQL refuses UPDATE and DELETE, on SQLite UPDATE). Whoever gets past both, with raw
access to the database, is caught by selectors.audit_verify: each entry's hash covers its
content and the previous entry's hash.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from probity.apps.audit.chain import entry_content, entry_hash


def object_type(obj: models.Model) -> str:
    """How entries name an object's model: "app_label.model", the same for a proxy model."""
    return obj._meta.concrete_model._meta.label_lower


class AuditTrailAppendOnly(Exception):
    """Someone tried to change or delete an audit entry."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditTrailAppendOnly("audit entries cannot be changed")

    def delete(self):
        raise AuditTrailAppendOnly("audit entries cannot be deleted")

    def bulk_create(self, *args, **kwargs):
        raise AuditTrailAppendOnly("audit entries are added one by one with audit_record()")

    def bulk_update(self, *args, **kwargs):
        raise AuditTrailAppendOnly("audit entries cannot be changed")

    def update_or_create(self, *args, **kwargs):
        raise AuditTrailAppendOnly("audit entries cannot be changed")


class AuditEntry(models.Model):
    sequence = models.PositiveBigIntegerField(unique=True, editable=False)
    recorded_at = models.DateTimeField(editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        # A person who acted stays on record: deactivate accounts, never delete them.
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    actor_username = models.CharField(max_length=150, blank=True, editable=False)
    action = models.CharField(max_length=100, db_index=True, editable=False)
    object_type = models.CharField(max_length=100, blank=True, editable=False)
    object_id = models.CharField(max_length=64, blank=True, editable=False)
    details = models.JSONField(default=dict, blank=True, editable=False)
    previous_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, unique=True, editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ("sequence",)
        indexes = (models.Index(fields=("object_type", "object_id", "sequence")),)
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        who = self.actor_username or "system"
        on = f" {self.object_type}#{self.object_id}" if self.object_type else ""
        return f"#{self.sequence} {self.action}{on} by {who}"

    def content(self) -> dict:
        """What the hash covers, from the values as they are now."""
        return entry_content(
            sequence=self.sequence,
            recorded_at=self.recorded_at,
            actor_id=self.actor_id,
            actor_username=self.actor_username,
            action=self.action,
            object_type=self.object_type,
            object_id=self.object_id,
            details=self.details,
            previous_hash=self.previous_hash,
        )

    def computed_hash(self) -> str:
        return entry_hash(self.content())

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditTrailAppendOnly(f"audit entry #{self.sequence} cannot be changed")
        raise AuditTrailAppendOnly("audit entries are added with audit_record(), not save()")

    def _insert(self) -> None:
        """For services.audit_record alone, which holds the chain lock and set the hash."""
        if not self._state.adding or self.hash != self.computed_hash():
            raise AuditTrailAppendOnly("audit entries are added with audit_record()")
        super().save(force_insert=True)

    def delete(self, *args, **kwargs):
        raise AuditTrailAppendOnly(f"audit entry #{self.sequence} cannot be deleted")


class AuditChainHead(models.Model):
    """One row (pk 1): the last entry's sequence and hash. Appends lock it, so two processes
    append one after the other; and audit_verify compares it with the last entry, so removing
    entries from the end of the trail is noticed too."""

    SINGLETON = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON)
    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"audit chain head at #{self.last_sequence}"
