"""Reads: who may open what (need to know), the handler's queue and oversight figures.

Need to know: a case is opened by its handler, the people above the handler (their
escalation chain, and whoever an overdue case was escalated to), its reviewer and those
the handler added to it (a second handler, a named reviewer) until they are removed. A case
nobody could be routed to is opened, to be assigned, by the offices data/concerns.yaml names.
The reporter sees their own report and its messages; the subject sees what is put to them,
the decision and their review, never who reported it. Nobody else, whatever their office.
"""

from __future__ import annotations

import datetime
import statistics
from collections import Counter

from django.db.models import Q, QuerySet

from probity.apps.concerns.models import (
    OPEN_STATUSES,
    Case,
    CaseMember,
    ReviewOutcome,
    Status,
    Treatment,
)
from probity.apps.people.models import OfficeHolder, Person
from probity.apps.people.selectors import person_managers
from probity.core.concerns import unrouted_assigners

HANDLING = "handler"
ESCALATION = "escalation"
REVIEWER = "reviewer"
REPORTER = "reporter"
SUBJECT = "subject"
CO_HANDLER = CaseMember.Role.CO_HANDLER.value
NAMED_REVIEWER = CaseMember.Role.NAMED_REVIEWER.value
CASE_ROLES = (HANDLING, ESCALATION, REVIEWER, CO_HANDLER, NAMED_REVIEWER)
HANDLERS = {HANDLING, CO_HANDLER}  # who moves the case on and writes to the reporter


def case_roles(case: Case, person: Person | None) -> set[str]:
    """What `person` is to the case: handler, escalation (above the handler), reviewer,
    co-handler or named reviewer (added by the handler), reporter (named or confidential
    reports only), subject."""
    if person is None:
        return set()
    roles = set()
    if case.handler_id == person.pk:
        roles.add(HANDLING)
    elif case.escalated_to_id == person.pk or (
        case.handler_id and person in person_managers(case.handler)
    ):
        roles.add(ESCALATION)
    if (
        case.handler_id is None
        and not case.content_deleted_on
        and person.organisation_id == case.organisation_id
        and assigns_unrouted(person)
    ):
        roles.add(ESCALATION)  # to assign it: a case is never orphaned
    if case.reviewer_id == person.pk:
        roles.add(REVIEWER)
    if case.pk and (member := CaseMember.objects.filter(case=case, person=person).first()):
        roles.add(member.role)
    if case.reporter_id == person.pk and case.treatment != Treatment.ANONYMOUS:
        roles.add(REPORTER)
    if case.subject_id == person.pk:
        roles.add(SUBJECT)
    if SUBJECT in roles:  # a subject never handles, escalates or reviews their own case
        roles -= set(CASE_ROLES)
    return roles


def assigns_unrouted(person: Person) -> bool:
    """Whether the person holds an office that assigns cases nobody could be routed to."""
    return OfficeHolder.objects.filter(
        organisation_id=person.organisation_id, person=person, office__in=unrouted_assigners()
    ).exists()


def can_open_case(case: Case, person: Person | None) -> bool:
    return bool(case_roles(case, person) & set(CASE_ROLES))


def _below(person: Person) -> QuerySet[Person]:
    """Everyone whose line-management chain leads up to `person` (a recursive walk, a few
    levels deep in practice)."""
    ids: set[int] = set()
    frontier = {person.pk}
    while frontier:
        frontier = set(
            Person.objects.filter(line_manager_id__in=frontier)
            .exclude(pk__in=ids | {person.pk})
            .values_list("pk", flat=True)
        )
        ids |= frontier
    return Person.objects.filter(pk__in=ids)


def handler_queue(*, person: Person, include_team: bool = False) -> QuerySet[Case]:
    """Open cases the person handles (and, with include_team, those of everyone below them,
    and those escalated to them, and those they review), soonest deadline first. Only the
    columns the queue shows: nothing is decrypted."""
    condition = Q(handler=person) | Q(escalated_to=person) | Q(reviewer=person)
    # a handful of ids, so that the condition stays one the indexes answer
    added_to = list(CaseMember.objects.filter(person=person).values_list("case_id", flat=True))
    if added_to:
        condition |= Q(pk__in=added_to)
    if assigns_unrouted(person):
        condition |= Q(handler=None, organisation_id=person.organisation_id)
    if include_team:
        condition |= Q(handler__in=_below(person))
    return (
        Case.objects.filter(condition, status__in=OPEN_STATUSES)
        .exclude(subject=person)
        .only(
            "id",
            "kind",
            "status",
            "treatment",
            "received_on",
            "acknowledge_by",
            "feedback_by",
            "acknowledged_on",
            "first_feedback_on",
            "escalated_on",
            "handler_id",
        )
        .order_by("acknowledge_by", "feedback_by", "id")
    )


def organisation_people(case: Case) -> QuerySet[Person]:
    """Whom a handler may pick for a case (its subject, a co-handler, a named reviewer): the
    organisation's active people, never the case's reporter."""
    people = Person.objects.filter(organisation_id=case.organisation_id, active=True)
    if case.reporter_id:
        people = people.exclude(pk=case.reporter_id)
    return people.order_by("name", "pk")


def member_choices(case: Case) -> QuerySet[Person]:
    """Whom the handler may add to a case: not its subject, reporter, handler, nor anyone
    already on it."""
    on_case = CaseMember.objects.filter(case=case).values("person_id")
    return (
        organisation_people(case)
        .exclude(pk__in=on_case)
        .exclude(pk__in=[pk for pk in (case.subject_id, case.handler_id) if pk])
    )


def reported_by(person: Person) -> QuerySet[Case]:
    return Case.objects.filter(reporter=person).exclude(treatment=Treatment.ANONYMOUS)


def cases_about(person: Person) -> QuerySet[Case]:
    """Cases put to the person (an investigation started): what they may reply to."""
    return Case.objects.filter(subject=person).exclude(allegation="")


def deadline_state(case: Case, today: datetime.date) -> str:
    """ "overdue", "due soon" (within 2 days) or "" for the case's next deadline."""
    due = next_deadline(case)
    if due is None:
        return ""
    if due < today:
        return "overdue"
    if due <= today + datetime.timedelta(days=2):
        return "due soon"
    return ""


def next_deadline(case: Case) -> datetime.date | None:
    if case.acknowledged_on is None:
        return case.acknowledge_by
    if case.first_feedback_on is None and case.status != Status.CLOSED:
        return case.feedback_by
    return None


def oversight_figures(*, organisation, start=None, end=None) -> dict:
    """Figures for a board or audit committee: no names, no text, no case references."""
    cases = Case.objects.filter(organisation=organisation)
    if start:
        cases = cases.filter(received_on__gte=start)
    if end:
        cases = cases.filter(received_on__lte=end)
    rows = list(
        cases.values_list(
            "kind",
            "treatment",
            "received_on",
            "acknowledged_on",
            "first_feedback_on",
            "acknowledge_by",
            "feedback_by",
            "triage",
            "decision",
            "review_outcome",
            "status",
        )
    )
    ack_days = [(r[3] - r[2]).days for r in rows if r[3]]
    feedback_days = [(r[4] - r[2]).days for r in rows if r[4]]
    return {
        "total": len(rows),
        "open": sum(1 for r in rows if r[10] != Status.CLOSED),
        "by_kind": dict(Counter(r[0] for r in rows)),
        "by_treatment": dict(Counter(r[1] for r in rows)),
        "acknowledged_in_time": sum(1 for r in rows if r[3] and r[3] <= r[5]),
        "acknowledged": len(ack_days),
        "median_days_to_acknowledge": statistics.median(ack_days) if ack_days else None,
        "feedback_in_time": sum(1 for r in rows if r[4] and r[4] <= r[6]),
        "fed_back": len(feedback_days),
        "median_days_to_feedback": statistics.median(feedback_days) if feedback_days else None,
        "triage": dict(Counter(r[7] for r in rows if r[7])),
        "outcomes": dict(Counter(r[8] for r in rows if r[8])),
        "reviews": sum(1 for r in rows if r[9]),
        "reviews_upheld": sum(1 for r in rows if r[9] == ReviewOutcome.UPHELD),
        "reviews_overturned": sum(1 for r in rows if r[9] == ReviewOutcome.OVERTURNED),
    }


def oversight_rows(figures: dict) -> list[tuple[str, str, str]]:
    """(measure, category, value) rows of `oversight_figures`, for CSV export and tables."""
    rows = []
    for key, value in figures.items():
        if isinstance(value, dict):
            rows.extend((key, category, str(count)) for category, count in sorted(value.items()))
        else:
            rows.append((key, "", "" if value is None else str(value)))
    return rows
