"""Reads: a person's declarations, what waits for an approver, a register's entries, and who
may see a declaration.

Who may see a declaration (`can_view_declaration`): the declarant; once it is submitted, the
people it was routed to and everyone above its approver in line management, and a keeper of
its register (including the holder of the office that the codes say holds it, e.g. the
Secretary to the Board for Essex Probation's Register of Gifts and Hospitality). Nobody else,
however senior; a draft only its declarant.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL

from probity.apps.people.models import OfficeHolder, Organisation, Person, Team
from probity.apps.people.selectors import person_for_user, person_managers, register_keepers
from probity.apps.registers.models import OPEN_STATUSES, Declaration, Routing, Status

_RELATED = ("organisation", "person", "team", "decided_by")


def declarations_for_person(person: Person, *, status: Iterable[str] | None = None) -> QuerySet:
    """The person's own declarations, newest first ("my declarations")."""
    queryset = Declaration.objects.filter(person=person).select_related(*_RELATED)
    if status is not None:
        queryset = queryset.filter(status__in=list(status))
    return queryset.order_by("-created_at", "-id")


def declarations_for_approver(
    person: Person, *, waiting: bool = True, include_reports: bool = True
) -> QuerySet:
    """Declarations routed to the person to decide; with `include_reports`, also those routed
    to anyone who reports to them, however far down (someone above an approver may decide).
    `waiting` keeps only those waiting for a decision (submitted); False gives every one that
    has been submitted. Never the person's own."""
    routed = Routing.objects.filter(declaration=OuterRef("pk"), decides=True).filter(
        Q(approver=person) | Q(approver_id__in=_reports_below(person))
        if include_reports
        else Q(approver=person)
    )
    queryset = (
        Declaration.objects.filter(Exists(routed))
        .exclude(person=person)
        .select_related(*_RELATED)
        .prefetch_related("routings__approver")
    )
    if waiting:
        queryset = queryset.filter(status=Status.SUBMITTED)
    else:
        queryset = queryset.exclude(status=Status.DRAFT)
    return queryset.order_by("submitted_at", "id")


def register_entries(
    *,
    organisation: Organisation,
    register: str | None = None,
    kind: str | None = None,
    team: Team | int | None = None,
    status: Iterable[str] | None = None,
    person: Person | None = None,
    declared_from: datetime.date | None = None,
    declared_to: datetime.date | None = None,
    offer_declined: bool | None = None,
    include_withdrawn: bool = False,
) -> QuerySet:
    """Entries of an organisation's register (every register if `register` is None), newest
    declared first. Only declarations that have been submitted appear; withdrawn ones only
    when asked for. Filtered on indexed columns (organisation with register, team, kind or
    status, then declared_on), so a page of a million-row register stays quick."""
    queryset = Declaration.objects.filter(organisation=organisation, declared_on__isnull=False)
    if register is not None:
        queryset = queryset.filter(register=register)
    if kind is not None:
        queryset = queryset.filter(kind=kind)
    if team is not None:
        queryset = queryset.filter(team=team)
    if status is not None:
        queryset = queryset.filter(status__in=list(status))
    elif not include_withdrawn:
        queryset = queryset.exclude(status=Status.WITHDRAWN)
    if person is not None:
        queryset = queryset.filter(person=person)
    if declared_from is not None:
        queryset = queryset.filter(declared_on__gte=declared_from)
    if declared_to is not None:
        queryset = queryset.filter(declared_on__lte=declared_to)
    if offer_declined is not None:
        queryset = queryset.filter(offer_declined=offer_declined)
    return queryset.select_related(*_RELATED).order_by("-declared_on", "-id")


def declarations_waiting(*, organisation: Organisation) -> QuerySet:
    """Everything in the organisation still open (submitted, or sent back for information)."""
    return (
        Declaration.objects.filter(organisation=organisation, status__in=OPEN_STATUSES)
        .select_related(*_RELATED)
        .order_by("submitted_at", "id")
    )


def declaration_get(*, pk: int) -> Declaration | None:
    """One declaration with what its page shows: routings, events (oldest first)."""
    return (
        Declaration.objects.select_related(*_RELATED, "renews", "created_by")
        .prefetch_related("routings__approver", "events__actor")
        .filter(pk=pk)
        .first()
    )


def registers_kept_by(person: Person) -> list[str]:
    """The registers a person keeps ("*" for every register of their organisation)."""
    kept = OfficeHolder.objects.filter(
        organisation_id=person.organisation_id, office="register-keeper", person=person
    ).values_list("register", flat=True)
    return sorted({register or "*" for register in kept})


def can_view_declaration(user, declaration: Declaration) -> bool:
    """Whether a signed-in user may see a declaration (the module's docstring says who)."""
    person = user if isinstance(user, Person) else person_for_user(user=user)
    if person is None or not person.active:
        return False
    if person.pk == declaration.person_id:
        return True
    if declaration.status == Status.DRAFT or person.organisation_id != declaration.organisation_id:
        return False
    routings = list(declaration.routings.all())
    if any(routing.approver_id == person.pk for routing in routings):
        return True
    for routing in routings:
        if not routing.decides or routing.approver is None:
            continue
        if any(manager.pk == person.pk for manager in person_managers(routing.approver)):
            return True
    return is_register_keeper(person, declaration)


def is_register_keeper(person: Person, declaration: Declaration) -> bool:
    """A keeper of the declaration's register, or the holder of the office that holds it."""
    keepers = register_keepers(organisation=declaration.organisation, register=declaration.register)
    if any(keeper.pk == person.pk for keeper in keepers):
        return True
    if declaration.register_office:
        return OfficeHolder.objects.filter(
            organisation_id=declaration.organisation_id,
            office=declaration.register_office,
            person=person,
        ).exists()
    return False


def visible_declarations(user, *, organisation: Organisation | None = None) -> QuerySet:
    """Every declaration the user may see, as one query (for lists, exports and the API);
    the same rule as can_view_declaration."""
    person = user if isinstance(user, Person) else person_for_user(user=user)
    if person is None or not person.active:
        return Declaration.objects.none()
    routed_to_me = Routing.objects.filter(declaration=OuterRef("pk"), approver=person)
    routed_below = Routing.objects.filter(
        declaration=OuterRef("pk"), decides=True, approver_id__in=_reports_below(person)
    )
    rule = Q(person=person) | Q(
        Q(organisation_id=person.organisation_id)
        & ~Q(status=Status.DRAFT)
        & (Exists(routed_to_me) | Exists(routed_below) | _keeper_q(person))
    )
    queryset = Declaration.objects.filter(rule)
    if organisation is not None:
        queryset = queryset.filter(organisation=organisation)
    return queryset.select_related(*_RELATED)


def _keeper_q(person: Person) -> Q:
    kept = registers_kept_by(person)
    q = Q(pk__in=[])
    if "*" in kept:
        # Keepers of every register see those registers that have no keeper of their own.
        own = set(
            OfficeHolder.objects.filter(
                organisation_id=person.organisation_id,
                office="register-keeper",
                person__active=True,
            )
            .exclude(register="")
            .values_list("register", flat=True)
        )
        q |= ~Q(register__in=own)
    q |= Q(register__in=[register for register in kept if register != "*"])
    offices = list(
        OfficeHolder.objects.filter(organisation_id=person.organisation_id, person=person)
        .exclude(office="register-keeper")
        .values_list("office", flat=True)
    )
    if offices:
        q |= Q(register_office__in=offices)
    return q


def _reports_below(person: Person) -> RawSQL:
    """Ids of everyone below the person in line management, however far down, as a
    subquery the database answers (a recursive query: UNION stops at a loop), so that a
    chief executive's list never carries a hundred thousand ids through Python."""
    table = connection.ops.quote_name(Person._meta.db_table)
    manager = connection.ops.quote_name(Person._meta.get_field("line_manager").column)
    return RawSQL(
        f"WITH RECURSIVE below(id) AS ("
        f"SELECT id FROM {table} WHERE {manager} = %s "
        f"UNION SELECT p.id FROM {table} p JOIN below b ON p.{manager} = b.id"
        f") SELECT id FROM below",
        (person.pk,),
    )
