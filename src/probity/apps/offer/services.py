"""Flexible-working requests: apply, decide, withdraw, remind (hmpps-offer:flexible-working).

Each change: check permission → lock the row and move the state machine in a transaction →
audit_record → email (after commit), with the registers' notification helpers. Bad input
raises BadInput naming the field; a change the actor may not make raises PermissionDenied.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from probity.apps.audit.services import audit_record
from probity.apps.offer.models import AgreedArrangement, FlexibleWorkingRequest, Status
from probity.apps.offer.selectors import decider_for, may_decide
from probity.apps.people.models import Person
from probity.apps.registers.notifications import notify
from probity.core.errors import BadInput
from probity.core.flexible import WEEKDAYS, pattern_get

DEFAULT_DECISION_MONTHS = 2  # the statutory limit since April 2024, including any appeal
DECISIONS = {
    "approve": ("approve", "approved"),
    "approve-with-changes": ("approve_with_changes", "approved with changes"),
    "refuse": ("refuse", "refused"),
}
MAX_HOURS = Decimal(168)


def decision_months() -> int:
    """PROBITY_FLEXIBLE_WORKING_DECISION_MONTHS: the offer states no limit; the law does."""
    return int(
        getattr(settings, "PROBITY_FLEXIBLE_WORKING_DECISION_MONTHS", DEFAULT_DECISION_MONTHS)
    )


def decide_by_date(submitted: datetime.date) -> datetime.date:
    months = submitted.month - 1 + decision_months()
    year, month = submitted.year + months // 12, months % 12 + 1
    for day in (submitted.day, 30, 29, 28):  # 31 January + 1 month is 28 or 29 February
        try:
            return datetime.date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def flexible_working_apply(
    *,
    person: Person,
    pattern: str,
    start_date: datetime.date,
    reason: str,
    hours_per_week: Decimal | None = None,
    fixed_rest_days: list[str] = (),
    term_time: bool = False,
    end_date: datetime.date | None = None,
    today: datetime.date | None = None,
) -> FlexibleWorkingRequest:
    """A person asks their line manager for one of the offer's patterns."""
    today = today or timezone.localdate()
    details = _checked(pattern, hours_per_week, fixed_rest_days, term_time, start_date, end_date)
    if not (reason or "").strip():
        raise BadInput("reason", "Say how the pattern would work for you and your team")
    decider = decider_for(person)
    if decider is None:
        raise BadInput("person", "You have no line manager on record; ask HR to add one first")
    with transaction.atomic():
        request = FlexibleWorkingRequest(
            person=person,
            decider=decider,
            reason=reason.strip(),
            decide_by=decide_by_date(today),
            **details,
        )
        request._history_user = person.user
        request.save()
        audit_record(
            actor=person.user,
            action="flexible_working_request.submitted",
            obj=request,
            details={
                "pattern": pattern,
                "decider": decider.pk,
                "decide_by": str(request.decide_by),
            },
        )
        notify(
            template="offer/email/submitted.txt", recipients=[decider], context=_context(request)
        )
    return request


def flexible_working_decide(
    *,
    request: FlexibleWorkingRequest,
    actor: Any,
    decision: str,
    reason: str = "",
    changes: dict | None = None,
) -> FlexibleWorkingRequest:
    """The line manager approves, approves with changes (`changes`: the agreed pattern fields)
    or refuses with a reason. An approval stores the agreed arrangement."""
    if decision not in DECISIONS:
        raise BadInput("decision", f"must be one of {', '.join(DECISIONS)}, not {decision!r}")
    reason = (reason or "").strip()
    if decision != "approve" and not reason:
        raise BadInput("reason", "Say why, so the applicant knows what was decided and why")
    method, verb = DECISIONS[decision]
    decider = _person(actor)
    with transaction.atomic():
        locked = _lock(request)
        if not may_decide(decider, locked):
            raise PermissionDenied("Only the applicant's line manager can decide this request.")
        agreed = _agreed(locked, changes if decision == "approve-with-changes" else None)
        was = locked.status
        _transition(locked, method, verb)
        locked.decided_by = decider
        locked.decided_at = timezone.now()
        locked.decision_reason = reason
        _save(locked, decider.user)
        if decision != "refuse":
            AgreedArrangement.objects.create(request=locked, person=locked.person, **agreed)
        audit_record(
            actor=decider.user,
            action=f"flexible_working_request.{locked.status.replace('-', '_')}",
            obj=locked,
            details={"from": was, "to": locked.status, "agreed": _plain(agreed)},
        )
        notify(
            template="offer/email/decided.txt", recipients=[locked.person], context=_context(locked)
        )
    return locked


def flexible_working_withdraw(*, request: FlexibleWorkingRequest, actor: Any):
    person = _person(actor)
    with transaction.atomic():
        locked = _lock(request)
        if locked.person_id != person.pk:
            raise PermissionDenied("Only the applicant can withdraw a request.")
        _transition(locked, "withdraw", "withdrawn")
        _save(locked, person.user)
        audit_record(
            actor=person.user,
            action="flexible_working_request.withdrawn",
            obj=locked,
            details={"to": locked.status},
        )
        notify(
            template="offer/email/withdrawn.txt",
            recipients=[locked.decider],
            context=_context(locked),
        )
    return locked


def flexible_working_remind(*, days_before: int = 14, today: datetime.date | None = None):
    """Email each line manager the requests whose time limit falls within `days_before` days
    (or has passed). Idempotent: at most one reminder a request a day. Returns the ids."""
    today = today or timezone.localdate()
    due = (
        FlexibleWorkingRequest.objects.filter(
            status=Status.SUBMITTED, decide_by__lte=today + datetime.timedelta(days=days_before)
        )
        .exclude(reminded_on=today)
        .select_related("person", "decider")
        .order_by("decide_by")
    )
    by_decider: dict[int, list[FlexibleWorkingRequest]] = {}
    with transaction.atomic():
        for request in due:
            by_decider.setdefault(request.decider_id, []).append(request)
            FlexibleWorkingRequest.objects.filter(pk=request.pk).update(reminded_on=today)
            audit_record(
                actor=None,
                action="flexible_working_request.reminded",
                obj=request,
                details={"decide_by": str(request.decide_by), "to": request.decider_id},
            )
        for requests in by_decider.values():
            notify(
                template="offer/email/reminder.txt",
                recipients=[requests[0].decider],
                context={
                    "requests": requests,
                    "today": today,
                    "link": _site(reverse("offer:flexible_to_decide")),
                },
            )
    return [request.pk for requests in by_decider.values() for request in requests]


# --- helpers ---------------------------------------------------------------------------------


def _checked(pattern, hours_per_week, fixed_rest_days, term_time, start_date, end_date) -> dict:
    pattern_get(pattern)  # BadInput("pattern") names the patterns the offer lists
    if hours_per_week is not None and not Decimal(0) < hours_per_week <= MAX_HOURS:
        raise BadInput("hours_per_week", f"must be more than 0 and at most {MAX_HOURS}")
    known_days = dict(WEEKDAYS)
    for day in fixed_rest_days:
        if day not in known_days:
            raise BadInput("fixed_rest_days", f"{day!r} is not a day of the week")
    if len(set(fixed_rest_days)) == len(known_days):
        raise BadInput("fixed_rest_days", "leave at least one day to work")
    if end_date is not None and end_date < start_date:
        raise BadInput("end_date", "must be on or after the start date")
    ordered = [day for day in known_days if day in set(fixed_rest_days)]
    return {
        "pattern": pattern,
        "hours_per_week": hours_per_week,
        "fixed_rest_days": ordered,
        "term_time": bool(term_time),
        "start_date": start_date,
        "end_date": end_date,
    }


def _agreed(request: FlexibleWorkingRequest, changes: dict | None) -> dict:
    asked = {
        "pattern": request.pattern,
        "hours_per_week": request.hours_per_week,
        "fixed_rest_days": list(request.fixed_rest_days),
        "term_time": request.term_time,
        "start_date": request.start_date,
        "end_date": request.end_date,
    }
    if changes is None:
        return asked
    unknown = set(changes) - set(asked)
    if unknown:
        raise BadInput(sorted(unknown)[0], "is not part of a working pattern")
    agreed = _checked(**{**asked, **changes})
    if agreed == asked:
        raise BadInput("changes", "Change at least one thing, or approve the request as asked")
    return agreed


def _person(actor: Any) -> Person:
    if isinstance(actor, Person):
        return actor
    person = getattr(actor, "person", None) if getattr(actor, "is_authenticated", False) else None
    if person is None:
        raise PermissionDenied("Your account is not linked to a person in any organisation.")
    return person


def _lock(request: FlexibleWorkingRequest) -> FlexibleWorkingRequest:
    return FlexibleWorkingRequest.objects.select_for_update().get(pk=request.pk)


def _transition(request: FlexibleWorkingRequest, method: str, verb: str) -> None:
    try:
        getattr(request, method)()
    except TransitionNotAllowed:
        raise BadInput(
            "decision",
            f"This request is {request.get_status_display().lower()}: it cannot be {verb} now.",
        ) from None


def _save(request: FlexibleWorkingRequest, user) -> None:
    request._history_user = user
    try:
        request.save()
    except ConcurrentTransition:
        raise BadInput(
            "decision", "Someone else changed this request at the same time; look at it again."
        ) from None


def _plain(agreed: dict) -> dict:
    return {
        key: value if isinstance(value, bool | list | None) else str(value)
        for key, value in agreed.items()
    }


def _site(path: str) -> str:
    return getattr(settings, "PROBITY_SITE_URL", "").rstrip("/") + path


def _context(request: FlexibleWorkingRequest) -> dict:
    return {
        "request": request,
        "pattern": pattern_get(request.pattern),
        "link": _site(reverse("offer:flexible_request", args=[request.pk])),
    }
