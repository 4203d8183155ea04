"""Writes: making declarations and moving them through their workflow.

Every state change here is one function that checks permission, locks the declaration's row
(`select_for_update`) inside `transaction.atomic()`, moves the state machine, records a
DeclarationEvent (who, when, from, to, why) and an audit entry, and emails whoever must know
once the transaction has committed.

`actor` is whoever acts: a signed-in user (request.user) or their Person; None only for the
system itself (expiry, reminders, imports and demo data).

Errors: DeclarationStateError (the transition is not possible from where the declaration
stands: double submission, a second approval), DeclarationPermissionError (a PermissionDenied:
e.g. approving one's own declaration), DeclarationProhibited (the codes forbid it), and
django's ValidationError, by field, for bad input (impossible dates, negative values).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from probity.apps.audit.services import audit_record
from probity.apps.people.models import OfficeHolder, Organisation, Person
from probity.apps.people.offices import OUTSIDE_BODIES
from probity.apps.people.selectors import (
    authority_resolve,
    person_managers,
    person_roles,
    register_keepers,
    user_of,
)
from probity.apps.registers.kinds import (
    DeclarationKind,
    declaration_kind,
    declined_offer_register,
    kind_for_matter,
    manager_authority,
)
from probity.apps.registers.models import (
    APPROVED_STATUSES,
    Declaration,
    DeclarationEvent,
    Routing,
    Status,
    Threshold,
)
from probity.apps.registers.notifications import declaration_link, notify
from probity.core.engine import decide
from probity.core.errors import BadInput
from probity.core.vocabulary import vocabulary

SENIOR_OFFICES = ("chief-executive", "director")
DECLINED_OFFER_PLACES = ("contact-log", "formal-record")


class DeclarationError(Exception):
    """Something about a declaration that cannot be done."""


class DeclarationStateError(DeclarationError):
    """The declaration is not in a state that allows this (e.g. it was already submitted)."""


class DeclarationPermissionError(DeclarationError, PermissionDenied):
    """The actor may not do this to this declaration."""


class DeclarationProhibited(DeclarationError):
    """The codes forbid what is being declared; `outcome` says which clauses and what to do."""

    def __init__(self, message: str, *, outcome: dict):
        super().__init__(message)
        self.outcome = outcome


# --- creating --------------------------------------------------------------------------------


def declaration_create(
    *,
    person: Person,
    situation: dict,
    actor: Any | None,
    occurred_on: datetime.date,
    description: str = "",
    value_pence: int | Decimal | None = None,
    offer_declined: bool = False,
    kind: str | None = None,
    declared_on: datetime.date | None = None,
    renews: Declaration | None = None,
    submit: bool = False,
    today: datetime.date | None = None,
) -> Declaration:
    """Make a draft declaration (submitted at once with `submit=True`).

    `situation` is a guidance situation (matter and facts; its `roles` are replaced by the
    codes the person's CodeRoles bind). The engine decides it; the outcome and the clause ids
    are stored. A gift, hospitality or other thing the codes forbid is refused
    (DeclarationProhibited) unless `offer_declined`: a declined offer is recorded, on the
    contact log or formal record the outcome names. Routed to the authority the outcome
    names, resolved to a person (if the office is vacant, the next person up, and the
    register keeper is told).
    """
    today = today or timezone.localdate()
    actor_person = _person_of(actor)
    if (
        actor_person is not None
        and actor_person.pk != person.pk
        and not _keeps_any_register(actor_person, person.organisation)
    ):
        raise DeclarationPermissionError(
            "Only the person themselves, or a register keeper of their organisation, "
            "may make a declaration for them."
        )
    if not person.active:
        raise ValidationError({"person": f"{person.name} has left the organisation."})
    value_pence = _pence(value_pence)
    kind_obj, situation = _situation_for(person, situation, kind, value_pence)
    if value_pence is None:
        value_pence = _pence_from_facts(situation["facts"])
    occurred_on = _date("occurred_on", occurred_on)
    declared_on = _date("declared_on", declared_on) if declared_on is not None else None
    _check_dates(person, kind_obj, occurred_on, declared_on, today)
    if offer_declined and not kind_obj.is_offer:
        raise ValidationError(
            {"offer_declined": f"A {kind_obj.title.lower()} is not an offer that can be declined."}
        )
    outcome = _decide(situation)
    _refuse_prohibited(kind_obj, outcome, offer_declined)
    threshold = _threshold(person.organisation, kind_obj.id)
    register, register_office = _register_for(kind_obj, outcome, offer_declined)

    with transaction.atomic():
        declaration = Declaration(
            organisation=person.organisation,
            person=person,
            team=person.team,
            kind=kind_obj.id,
            offer_declined=offer_declined,
            situation=situation,
            outcome=outcome,
            decision=outcome["decision"],
            clauses=[citation["clause"] for citation in outcome["citations"]],
            register=register,
            register_office=register_office,
            description=description.strip(),
            value_pence=value_pence,
            occurred_on=occurred_on,
            declared_on=declared_on,
            needs_decision=_needs_decision(
                kind_obj, outcome, offer_declined, value_pence, threshold
            ),
            above_threshold=_above_threshold(value_pence, threshold),
            late=_late(occurred_on, declared_on, threshold),
            renews=renews,
            created_by=actor_person,
        )
        declaration._history_user = user_of(actor)
        declaration.save()
        routings = _route(declaration, kind_obj, outcome)
        _event(declaration, actor_person, "create", "", Status.DRAFT, "")
        audit_record(
            actor=user_of(actor),
            action="declaration.created",
            obj=declaration,
            details={
                "kind": declaration.kind,
                "decision": declaration.decision,
                "register": register,
                "approver": _decider_id(routings),
                "renews": renews.pk if renews else None,
            },
        )
        _tell_keepers_of_vacancies(declaration, routings)
    if submit:
        declaration_submit(declaration=declaration, actor=actor, today=today)
    return declaration


def declaration_update(
    *,
    declaration: Declaration,
    actor: Any | None,
    situation: dict | None = None,
    description: str | None = None,
    value_pence: int | Decimal | None = None,
    occurred_on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> Declaration:
    """The declarant changes a draft, or one sent back for more information: the engine
    decides again and the declaration is routed again."""
    today = today or timezone.localdate()
    actor_person = _person_of(actor)
    with transaction.atomic():
        locked = _lock(declaration)
        _require_declarant(locked, actor_person, "change")
        if locked.status not in (Status.DRAFT, Status.MORE_INFORMATION_REQUESTED):
            raise DeclarationStateError(
                f"Declaration {locked.pk} is {locked.get_status_display().lower()}: only a "
                "draft, or one sent back for more information, can be changed."
            )
        value = locked.value_pence if value_pence is None else _pence(value_pence)
        if situation is None:
            base = {key: item for key, item in locked.situation.items() if key != "roles"}
            if value_pence is not None:  # the new value replaces the one in the facts
                facts = {k: v for k, v in base.get("facts", {}).items() if k != "value_gbp"}
                base = {**base, "facts": facts}
        else:
            base = situation
            if value_pence is None and "value_gbp" in (situation.get("facts") or {}):
                value = None  # the situation's own value counts
        kind_obj, new_situation = _situation_for(locked.person, base, locked.kind, value)
        if value is None:
            value = _pence_from_facts(new_situation["facts"])
        locked.value_pence = value
        if occurred_on is not None:
            locked.occurred_on = _date("occurred_on", occurred_on)
        _check_dates(locked.person, kind_obj, locked.occurred_on, locked.declared_on, today)
        outcome = _decide(new_situation)
        _refuse_prohibited(kind_obj, outcome, locked.offer_declined)
        threshold = _threshold(locked.organisation, kind_obj.id)
        locked.situation = new_situation
        locked.outcome = outcome
        locked.decision = outcome["decision"]
        locked.clauses = [citation["clause"] for citation in outcome["citations"]]
        locked.register, locked.register_office = _register_for(
            kind_obj, outcome, locked.offer_declined
        )
        if description is not None:
            locked.description = description.strip()
        locked.needs_decision = _needs_decision(
            kind_obj, outcome, locked.offer_declined, locked.value_pence, threshold
        )
        locked.above_threshold = _above_threshold(locked.value_pence, threshold)
        locked._history_user = user_of(actor)
        locked.save()
        locked.routings.all().delete()
        routings = _route(locked, kind_obj, outcome)
        audit_record(
            actor=user_of(actor),
            action="declaration.changed",
            obj=locked,
            details={"decision": locked.decision, "approver": _decider_id(routings)},
        )
        _tell_keepers_of_vacancies(locked, routings)
    declaration.refresh_from_db()
    return declaration


def declaration_renew(
    *, declaration: Declaration, actor: Any | None, today: datetime.date | None = None
) -> Declaration:
    """A new draft that renews a time-limited permission (approved or expired), decided again
    under the codes as they are now and linked to the one it renews."""
    today = today or timezone.localdate()
    _require_declarant(declaration, _person_of(actor), "renew")
    if declaration.status not in (*APPROVED_STATUSES, Status.EXPIRED):
        raise DeclarationStateError(
            f"Declaration {declaration.pk} is {declaration.get_status_display().lower()}: only "
            "an approved or expired permission can be renewed."
        )
    situation = {key: value for key, value in declaration.situation.items() if key != "roles"}
    return declaration_create(
        person=declaration.person,
        situation=situation,
        actor=actor,
        occurred_on=today,
        description=declaration.description,
        value_pence=declaration.value_pence,
        offer_declined=declaration.offer_declined,
        kind=declaration.kind,
        renews=declaration,
        today=today,
    )


# --- the workflow ----------------------------------------------------------------------------


def declaration_submit(
    *,
    declaration: Declaration,
    actor: Any | None,
    information: str = "",
    today: datetime.date | None = None,
) -> Declaration:
    """The declarant submits a draft (or resubmits with the `information` asked for). What
    needs no decision (a declined offer; a token value below the organisation's threshold
    where the code only asks for it to be declared) is recorded at once."""
    today = today or timezone.localdate()
    actor_person = _person_of(actor)
    with transaction.atomic():
        locked = _lock(declaration)
        if actor is not None and not (
            actor_person is not None and actor_person.pk in (locked.person_id, locked.created_by_id)
        ):
            raise DeclarationPermissionError("Only the declarant may submit their declaration.")
        was = locked.status
        if was == Status.MORE_INFORMATION_REQUESTED and not information.strip():
            raise ValidationError(
                {"information": "Say what more you can tell the approver before resubmitting."}
            )
        _transition(locked, "submit", "submit")
        if locked.declared_on is None:
            locked.declared_on = today
            locked.late = _late(
                locked.occurred_on, today, _threshold(locked.organisation, locked.kind)
            )
        if was == Status.DRAFT:
            locked.submitted_at = timezone.now()
        if information.strip():
            locked.description = (
                f"{locked.description}\n\nMore information ({today:%d %B %Y}): "
                f"{information.strip()}"
            ).strip()
        events = [(was, Status.SUBMITTED, "submit", information.strip())]
        if not locked.needs_decision:
            _transition(locked, "record", "record")
            reason = (
                "An offer that was declined: recorded, no approval needed."
                if locked.offer_declined
                else "Recorded without approval."
            )
            events.append((Status.SUBMITTED, Status.RECORDED, "record", reason))
        _save(locked, actor)
        for source, target, name, why in events:
            _event(locked, actor_person, name, source, target, why)
            audit_record(
                actor=user_of(actor),
                action="declaration.submitted" if name == "submit" else "declaration.recorded",
                obj=locked,
                details={"from": source, "to": target, "late": locked.late},
            )
        _notify_submitted(locked, resubmitted=was != Status.DRAFT)
    declaration.refresh_from_db()
    return declaration


def declaration_approve(
    *,
    declaration: Declaration,
    actor: Any,
    conditions: str | None = None,
    expires_on: datetime.date | None = None,
    reason: str = "",
    today: datetime.date | None = None,
) -> Declaration:
    """The routed approver (or someone above them) approves, with conditions if given, and
    for a time-limited permission until `expires_on`. Above the organisation's refusal
    threshold only the Chief Executive or a director may approve (an override, recorded)."""
    today = today or timezone.localdate()
    conditions = (conditions or "").strip()
    if expires_on is not None:
        expires_on = _date("expires_on", expires_on)
        if expires_on < today:
            raise ValidationError({"expires_on": "A permission cannot end before today."})
    actor_person = _person_of(actor)
    with transaction.atomic():
        locked = _lock(declaration)
        override = ""
        if locked.above_threshold:
            if actor_person is not None and actor_person.pk == locked.person_id:
                raise DeclarationPermissionError("Nobody may decide their own declaration.")
            if not _is_senior(actor_person, locked.organisation):
                raise DeclarationPermissionError(
                    "Its value is above the organisation's limit for "
                    f"{locked.kind}: only the Chief Executive or a director may approve it."
                )
            override = "Approved above the organisation's limit by a senior approver."
        else:
            _require_decider(locked, actor_person)
        _require_state(locked, Status.SUBMITTED, "approved")
        name = "approve_with_conditions" if conditions else "approve"
        was = locked.status
        _transition(locked, name, "approve")
        locked.conditions = conditions
        locked.expires_on = expires_on
        locked.decided_by = actor_person
        locked.decided_at = timezone.now()
        _save(locked, actor)
        why = " ".join(filter(None, (reason.strip(), override)))
        _event(locked, actor_person, name, was, locked.status, why)
        audit_record(
            actor=user_of(actor),
            action=f"declaration.{'approved_with_conditions' if conditions else 'approved'}",
            obj=locked,
            details={
                "from": was,
                "to": locked.status,
                "expires_on": expires_on.isoformat() if expires_on else None,
                "override": bool(override),
            },
        )
        _notify_declarant(locked, "decided", actor_person, reason.strip())
    declaration.refresh_from_db()
    return declaration


def declaration_refuse(*, declaration: Declaration, actor: Any, reason: str) -> Declaration:
    """The routed approver (or someone above them) refuses, saying why."""
    return _decide_with_reason(
        declaration,
        actor,
        reason,
        name="refuse",
        action="declaration.refused",
        template="decided",
    )


def declaration_request_information(
    *, declaration: Declaration, actor: Any, reason: str
) -> Declaration:
    """The routed approver (or someone above them) sends it back asking for more
    information; the declarant adds it and submits again."""
    return _decide_with_reason(
        declaration,
        actor,
        reason,
        name="request_information",
        action="declaration.information_requested",
        template="information_requested",
    )


def declaration_withdraw(*, declaration: Declaration, actor: Any, reason: str = "") -> Declaration:
    """The declarant, and only they, withdraws a declaration not yet decided."""
    actor_person = _person_of(actor)
    with transaction.atomic():
        locked = _lock(declaration)
        _require_declarant(locked, actor_person, "withdraw")
        was = locked.status
        _transition(locked, "withdraw", "withdraw")
        _save(locked, actor)
        _event(locked, actor_person, "withdraw", was, locked.status, reason.strip())
        audit_record(
            actor=user_of(actor),
            action="declaration.withdrawn",
            obj=locked,
            details={"from": was, "to": locked.status},
        )
        if was != Status.DRAFT:
            notify(
                template="withdrawn",
                recipients=[_decider(locked)],
                context=_context(locked, reason=reason.strip()),
            )
    declaration.refresh_from_db()
    return declaration


def declaration_expire_due(*, today: datetime.date | None = None) -> list[Declaration]:
    """Expire every time-limited permission whose last day has passed; the declarant is told.
    Idempotent: an expired permission is not expired again."""
    today = today or timezone.localdate()
    due = Declaration.objects.filter(status__in=APPROVED_STATUSES, expires_on__lt=today)
    expired = []
    for pk in list(due.values_list("pk", flat=True).order_by("pk")):
        with transaction.atomic():
            locked = Declaration.objects.select_for_update().filter(pk=pk).first()
            if locked is None or locked.status not in APPROVED_STATUSES:
                continue  # someone else got there first
            if locked.expires_on is None or locked.expires_on >= today:
                continue
            was = locked.status
            _transition(locked, "expire", "expire")
            _save(locked, None)
            ended = f"Permission ended {locked.expires_on:%d %B %Y}."
            _event(locked, None, "expire", was, locked.status, ended)
            audit_record(
                actor=None,
                action="declaration.expired",
                obj=locked,
                details={"from": was, "to": locked.status},
            )
            notify(template="expired", recipients=[locked.person], context=_context(locked))
        expired.append(locked)
    return expired


def declarations_remind(
    *, days: int = 7, today: datetime.date | None = None
) -> dict[int, list[int]]:
    """Email each approver one list of the declarations submitted more than `days` days ago
    and still waiting for their decision (or the register keepers, where nobody could be
    routed). Idempotent: a declaration is reminded about at most once every `days` days, so
    running it twice in a day sends nothing the second time. Returns {person id: [declaration
    ids]} of the reminders sent."""
    if days < 1:
        raise ValidationError({"days": "Remind after at least one day."})
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=days)
    start_of_day_after_cutoff = timezone.make_aware(
        datetime.datetime.combine(cutoff + datetime.timedelta(days=1), datetime.time.min)
    )
    overdue = (
        Declaration.objects.filter(
            status=Status.SUBMITTED, submitted_at__lt=start_of_day_after_cutoff
        )
        .exclude(last_reminded_on__gt=cutoff)
        .select_related("person", "organisation")
        .prefetch_related("routings__approver")
        .order_by("pk")
    )
    by_person: dict[int, list[Declaration]] = defaultdict(list)
    people: dict[int, Person] = {}
    with transaction.atomic():
        for declaration in overdue:
            recipients = [_decider(declaration)]
            if recipients[0] is None:
                recipients = register_keepers(
                    organisation=declaration.organisation, register=declaration.register
                )
            reminded = False
            for person in recipients:
                if person is None:
                    continue
                people[person.pk] = person
                by_person[person.pk].append(declaration)
                reminded = True
            if not reminded:
                continue
            Declaration.objects.filter(pk=declaration.pk).update(last_reminded_on=today)
            _event(
                declaration,
                None,
                "remind",
                declaration.status,
                declaration.status,
                f"Reminded: waiting more than {days} days for a decision.",
            )
            audit_record(
                actor=None,
                action="declaration.reminded",
                obj=declaration,
                details={"days": days, "to": [p.pk for p in recipients if p is not None]},
            )
        for person_id, declarations in by_person.items():
            notify(
                template="reminder",
                recipients=[people[person_id]],
                context={"declarations": declarations, "days": days},
            )
    return {person_id: [d.pk for d in ds] for person_id, ds in by_person.items()}


# --- thresholds ------------------------------------------------------------------------------


def threshold_set(
    *,
    organisation: Organisation,
    kind: str,
    actor: Any | None,
    record_below_pence: int | Decimal | None = None,
    refuse_above_pence: int | Decimal | None = None,
    declare_within_days: int | None = None,
    source: str = "",
) -> Threshold:
    """Set an organisation's thresholds for one kind (a register keeper of the organisation,
    or the system). They never override what a code forbids."""
    actor_person = _person_of(actor)
    if actor is not None and not (
        getattr(actor, "is_superuser", False)
        or (actor_person and _keeps_any_register(actor_person, organisation))
    ):
        raise DeclarationPermissionError("Only a register keeper may set thresholds.")
    try:
        declaration_kind(kind)
    except KeyError:
        raise ValidationError({"kind": f"{kind!r} is not a kind of declaration."}) from None
    record_below = _pence(record_below_pence, field="record_below_pence")
    refuse_above = _pence(refuse_above_pence, field="refuse_above_pence")
    if record_below is not None and refuse_above is not None and refuse_above < record_below:
        raise ValidationError(
            {"refuse_above_pence": "The refusal limit must not be below the recording limit."}
        )
    if declare_within_days is not None and (
        isinstance(declare_within_days, bool)
        or not isinstance(declare_within_days, int)
        or declare_within_days < 0
    ):
        raise ValidationError({"declare_within_days": "Give a whole number of days, 0 or more."})
    with transaction.atomic():
        threshold = Threshold.objects.select_for_update().filter(
            organisation=organisation, kind=kind
        ).first() or Threshold(organisation=organisation, kind=kind)
        threshold.record_below_pence = record_below
        threshold.refuse_above_pence = refuse_above
        threshold.declare_within_days = declare_within_days
        threshold.source = source
        threshold._history_user = user_of(actor)
        threshold.save()
        audit_record(
            actor=user_of(actor),
            action="threshold.set",
            obj=threshold,
            details={
                "kind": kind,
                "record_below_pence": record_below,
                "refuse_above_pence": refuse_above,
                "declare_within_days": declare_within_days,
            },
        )
    return threshold


# --- who may do what -------------------------------------------------------------------------


def may_decide(person: Person | None, declaration: Declaration) -> bool:
    """The routed approver or anyone above them in line management, never the declarant.
    Where nobody could be routed, the Chief Executive or a director."""
    if person is None or person.pk == declaration.person_id or not person.active:
        return False
    if person.organisation_id != declaration.organisation_id:
        return False
    approver = _decider(declaration)
    if approver is None:
        return _is_senior(person, declaration.organisation)
    if approver.pk == person.pk:
        return True
    return any(manager.pk == person.pk for manager in person_managers(approver))


def _require_decider(declaration: Declaration, person: Person | None) -> None:
    if person is not None and person.pk == declaration.person_id:
        raise DeclarationPermissionError("Nobody may decide their own declaration.")
    if not may_decide(person, declaration) and not (
        declaration.above_threshold and _is_senior(person, declaration.organisation)
    ):
        raise DeclarationPermissionError(
            "Only the approver it was routed to, or someone above them, may decide "
            f"declaration {declaration.pk}."
        )


def _require_declarant(declaration: Declaration, person: Person | None, what: str) -> None:
    if person is None or person.pk != declaration.person_id:
        raise DeclarationPermissionError(f"Only the declarant may {what} their declaration.")


def _is_senior(person: Person | None, organisation: Organisation) -> bool:
    if person is None:
        return False
    return OfficeHolder.objects.filter(
        organisation=organisation, office__in=SENIOR_OFFICES, person=person
    ).exists()


def _keeps_any_register(person: Person, organisation: Organisation) -> bool:
    return OfficeHolder.objects.filter(
        organisation=organisation, office="register-keeper", person=person
    ).exists()


# --- helpers ---------------------------------------------------------------------------------


def _person_of(actor: Any | None) -> Person | None:
    if actor is None:
        return None
    if isinstance(actor, Person):
        return actor
    if not getattr(actor, "is_authenticated", False):
        raise DeclarationPermissionError("Sign in first.")
    try:
        return actor.person
    except Person.DoesNotExist:
        raise DeclarationPermissionError(
            "Your account is not linked to a person in any organisation."
        ) from None


def _lock(declaration: Declaration) -> Declaration:
    try:
        return Declaration.objects.select_for_update().get(pk=declaration.pk)
    except Declaration.DoesNotExist:
        raise DeclarationStateError(f"Declaration {declaration.pk} no longer exists.") from None


_PAST = {
    "submit": "submitted",
    "record": "recorded",
    "approve": "approved",
    "refuse": "refused",
    "request_information": "sent back for more information",
    "withdraw": "withdrawn",
    "expire": "expired",
}


def _transition(declaration: Declaration, method: str, verb: str) -> None:
    try:
        getattr(declaration, method)()
    except TransitionNotAllowed:
        raise DeclarationStateError(
            f"Declaration {declaration.pk} is {declaration.get_status_display().lower()}: it "
            f"cannot be {_PAST.get(verb, verb)} now."
        ) from None


def _require_state(declaration: Declaration, status: str, verb: str) -> None:
    if declaration.status != status:
        raise DeclarationStateError(
            f"Declaration {declaration.pk} is {declaration.get_status_display().lower()}: it "
            f"cannot be {verb} now."
        )


def _save(declaration: Declaration, actor: Any | None) -> None:
    declaration._history_user = user_of(actor)
    try:
        declaration.save()
    except ConcurrentTransition:
        raise DeclarationStateError(
            f"Declaration {declaration.pk} was changed by someone else at the same time; "
            "look at it again."
        ) from None


def _event(
    declaration: Declaration,
    actor: Person | None,
    name: str,
    source: str,
    target: str,
    reason: str,
) -> DeclarationEvent:
    return DeclarationEvent.objects.create(
        declaration=declaration,
        actor=actor,
        transition=name,
        from_status=source,
        to_status=target,
        reason=reason,
    )


def _decide_with_reason(
    declaration: Declaration, actor: Any, reason: str, *, name: str, action: str, template: str
) -> Declaration:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why, so the declarant knows what to do next."})
    actor_person = _person_of(actor)
    with transaction.atomic():
        locked = _lock(declaration)
        _require_decider(locked, actor_person)
        was = locked.status
        _transition(locked, name, name)
        if name == "refuse":
            locked.decided_by = actor_person
            locked.decided_at = timezone.now()
        _save(locked, actor)
        _event(locked, actor_person, name, was, locked.status, reason)
        audit_record(
            actor=user_of(actor),
            action=action,
            obj=locked,
            details={"from": was, "to": locked.status},
        )
        _notify_declarant(locked, template, actor_person, reason)
    declaration.refresh_from_db()
    return declaration


def _pence(value: Any, *, field: str = "value_pence") -> int | None:
    """Pence as an exact integer: an int or a whole Decimal, 0 or more; never a float."""
    if value is None or value == "":
        return None
    if isinstance(value, (bool, float)):
        raise ValidationError({field: "Give the value in whole pence (an integer), not a float."})
    if isinstance(value, str):
        try:
            value = Decimal(value)
        except InvalidOperation:
            raise ValidationError({field: f"{value!r} is not an amount of pence."}) from None
    if isinstance(value, Decimal):
        if not value.is_finite() or value != value.to_integral_value():
            raise ValidationError({field: "Give the value in whole pence."})
        value = int(value)
    if not isinstance(value, int):
        raise ValidationError({field: "Give the value in whole pence."})
    if value < 0:
        raise ValidationError({field: "A value cannot be negative."})
    return value


def _pence_from_facts(facts: dict) -> int | None:
    pounds = facts.get("value_gbp")
    if pounds is None:
        return None
    amount = Decimal(str(pounds)) * 100
    if amount < 0:
        raise ValidationError({"value_pence": "A value cannot be negative."})
    return int(amount.to_integral_value())


def _date(field: str, value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise ValidationError({field: f"{value!r} is not a date (YYYY-MM-DD)."}) from None
    raise ValidationError({field: "Give a date."})


def _check_dates(
    person: Person,
    kind: DeclarationKind,
    occurred_on: datetime.date,
    declared_on: datetime.date | None,
    today: datetime.date,
) -> None:
    errors: dict[str, str] = {}
    joined = person.start_date
    if occurred_on > today:
        errors["occurred_on"] = "The date it happened cannot be in the future."
    elif joined and occurred_on < joined and not kind.may_predate_joining:
        errors["occurred_on"] = (
            f"The date it happened cannot be before {person.name} joined ({joined:%d %B %Y})."
        )
    if declared_on is not None:
        if declared_on > today:
            errors["declared_on"] = "The date it was declared cannot be in the future."
        elif declared_on < occurred_on:
            errors["declared_on"] = "It cannot have been declared before it happened."
        elif joined and declared_on < joined:
            errors["declared_on"] = (
                f"It cannot have been declared before {person.name} joined ({joined:%d %B %Y})."
            )
    if errors:
        raise ValidationError(errors)


def _situation_for(
    person: Person, situation: dict, kind: str | None, value_pence: int | None
) -> tuple[DeclarationKind, dict]:
    """The situation the engine decides: the person's own roles, the kind's matter."""
    if not isinstance(situation, dict):
        raise ValidationError({"situation": "Give the situation as a JSON object."})
    matter = situation.get("matter")
    if kind is not None:
        try:
            kind_obj = declaration_kind(kind)
        except KeyError:
            raise ValidationError({"kind": f"{kind!r} is not a kind of declaration."}) from None
        if matter not in (None, kind_obj.matter):
            raise ValidationError(
                {"kind": f"A {kind} declaration is about {kind_obj.matter}, not {matter}."}
            )
    else:
        kind_obj = kind_for_matter(matter) if isinstance(matter, str) else None
        if kind_obj is None:
            raise ValidationError({"situation": f"Nobody declares {matter!r}: not a register."})
    roles = person_roles(person)
    if not roles:
        raise ValidationError(
            {"person": f"{person.name} has no role under any code their organisation adopts."}
        )
    facts = dict(situation.get("facts") or {})
    if value_pence is not None and "value_gbp" in vocabulary().matters[kind_obj.matter].facts:
        pounds = Decimal(value_pence) / 100
        given = facts.get("value_gbp")
        if given is not None and Decimal(str(given)) * 100 != value_pence:
            raise ValidationError(
                {"value_pence": f"The value £{pounds:.2f} differs from the situation's."}
            )
        facts["value_gbp"] = int(pounds) if pounds == pounds.to_integral_value() else float(pounds)
    return kind_obj, {"roles": roles, "matter": kind_obj.matter, "facts": facts}


def _decide(situation: dict) -> dict:
    try:
        return decide(situation)
    except BadInput as error:
        raise ValidationError({"situation": str(error)}) from None


def _refuse_prohibited(kind: DeclarationKind, outcome: dict, offer_declined: bool) -> None:
    if outcome["decision"] != "prohibited" or kind.nature == "report" or offer_declined:
        return
    clauses = ", ".join(citation["clause"] for citation in outcome["citations"])
    if outcome.get("questions"):
        unknown = ", ".join(question["fact"] for question in outcome["questions"])
        hint = f" Answering {unknown} may change that."
    else:
        hint = ""
    if kind.is_offer:
        message = (
            f"The codes forbid accepting this ({clauses}). Decline it, and record it as an "
            f"offer you declined.{hint}"
        )
    else:
        message = f"The codes forbid this ({clauses}); it cannot be permitted.{hint}"
    raise DeclarationProhibited(message, outcome=outcome)


def _register_for(kind: DeclarationKind, outcome: dict, offer_declined: bool) -> tuple[str, str]:
    """The record place and the office that holds it: the outcome's own, else the kind's."""
    records = [action for action in outcome["actions"] if action["do"] == "record"]
    if offer_declined:
        declined = [action for action in records if action.get("where") in DECLINED_OFFER_PLACES]
        if declined:
            return declined[0]["where"], (declined[0].get("to") or [""])[0]
        return declined_offer_register(kind, _applying_codes(outcome)), ""
    for action in records:
        if action.get("where") and action["where"] not in DECLINED_OFFER_PLACES:
            return action["where"], (action.get("to") or [""])[0]
    if records and records[0].get("where"):
        return records[0]["where"], (records[0].get("to") or [""])[0]
    return kind.register, ""


def _applying_codes(outcome: dict) -> list[str]:
    return [code for code, state in outcome["codes"].items() if state == "applies"]


def _threshold(organisation: Organisation, kind: str) -> Threshold | None:
    return Threshold.objects.filter(organisation=organisation, kind=kind).first()


def _needs_decision(
    kind: DeclarationKind,
    outcome: dict,
    offer_declined: bool,
    value_pence: int | None,
    threshold: Threshold | None,
) -> bool:
    """Whether an approver must decide it. A threshold only waives approval where the code
    asks for no more than a declaration: never for what needs permission or is forbidden."""
    if offer_declined:
        return False
    decision = outcome["decision"]
    if decision in ("permitted", "not-covered"):
        return kind.nature == "permission"  # asking permission always gets an answer
    token = (
        threshold is not None
        and threshold.record_below_pence is not None
        and value_pence is not None
        and value_pence < threshold.record_below_pence
    )
    return not (decision == "must-declare" and token)


def _above_threshold(value_pence: int | None, threshold: Threshold | None) -> bool:
    return bool(
        threshold is not None
        and threshold.refuse_above_pence is not None
        and value_pence is not None
        and value_pence > threshold.refuse_above_pence
    )


def _late(
    occurred_on: datetime.date, declared_on: datetime.date | None, threshold: Threshold | None
) -> bool:
    return bool(
        declared_on is not None
        and threshold is not None
        and threshold.declare_within_days is not None
        and (declared_on - occurred_on).days > threshold.declare_within_days
    )


@dataclass(frozen=True)
class _Target:
    authority: str
    decides: bool


def _targets(kind: DeclarationKind, outcome: dict, register_office: str) -> list[_Target]:
    """Who decides (the authority permission is sought from, else the first the outcome names
    other than the register's holder) and who is told (the rest, and the register's holder)."""
    named = [a for a in outcome["authority"] if a not in OUTSIDE_BODIES]
    asked = [
        authority
        for action in outcome["actions"]
        if action["do"] == "seek-permission"
        for authority in action.get("to") or []
        if authority not in OUTSIDE_BODIES
    ]
    others = [a for a in named if a != register_office]
    fallback = manager_authority(kind, _applying_codes(outcome))
    decider = (asked or others or named or [fallback])[0]
    told = [a for a in [*named, register_office] if a and a != decider]
    return [_Target(decider, True), *(_Target(a, False) for a in dict.fromkeys(told))]


def _route(declaration: Declaration, kind: DeclarationKind, outcome: dict) -> list[Routing]:
    routings = []
    for target in _targets(kind, outcome, declaration.register_office):
        resolution = authority_resolve(person=declaration.person, authority=target.authority)
        routings.append(
            Routing.objects.create(
                declaration=declaration,
                authority=target.authority,
                approver=resolution.person,
                decides=target.decides,
                vacant=resolution.vacant or resolution.person is None,
                note=resolution.note,
            )
        )
    return routings


def _decider_id(routings: list[Routing]) -> int | None:
    return next((r.approver_id for r in routings if r.decides), None)


def _decider(declaration: Declaration) -> Person | None:
    routing = (
        declaration.routings.filter(decides=True).select_related("approver").first()
        if not _prefetched(declaration, "routings")
        else next((r for r in declaration.routings.all() if r.decides), None)
    )
    return routing.approver if routing else None


def _prefetched(obj, name: str) -> bool:
    return name in getattr(obj, "_prefetched_objects_cache", {})


def _tell_keepers_of_vacancies(declaration: Declaration, routings: list[Routing]) -> None:
    keepers = register_keepers(organisation=declaration.organisation, register=declaration.register)
    for routing in routings:
        if routing.vacant:
            notify(
                template="vacant",
                recipients=keepers,
                context=_context(
                    declaration,
                    authority=routing.authority,
                    note=routing.note,
                    approver=routing.approver,
                ),
            )


def _context(declaration: Declaration, **extra: Any) -> dict:
    words = vocabulary()
    kind = declaration_kind(declaration.kind)
    authority = extra.pop("authority", "")
    return {
        "declaration": declaration,
        "kind_title": kind.title,
        "decision_label": words.decision_labels.get(declaration.decision, declaration.decision),
        "clauses": declaration.clauses,
        "value": f"{declaration.value_gbp:.2f}" if declaration.value_pence is not None else "",
        "status_label": declaration.get_status_display(),
        "register_label": words.record_places.get(declaration.register, declaration.register),
        "authority_label": words.authorities.get(authority, authority),
        "link": declaration_link(declaration),
        **extra,
    }


def _notify_submitted(declaration: Declaration, *, resubmitted: bool) -> None:
    """The approver is asked to decide; those told (the register's holder) hear once."""
    routings = list(declaration.routings.select_related("approver"))
    for routing in routings:
        if routing.approver is None:
            continue
        decides = routing.decides and declaration.status == Status.SUBMITTED
        if resubmitted and not decides:
            continue
        notify(
            template="submitted" if decides else "informed",
            recipients=[routing.approver],
            context=_context(
                declaration,
                authority=routing.authority,
                note=routing.note,
                vacant=routing.vacant,
                resubmitted=resubmitted,
            ),
        )
    if not any(r.decides and r.approver for r in routings) and declaration.needs_decision:
        notify(
            template="vacant",
            recipients=register_keepers(
                organisation=declaration.organisation, register=declaration.register
            ),
            context=_context(
                declaration,
                authority=next((r.authority for r in routings if r.decides), ""),
                note="Nobody could be found to decide it.",
                approver=None,
            ),
        )


def _notify_declarant(
    declaration: Declaration, template: str, actor: Person | None, reason: str
) -> None:
    notify(
        template=template,
        recipients=[declaration.person],
        context=_context(declaration, actor=actor, reason=reason),
    )
