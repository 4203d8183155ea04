"""Reads: a person's roles under their codes, their managers, and who an authority is.

`authority_resolve` turns an authority of the guidance ("your line manager", "a director",
"the Monitoring Officer"…) into the person in this organisation who gives the permission or
receives the declaration. It never answers with the person themselves, and when the office is
vacant or the person has no line manager it goes to the next person up and says so in `note`,
so that the register keeper can be told.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from probity.apps.people.models import OfficeHolder, Organisation, Person
from probity.apps.people.offices import MANAGERIAL, OUTSIDE_BODIES, office_ids, office_label
from probity.core.errors import BadInput
from probity.core.vocabulary import vocabulary

CHIEF_EXECUTIVE = "chief-executive"


@dataclass(frozen=True)
class Resolution:
    """Who an authority is for one person.

    person   who gives the permission or receives the declaration; None when nobody in the
             organisation can (the court, or every way up is vacant)
    office   the office or relation that person acts in: the authority asked for, or the
             office it fell back to (e.g. "chief-executive")
    vacant   the authority as asked for could not be reached directly (vacant office, no
             line manager, a line manager who has left): tell the register keeper
    note     plain words saying why it went elsewhere; empty when it did not
    """

    person: Person | None
    office: str
    vacant: bool
    note: str = ""


def organisation_get(*, slug: str) -> Organisation:
    return Organisation.objects.get(slug=slug)


def person_for_user(*, user) -> Person | None:
    """The person record of a signed-in user, if they have one."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Person.objects.select_related("organisation").filter(user=user).first()


def person_roles(person: Person) -> dict[str, str]:
    """The `roles` of a guidance situation: each code that binds the person → their role.

    Only codes the organisation adopts count; a code the person is not in scope of is absent.
    """
    adopted = set(person.organisation.adopted_code_ids())
    return {
        code_role.code_id: code_role.role
        for code_role in person.code_roles.order_by("code_id")
        if code_role.code_id in adopted
    }


def person_managers(person: Person) -> Iterator[Person]:
    """Everyone above the person, nearest first: line manager, their line manager, and so on.

    People who have left (inactive) are passed over; the person themselves never appears.
    """
    seen = {person.pk}
    current = person.line_manager
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        if current.active:
            yield current
        current = current.line_manager


def person_managers_manager(person: Person) -> Person | None:
    """The line manager's line manager (e.g. to report a concern about one's own manager)."""
    managers = person_managers(person)
    next(managers, None)
    return next(managers, None)


def office_holders(*, organisation: Organisation, office: str) -> list[Person]:
    """The active people holding an office, in the order the offices were filled."""
    holders = (
        OfficeHolder.objects.filter(organisation=organisation, office=office)
        .select_related("person")
        .order_by("id")
    )
    return [h.person for h in holders if h.person is not None and h.person.active]


def register_keepers(*, organisation: Organisation, register: str = "") -> list[Person]:
    """Who keeps a register: its own keepers, else the keepers of every register."""
    holders = (
        OfficeHolder.objects.filter(organisation=organisation, office="register-keeper")
        .select_related("person")
        .order_by("id")
    )
    people = [h for h in holders if h.person is not None and h.person.active]
    own = [h.person for h in people if register and h.register == register]
    return own or [h.person for h in people if not h.register]


def authority_resolve(*, person: Person, authority: str) -> Resolution:
    """The person who is `authority` for `person` (see the module's docstring)."""
    if authority not in vocabulary().authorities and authority not in office_ids():
        raise BadInput(
            "authority",
            f"unknown authority {authority!r}; known: {', '.join(vocabulary().authorities)}",
        )
    if authority in OUTSIDE_BODIES:
        return Resolution(
            person=None,
            office=authority,
            vacant=False,
            note="The court is an outside body, not anyone in the organisation.",
        )
    if authority in MANAGERIAL:
        return _resolve_manager(person, authority)
    return _resolve_office(person, authority)


def _resolve_manager(person: Person, authority: str) -> Resolution:
    managers = list(person_managers(person))
    direct = person.line_manager
    if managers:
        if managers[0] == direct:
            return Resolution(person=direct, office=authority, vacant=False)
        return Resolution(
            person=managers[0],
            office=authority,
            vacant=True,
            note=f"{person.name}'s line manager, {direct.name}, has left, so this goes to the "
            f"next person up, {managers[0].name}. Tell the register keeper so that a new line "
            "manager is recorded.",
        )
    if authority == "responsible-manager":
        responsible = _others(
            office_holders(organisation=person.organisation, office=authority), person
        )
        if responsible:
            return Resolution(
                person=responsible[0],
                office=authority,
                vacant=False,
                note=f"{person.name} has no line manager recorded, so this goes to the "
                f"organisation's responsible manager, {responsible[0].name}.",
            )
    reason = (
        f"{person.name}'s line manager, {direct.name}, has left"
        if direct is not None
        else f"{person.name} has no line manager recorded"
    )
    return _fall_back_to_chief_executive(
        person,
        authority,
        reason,
        tell="Tell the register keeper so that a line manager is recorded.",
    )


def _resolve_office(person: Person, office: str) -> Resolution:
    label = office_label(office)
    all_holders = office_holders(organisation=person.organisation, office=office)
    holders = _others(all_holders, person)
    if holders:
        # Of several holders (e.g. directors), the one above the person in their line.
        above = [manager for manager in person_managers(person) if manager in holders]
        chosen = above[0] if above else holders[0]
        return Resolution(person=chosen, office=office, vacant=False)
    if all_holders:  # the person holds the office themselves: never decide one's own case
        managers = list(person_managers(person))
        if managers:
            return Resolution(
                person=managers[0],
                office=office,
                vacant=False,
                note=f"{person.name} holds the office of {label} themselves, so this goes to "
                f"the next person up, {managers[0].name}.",
            )
        if office != CHIEF_EXECUTIVE:
            return _fall_back_to_chief_executive(
                person,
                office,
                f"{person.name} holds the office of {label} themselves",
                vacant=False,
            )
        return Resolution(
            person=None,
            office=office,
            vacant=True,
            note=f"{person.name} is the {label} and has nobody above them recorded. "
            "Tell the register keeper, who must find someone independent to decide.",
        )
    reason = f"The office of {label} is vacant"
    if office != CHIEF_EXECUTIVE:
        return _fall_back_to_chief_executive(
            person, office, reason, tell="Tell the register keeper so that the office is filled."
        )
    managers = list(person_managers(person))
    if managers:
        top = managers[-1]
        return Resolution(
            person=top,
            office=office,
            vacant=True,
            note=f"{reason}, so this goes to the most senior person above {person.name}, "
            f"{top.name}. Tell the register keeper so that the office is filled.",
        )
    return Resolution(
        person=None,
        office=office,
        vacant=True,
        note=f"{reason} and {person.name} has nobody above them recorded. Tell the register "
        "keeper so that the office is filled.",
    )


def _fall_back_to_chief_executive(
    person: Person, asked: str, reason: str, *, tell: str = "", vacant: bool = True
) -> Resolution:
    """Where nobody nearer can act: the Chief Executive (never the person themselves)."""
    chiefs = _others(
        office_holders(organisation=person.organisation, office=CHIEF_EXECUTIVE), person
    )
    if chiefs:
        note = f"{reason}, so this goes to the Chief Executive, {chiefs[0].name}."
        return Resolution(
            person=chiefs[0],
            office=CHIEF_EXECUTIVE,
            vacant=vacant,
            note=f"{note} {tell}".strip(),
        )
    return Resolution(
        person=None,
        office=asked,
        vacant=True,
        note=f"{reason}, and there is no Chief Executive to go to instead (the office is "
        "vacant or held by the person themselves). Tell the register keeper, who must find "
        "someone to decide.",
    )


def _others(people: list[Person], person: Person) -> list[Person]:
    return [p for p in people if p.pk != person.pk]


def user_of(actor):
    """The account behind whoever acts: a person's user, or the account itself (or None)."""
    if isinstance(actor, Person):
        return actor.user
    return actor
