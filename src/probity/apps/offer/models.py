"""Flexible-working requests (hmpps-offer:flexible-working) and the arrangements agreed.

State changes happen only in services.py: `status` is protected and the transitions below only
move the state machine; the service checks permission, locks the row, audits and emails.
An agreed arrangement is kept in a structured form (pattern, hours, fixed rest days, term
time, dates) so that a rostering tool can honour it (selectors.agreed_arrangements).
"""

from __future__ import annotations

from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords


class Status(models.TextChoices):
    SUBMITTED = "submitted", "Waiting for a decision"
    APPROVED = "approved", "Approved"
    APPROVED_WITH_CHANGES = "approved-with-changes", "Approved with changes"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"


class WorkingPattern(models.Model):
    """What a pattern asks for or agrees: shared by requests and agreed arrangements."""

    pattern = models.CharField(
        max_length=40, help_text="An id from data/offer/flexible-working.yaml"
    )
    hours_per_week = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    fixed_rest_days = models.JSONField(
        default=list, blank=True, help_text='Weekday names, e.g. ["saturday", "sunday"]'
    )
    term_time = models.BooleanField(default=False, help_text="Works school terms only")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True, help_text="Blank: no end date")

    class Meta:
        abstract = True


class FlexibleWorkingRequest(ConcurrentTransitionMixin, WorkingPattern):
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="flexible_working_requests"
    )
    decider = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="flexible_working_to_decide",
        help_text="The line manager when the request was made.",
    )
    reason = models.TextField(help_text="How the pattern would work, in the applicant's words.")
    status = FSMField(
        max_length=32, choices=Status.choices, default=Status.SUBMITTED, protected=True
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    decide_by = models.DateField(help_text="The statutory time limit for the decision.")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="flexible_working_decided",
    )
    decision_reason = models.TextField(blank=True)
    reminded_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ("-submitted_at",)
        indexes = (models.Index(fields=["decider", "status"]),)

    def __str__(self) -> str:
        return f"Flexible working request {self.pk} ({self.pattern})"

    @transition(field=status, source=Status.SUBMITTED, target=Status.APPROVED)
    def approve(self) -> None:
        pass

    @transition(field=status, source=Status.SUBMITTED, target=Status.APPROVED_WITH_CHANGES)
    def approve_with_changes(self) -> None:
        pass

    @transition(field=status, source=Status.SUBMITTED, target=Status.REFUSED)
    def refuse(self) -> None:
        pass

    @transition(field=status, source=Status.SUBMITTED, target=Status.WITHDRAWN)
    def withdraw(self) -> None:
        pass


class AgreedArrangement(WorkingPattern):
    """The working arrangement a decision agreed, for rostering."""

    request = models.OneToOneField(
        FlexibleWorkingRequest, on_delete=models.PROTECT, related_name="arrangement"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="agreed_arrangements"
    )
    agreed_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ("start_date",)

    def __str__(self) -> str:
        return f"{self.pattern} from {self.start_date}"
