"""A tiny rostered wing for the rostering pages, API and browser tests: a manager, three
officers (a, b, c) on Early and Late shifts, someone from another team, and rosters written
out by hand ("L - E - - - -") so that every test knows exactly who works when."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from probity.apps.people.models import Organisation, Person, Team
from probity.apps.rostering.models import (
    Assignment,
    Demand,
    Establishment,
    Roster,
    RosteredTeam,
    RosterStatus,
    ShiftType,
    StaffDetails,
)

# Next week, so that every shift is still to come whatever day the tests run.
MONDAY = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday() - 7)


def day(offset: int) -> datetime.date:
    return MONDAY + datetime.timedelta(days=offset)


def person(org, key, team=None, manager=None, grade="B3"):
    user = get_user_model().objects.create_user(username=key, email=f"{key}@prison.test")
    found = Person.objects.create(
        organisation=org,
        user=user,
        name=key.title(),
        email=f"{key}@prison.test",
        staff_number=key,
        team=team,
        line_manager=manager,
    )
    if grade:
        StaffDetails.objects.create(person=found, grade=grade, contracted_hours=Decimal(37))
    return found


def wing(minimum: int = 0):
    """The organisation, the rostered wing and its people by key."""
    org = Organisation.objects.create(name="HMP Example", slug="hmp-example")
    establishment = Establishment.objects.create(organisation=org, name="HMP Example")
    team = Team.objects.create(organisation=org, name="A wing")
    other = Team.objects.create(organisation=org, name="Gate")
    rostered = RosteredTeam.objects.create(establishment=establishment, team=team)
    governor = person(org, "governor", grade=None)
    manager = person(org, "manager", manager=governor, grade=None)
    people = {
        "governor": governor,
        "manager": manager,
        "a": person(org, "a", team, manager),
        "b": person(org, "b", team, manager),
        "c": person(org, "c", team, manager),
        "outsider": person(org, "outsider", other, governor),
    }
    shifts = [
        ShiftType.objects.create(
            establishment=establishment, code=code, name=name, starts=starts, length_minutes=480
        )
        for code, name, starts in (
            ("E", "Early", datetime.time(7)),
            ("L", "Late", datetime.time(14)),
        )
    ]
    for shift in shifts:
        for weekday in range(7):
            Demand.objects.create(
                team=rostered, shift=shift, weekday=weekday, minimum=minimum, preferred=1
            )
    return rostered, people


def published(team, manager, rows: dict, status=RosterStatus.PUBLISHED, version=1) -> Roster:
    """A roster as written: rows={person: "L - E - - - -"} from MONDAY."""
    roster = Roster.objects.create(
        team=team, start=MONDAY, weeks=1, version=version, status=status, created_by=manager,
        time_limit=1,
    )  # fmt: skip
    shifts = {s.code: s for s in team.establishment.shift_types.all()}
    for who, row in rows.items():
        for offset, code in enumerate(row.split()):
            if code != "-":
                Assignment.objects.create(
                    roster=roster, person=who, on=day(offset), shift=shifts[code]
                )
    return roster
