"""Declarations, their workflow, routing and events; organisations' thresholds per kind.

Register keepers are office holders (people.OfficeHolder, office "register-keeper").

State changes happen only in services.py: the `status` field is protected, and each
transition method below only moves the state machine (django-fsm-2); the service around it
checks permission, locks the row, records the DeclarationEvent and the audit entry, and
sends the emails.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from probity.apps.registers.kinds import declaration_kinds
from probity.core.vocabulary import vocabulary


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    MORE_INFORMATION_REQUESTED = "more-information-requested", "More information requested"
    APPROVED = "approved", "Approved"
    APPROVED_WITH_CONDITIONS = "approved-with-conditions", "Approved with conditions"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"
    RECORDED = "recorded", "Recorded (no approval needed)"
    EXPIRED = "expired", "Expired"


OPEN_STATUSES = (Status.SUBMITTED, Status.MORE_INFORMATION_REQUESTED)
APPROVED_STATUSES = (Status.APPROVED, Status.APPROVED_WITH_CONDITIONS)
WITHDRAWABLE_STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.MORE_INFORMATION_REQUESTED)


class Declaration(ConcurrentTransitionMixin, models.Model):
    """One thing a person declares: the situation they described, the guidance outcome at the
    time, the clauses that required it, and where it stands in the workflow."""

    organisation = models.ForeignKey(
        "people.Organisation", on_delete=models.PROTECT, related_name="declarations"
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="declarations",
        help_text="The declarant.",
    )
    team = models.ForeignKey(
        "people.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="declarations",
        help_text="The declarant's team when they declared (registers filter by it).",
    )
    kind = models.CharField(max_length=40, help_text="A kind of data/declarations.yaml.")
    offer_declined = models.BooleanField(
        default=False, help_text="An offer that was declined: recorded, never approved."
    )
    situation = models.JSONField(help_text="The situation as the engine decided it.")
    outcome = models.JSONField(help_text="The engine's outcome at the time.")
    decision = models.CharField(max_length=20, help_text="The outcome's decision.")
    clauses = models.JSONField(default=list, help_text="Ids of the clauses that required it.")
    register = models.CharField(max_length=40, help_text="The record place it is entered in.")
    register_office = models.CharField(
        max_length=40, blank=True, help_text="The office that holds that register, if named."
    )
    description = models.TextField(blank=True)
    value_pence = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="Value in pence (exact; never a float)."
    )
    occurred_on = models.DateField(help_text="When it was offered, arose or happened.")
    declared_on = models.DateField(null=True, blank=True, help_text="When it was first submitted.")
    late = models.BooleanField(
        default=False, help_text="Declared after the organisation's time limit for its kind."
    )
    above_threshold = models.BooleanField(
        default=False,
        help_text="Above the organisation's refusal threshold: only a senior approver may "
        "approve it.",
    )
    needs_decision = models.BooleanField(
        default=True, help_text="False when it is recorded without approval."
    )
    status = FSMField(max_length=32, choices=Status.choices, default=Status.DRAFT, protected=True)
    decided_by = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="declarations_decided",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    conditions = models.TextField(blank=True)
    expires_on = models.DateField(
        null=True, blank=True, help_text="Last day a time-limited permission holds."
    )
    renews = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewals",
        help_text="The declaration this one renews.",
    )
    created_by = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="declarations_created",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    last_reminded_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ("-declared_on", "-id")
        indexes = (
            models.Index(
                fields=("organisation", "register", "-declared_on"), name="decl_org_register_date"
            ),
            models.Index(
                fields=("organisation", "team", "-declared_on"), name="decl_org_team_date"
            ),
            models.Index(
                fields=("organisation", "kind", "-declared_on"), name="decl_org_kind_date"
            ),
            models.Index(fields=("organisation", "status"), name="decl_org_status"),
            models.Index(fields=("person", "-created_at"), name="decl_person_created"),
            models.Index(fields=("status", "submitted_at"), name="decl_status_submitted"),
            models.Index(fields=("status", "expires_on"), name="decl_status_expires"),
        )
        constraints = (
            models.CheckConstraint(
                condition=Q(value_pence__isnull=True) | Q(value_pence__gte=0),
                name="decl_value_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(declared_on__isnull=True) | Q(declared_on__gte=models.F("occurred_on")),
                name="decl_declared_after_occurred",
            ),
        )

    def __str__(self) -> str:
        return f"{self.kind} declaration {self.pk} by {self.person} ({self.status})"

    # --- transitions: state only; services.py does everything around them -----------------

    @transition(
        field=status,
        source=(Status.DRAFT, Status.MORE_INFORMATION_REQUESTED),
        target=Status.SUBMITTED,
    )
    def submit(self) -> None:
        pass

    @transition(field=status, source=Status.SUBMITTED, target=Status.RECORDED)
    def record(self) -> None:
        pass

    @transition(field=status, source=Status.SUBMITTED, target=Status.APPROVED)
    def approve(self) -> None:
        pass

    @transition(field=status, source=Status.SUBMITTED, target=Status.APPROVED_WITH_CONDITIONS)
    def approve_with_conditions(self) -> None:
        pass

    @transition(field=status, source=Status.SUBMITTED, target=Status.REFUSED)
    def refuse(self) -> None:
        pass

    @transition(field=status, source=Status.SUBMITTED, target=Status.MORE_INFORMATION_REQUESTED)
    def request_information(self) -> None:
        pass

    @transition(field=status, source=WITHDRAWABLE_STATUSES, target=Status.WITHDRAWN)
    def withdraw(self) -> None:
        pass

    @transition(field=status, source=APPROVED_STATUSES, target=Status.EXPIRED)
    def expire(self) -> None:
        pass

    @property
    def value_gbp(self):
        """The value in pounds as an exact Decimal, or None."""
        return None if self.value_pence is None else Decimal(self.value_pence) / 100

    @property
    def kind_title(self) -> str:
        kind = declaration_kinds().get(self.kind)
        return kind.title if kind else self.kind

    @property
    def register_label(self) -> str:
        return vocabulary().record_places.get(self.register, self.register)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def approver(self):
        """The person the declaration is routed to for a decision, or None."""
        routing = next((r for r in self.routings.all() if r.decides), None)
        return routing.approver if routing else None


class Routing(models.Model):
    """An authority the outcome names, resolved to a real person in the organisation. The
    routing that `decides` is the approver; the others are told (e.g. the Secretary to the
    Board, who holds the Register of Gifts and Hospitality)."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="routings")
    authority = models.CharField(max_length=40)
    approver = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="routings",
        help_text="The person it went to; empty when nobody could be found.",
    )
    decides = models.BooleanField(default=False)
    vacant = models.BooleanField(default=False, help_text="The office named was vacant.")
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ("-decides", "id")
        constraints = (
            models.UniqueConstraint(
                fields=("declaration", "authority"), name="routing_one_per_authority"
            ),
            models.UniqueConstraint(
                fields=("declaration",),
                condition=Q(decides=True),
                name="routing_one_decider",
            ),
        )
        indexes = (models.Index(fields=("approver", "decides"), name="routing_approver"),)

    def __str__(self) -> str:
        return f"{self.declaration_id} → {self.authority}: {self.approver}"


class DeclarationEvent(models.Model):
    """Every transition (and reminder): who, when, from, to, why. Written once, never changed."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="declaration_events",
        help_text="Empty when the system acted (expiry, reminders).",
    )
    at = models.DateTimeField(default=timezone.now)
    transition = models.CharField(max_length=40)
    from_status = models.CharField(max_length=32, blank=True)
    to_status = models.CharField(max_length=32)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ("at", "id")
        indexes = (models.Index(fields=("declaration", "at"), name="event_declaration_at"),)

    def __str__(self) -> str:
        return f"{self.declaration_id}: {self.from_status} → {self.to_status} ({self.transition})"


class Threshold(models.Model):
    """An organisation's limits for one kind. They relax or tighten the workflow only where the
    codes leave room: a prohibited outcome stays prohibited, and a code that asks for
    permission still needs it, whatever the value."""

    organisation = models.ForeignKey(
        "people.Organisation", on_delete=models.CASCADE, related_name="thresholds"
    )
    kind = models.CharField(max_length=40)
    record_below_pence = models.PositiveBigIntegerField(
        null=True,
        blank=True,
        help_text="Below this value a declaration the code only asks to be declared is "
        "recorded without approval.",
    )
    refuse_above_pence = models.PositiveBigIntegerField(
        null=True,
        blank=True,
        help_text="Above this value it is refused unless the chief executive or a director "
        "approves it.",
    )
    declare_within_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="Declarations made later than this are flagged late."
    )
    source = models.CharField(
        max_length=200, blank=True, help_text="Where the figure comes from (policy, section)."
    )

    history = HistoricalRecords()

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("organisation", "kind"), name="threshold_per_kind"),
            models.CheckConstraint(
                condition=Q(record_below_pence__isnull=True)
                | Q(refuse_above_pence__isnull=True)
                | Q(refuse_above_pence__gte=models.F("record_below_pence")),
                name="threshold_refuse_above_record",
            ),
        )

    def __str__(self) -> str:
        return f"{self.organisation}: {self.kind} thresholds"


class DeclarationSubmission(models.Model):
    """The one-time key of a "Submit" button: a second press, a resubmitted form or a
    double click finds the declaration the first made instead of making another."""

    key = models.CharField(max_length=64, unique=True)
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="declaration_submissions"
    )
    declaration = models.OneToOneField(
        Declaration,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="submission",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    def __str__(self) -> str:
        return f"{self.key} → {self.declaration_id}"


class Campaign(models.Model):
    """An annual declaration campaign: everyone in scope (the whole organisation, or the
    teams named) confirms their interests or makes a nil return by the deadline."""

    organisation = models.ForeignKey(
        "people.Organisation", on_delete=models.CASCADE, related_name="campaigns"
    )
    name = models.CharField(max_length=200)
    deadline = models.DateField()
    teams = models.ManyToManyField(
        "people.Team",
        blank=True,
        related_name="campaigns",
        help_text="Leave empty for everyone in the organisation.",
    )
    opened_by = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campaigns_opened",
    )
    opened_at = models.DateTimeField(default=timezone.now, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-opened_at", "-id")
        indexes = (models.Index(fields=("organisation", "-opened_at"), name="campaign_org"),)

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class CampaignReturn(models.Model):
    """One person's answer to a campaign: their declared interests confirmed, or a nil
    return (nothing to declare)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="returns")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="campaign_returns"
    )
    team = models.ForeignKey(
        "people.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    nil_return = models.BooleanField(
        help_text="True: nothing to declare. False: the declarations listed are complete."
    )
    confirmed = models.JSONField(
        default=list, help_text="Ids of the declarations the person confirmed as current."
    )
    note = models.TextField(blank=True)
    made_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("campaign", "person"), name="campaign_one_return"),
        )

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.person_id} ({'nil' if self.nil_return else 'confirmed'})"


class CampaignReminder(models.Model):
    """A reminder sent to someone in scope who has not yet made their return."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="reminders")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=("campaign", "person", "sent_on"), name="campaign_reminder_once_a_day"
            ),
        )
