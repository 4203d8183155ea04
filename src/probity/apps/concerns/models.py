"""Concerns and the cases made of them: messages, internal notes, evidence, the timeline,
site-access withdrawals and each organisation's deadlines.

What people tell us (concern text, names they give, messages, notes, reasons, replies) is in
EncryptedTextField columns; attachments are encrypted files outside the web root. An
anonymous report stores no account, IP address or user agent: its reporter is reachable only
through the receipt code (kept as a hash) and passphrase (a password hash).

State changes happen only in services.py: `status` is protected and each transition method
below only moves the state machine (django-fsm-2).
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from probity.apps.concerns.crypto import EncryptedTextField
from probity.core.concerns import concern_kinds, decisions, triage_outcomes


def kind_choices():
    return [(kind.id, kind.title) for kind in concern_kinds().values()]


def triage_choices():
    return list(triage_outcomes().items())


def decision_choices():
    return [(key, decision.title) for key, decision in decisions().items()]


class Status(models.TextChoices):
    RECEIVED = "received", "Received"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    ASSESSED = "assessed", "Assessed"
    INVESTIGATION = "investigation", "Under investigation"
    REPLY_RECORDED = "reply-recorded", "Right of reply recorded"
    DECIDED = "decided", "Decided"
    REVIEW_REQUESTED = "review-requested", "Review requested"
    REVIEW_DECIDED = "review-decided", "Review decided"
    CLOSED = "closed", "Closed"


OPEN_STATUSES = tuple(s for s in Status if s != Status.CLOSED)


class Treatment(models.TextChoices):
    NAMED = "named", "Named"
    CONFIDENTIAL = "confidential", "Confidential (only the case handler knows who I am)"
    ANONYMOUS = "anonymous", "Anonymous"


class ReceivedVia(models.TextChoices):
    ONLINE = "online", "Online"
    PHONE = "phone", "Phone"
    LETTER = "letter", "Letter"
    IN_PERSON = "in-person", "In person"


class ReviewOutcome(models.TextChoices):
    UPHELD = "upheld", "Decision upheld"
    OVERTURNED = "overturned", "Decision overturned"


class CaseDeadlines(models.Model):
    """An organisation's own deadlines, where they differ from data/concerns.yaml's."""

    organisation = models.OneToOneField(
        "people.Organisation", on_delete=models.CASCADE, related_name="case_deadlines"
    )
    acknowledge_days = models.PositiveSmallIntegerField(default=7)
    feedback_months = models.PositiveSmallIntegerField(default=3)

    class Meta:
        verbose_name_plural = "case deadlines"

    def __str__(self) -> str:
        return f"{self.organisation}: {self.acknowledge_days} days, {self.feedback_months} months"


class CaseRetention(models.Model):
    """How long an organisation keeps the content of one kind of case after closing, where
    its own policy differs from data/concerns.yaml's retention_days."""

    organisation = models.ForeignKey(
        "people.Organisation", on_delete=models.CASCADE, related_name="case_retention"
    )
    kind = models.CharField(max_length=40, choices=kind_choices)
    retention_days = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(36_500)],
        help_text="Days after the case closes before its content is deleted (figures stay).",
    )

    class Meta:
        verbose_name = "case retention period"
        constraints = (
            models.UniqueConstraint(fields=("organisation", "kind"), name="case_retention_once"),
        )

    def __str__(self) -> str:
        return f"{self.organisation}: {self.kind}, {self.retention_days} days"


class Case(ConcurrentTransitionMixin, models.Model):
    organisation = models.ForeignKey(
        "people.Organisation", on_delete=models.PROTECT, related_name="cases"
    )
    kind = models.CharField(max_length=40, choices=kind_choices)
    clauses = models.JSONField(default=list, help_text="Ids of the clauses that require it.")
    treatment = models.CharField(max_length=16, choices=Treatment.choices)
    received_via = models.CharField(
        max_length=16, choices=ReceivedVia.choices, default=ReceivedVia.ONLINE
    )
    reporter = models.ForeignKey(
        "people.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="concerns_reported",
        help_text="Empty for an anonymous report, and for a reporter outside the organisation.",
    )
    reporter_contact = EncryptedTextField(
        blank=True, help_text="Name and how to reach a reporter outside the organisation."
    )
    subject = models.ForeignKey(
        "people.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="concerns_about",
        help_text="The person it is about, when they are in the organisation.",
    )
    subject_description = EncryptedTextField(blank=True, help_text="Who, as the reporter said.")
    what = EncryptedTextField(help_text="What happened, in the reporter's words.")
    happened = EncryptedTextField(blank=True, help_text="When it happened, as the reporter said.")
    handler = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases_handled",
    )
    routing_note = models.TextField(blank=True, help_text="Why it went where it went.")
    logged_by = models.ForeignKey(
        "people.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases_logged",
    )
    status = FSMField(
        max_length=20, choices=Status.choices, default=Status.RECEIVED, protected=True
    )
    received_on = models.DateField(help_text="A date only: no time of day to match with logs.")
    acknowledge_by = models.DateField()
    feedback_by = models.DateField()
    acknowledged_on = models.DateField(null=True, blank=True)
    first_feedback_on = models.DateField(null=True, blank=True)
    escalated_on = models.DateField(null=True, blank=True)
    escalated_to = models.ForeignKey(
        "people.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases_escalated",
    )
    triage = models.CharField(max_length=32, choices=triage_choices, blank=True)
    triage_reasons = EncryptedTextField(blank=True)
    allegation = EncryptedTextField(
        blank=True, help_text="What is put to the subject (never who reported it)."
    )
    right_of_reply = EncryptedTextField(blank=True, help_text="The subject's reply.")
    right_of_reply_on = models.DateField(null=True, blank=True)
    decision = models.CharField(max_length=32, choices=decision_choices, blank=True)
    decision_reasons = EncryptedTextField(blank=True)
    establishment = models.CharField(max_length=200, blank=True)
    decided_by = models.ForeignKey(
        "people.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases_decided",
    )
    decided_on = models.DateField(null=True, blank=True)
    review_reasons = EncryptedTextField(blank=True)
    review_requested_on = models.DateField(null=True, blank=True)
    reviewer = models.ForeignKey(
        "people.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases_to_review",
    )
    review_outcome = models.CharField(max_length=16, choices=ReviewOutcome.choices, blank=True)
    review_decision_reasons = EncryptedTextField(blank=True)
    review_decided_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    content_deleted_on = models.DateField(
        null=True, blank=True, help_text="Retention removed the content; figures remain."
    )

    class Meta:
        ordering = ("-received_on", "-id")
        indexes = (
            models.Index(fields=("handler", "status", "acknowledge_by"), name="case_handler_queue"),
            models.Index(fields=("organisation", "status"), name="case_org_status"),
            models.Index(fields=("status", "feedback_by"), name="case_status_feedback"),
        )

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"C{self.pk:06d}" if self.pk else "C(new)"

    @property
    def is_anonymous(self) -> bool:
        return self.treatment == Treatment.ANONYMOUS

    @property
    def kind_title(self) -> str:
        kind = concern_kinds().get(self.kind)
        return kind.title if kind else self.kind

    @property
    def adverse_decision(self) -> bool:
        decision = decisions().get(self.decision)
        return bool(decision and decision.adverse)

    # --- transitions: state only; services.py does everything around them -----------------

    @transition(field=status, source=Status.RECEIVED, target=Status.ACKNOWLEDGED)
    def acknowledge(self) -> None:
        pass

    @transition(field=status, source=Status.ACKNOWLEDGED, target=Status.ASSESSED)
    def assess(self) -> None:
        pass

    @transition(field=status, source=Status.ASSESSED, target=Status.INVESTIGATION)
    def investigate(self) -> None:
        pass

    @transition(field=status, source=Status.INVESTIGATION, target=Status.REPLY_RECORDED)
    def record_reply(self) -> None:
        pass

    @transition(
        field=status, source=(Status.INVESTIGATION, Status.REPLY_RECORDED), target=Status.DECIDED
    )
    def decide(self) -> None:
        pass

    @transition(
        field=status, source=(Status.DECIDED, Status.CLOSED), target=Status.REVIEW_REQUESTED
    )
    def request_review(self) -> None:
        pass

    @transition(field=status, source=Status.REVIEW_REQUESTED, target=Status.REVIEW_DECIDED)
    def decide_review(self) -> None:
        pass

    @transition(
        field=status,
        source=(Status.ASSESSED, Status.DECIDED, Status.REVIEW_DECIDED),
        target=Status.CLOSED,
    )
    def close(self) -> None:
        pass


class AnonymousAccess(models.Model):
    """How an anonymous reporter comes back: the receipt code (SHA-256: it has 80 random bits,
    so a fast hash is safe and lets us find it) and their passphrase (a slow password hash)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="anonymous_access")
    code_digest = models.CharField(max_length=64, unique=True)
    passphrase_hash = models.CharField(max_length=200)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"anonymous access to {self.case}"


class CaseMessage(models.Model):
    """A message between the case handler and the reporter (both ways)."""

    class Direction(models.TextChoices):
        TO_REPORTER = "to-reporter", "To the reporter"
        FROM_REPORTER = "from-reporter", "From the reporter"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=16, choices=Direction.choices)
    author = models.ForeignKey(
        "people.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The handler who wrote it; empty for the reporter's own messages.",
    )
    body = EncryptedTextField()
    sent_on = models.DateField()
    created_at = models.DateTimeField(
        null=True, blank=True, help_text="Handlers' messages only: a reporter's has a date."
    )

    class Meta:
        ordering = ("sent_on", "id")
        indexes = (models.Index(fields=("case", "sent_on"), name="case_message_case"),)

    def __str__(self) -> str:
        return f"{self.case}: {self.get_direction_display()} on {self.sent_on}"


class CaseNote(models.Model):
    """An internal note: handlers and their managers only, never the reporter or subject."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        "people.Person", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = EncryptedTextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return f"note on {self.case}"


class CaseAttachment(models.Model):
    """Evidence: an encrypted file under PROBITY_HOME/concerns/attachments (never the web
    root), named by a random token; its type checked from its content."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        CaseMessage, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    filename = EncryptedTextField()
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    stored_name = models.CharField(max_length=64, unique=True)
    added_on = models.DateField()

    class Meta:
        ordering = ("added_on", "id")

    def __str__(self) -> str:
        return f"attachment {self.pk} of {self.case}"


class CaseEvent(models.Model):
    """The timeline: each transition, message, note, reassignment and escalation."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        "people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    event = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    on = models.DateField()

    class Meta:
        ordering = ("on", "id")

    def __str__(self) -> str:
        return f"{self.case}: {self.event}"


class CaseMember(models.Model):
    """Someone the handler added to a case, who then needs to know: a second handler (who
    handles it with them) or a named reviewer (who reads it and adds notes). Removing the
    row takes their access away."""

    class Role(models.TextChoices):
        CO_HANDLER = "co-handler", "Second handler"
        NAMED_REVIEWER = "named-reviewer", "Named reviewer"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="case_memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    added_by = models.ForeignKey(
        "people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_on = models.DateField()

    class Meta:
        ordering = ("added_on", "id")
        constraints = (models.UniqueConstraint(fields=("case", "person"), name="case_member_once"),)
        indexes = (models.Index(fields=("person", "case"), name="case_member_person"),)

    def __str__(self) -> str:
        return f"{self.person.name}: {self.get_role_display().lower()} on {self.case}"


class SiteAccessWithdrawal(models.Model):
    """Access to a site withdrawn by a case decision (MoJ problem.2); those who manage site
    access (permission concerns.view_siteaccesswithdrawal) see it on the person's record."""

    class Scope(models.TextChoices):
        ESTABLISHMENT = "establishment", "The establishment"
        ALL_MOJ_SITES = "all-moj-sites", "All MoJ sites"

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="site_access_withdrawals"
    )
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, related_name="site_access_withdrawals"
    )
    scope = models.CharField(max_length=16, choices=Scope.choices)
    establishment = models.CharField(max_length=200, blank=True)
    withdrawn_on = models.DateField()
    lifted_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ("-withdrawn_on", "id")

    def __str__(self) -> str:
        where = self.establishment if self.scope == self.Scope.ESTABLISHMENT else "all MoJ sites"
        return f"{self.person.name}: access to {where} withdrawn on {self.withdrawn_on}"
