"""Demonstration rostering at HMP Example (demo): A wing's twenty staff, Early, Late and Night
shifts, a week of demand, one agreed flexible-working arrangement (fixed rest days at the
weekend, part-time), this week's roster worked out and published, and one officer off sick
today so that the grid shows the gap a manager would repair.

Called by `probity demo` (people.demo.demo_load) after the organisations are loaded; like it,
running it again changes nothing. The custodial manager, Carl Young (hmp007), rosters the wing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from probity.apps.offer.models import AgreedArrangement
from probity.apps.offer.services import flexible_working_apply, flexible_working_decide
from probity.apps.people.demo import DemoPerson, _load_person
from probity.apps.people.models import Organisation, Person, Team
from probity.apps.rostering.models import (
    Demand,
    Establishment,
    RosteredTeam,
    ShiftType,
    StaffDetails,
)
from probity.apps.rostering.services import roster_publish, roster_solve, sickness_record

ORGANISATION = "hmp-example-demo"
MANAGER = "hmp007"
WING = "A wing"
DEMO_SOLVE_SECONDS = 2

# staff number | name | grade | contracted hours
STAFF = """
hmpa01 | Sean Murphy      | B4  | 37
hmpa02 | Leah Price       | B4  | 37
hmpa03 | Kofi Boateng     | B4  | 37
hmpa04 | Emma Walsh       | B3  | 37
hmpa05 | Priya Nair       | B3  | 37
hmpa06 | Jack Thompson    | B3  | 37
hmpa07 | Aisha Begum      | B3  | 37
hmpa08 | Tom Fletcher     | B3  | 37
hmpa09 | Chloe Evans      | B3  | 37
hmpa10 | Daniel Osei      | B3  | 37
hmpa11 | Hannah Wright    | B3  | 37
hmpa12 | Marcus Green     | B3  | 37
hmpa13 | Sara Lindqvist   | B3  | 37
hmpa14 | Owen Roberts     | B3  | 37
hmpa15 | Nina Kowalska    | B3  | 37
hmpa16 | Ben Harris       | B3  | 37
hmpa17 | Grace Adeyemi    | OSG | 37
hmpa18 | Luke Morris      | OSG | 37
hmpa19 | Rachel Stone     | OSG | 37
hmpa20 | Idris Rahman     | OSG | 37
"""
FLEXIBLE = "hmpa05"  # Priya Nair: part-time, never weekends (caring responsibilities)

SHIFTS = (
    ("E", "Early", datetime.time(7, 0), 480, False, []),
    ("L", "Late", datetime.time(14, 0), 480, False, []),
    ("N", "Night", datetime.time(21, 30), 600, True, ["E", "L"]),
)
# shift: (minimum, preferred) on weekdays, then at weekends; and a Band 4 on every day shift
DEMAND = {"E": ((4, 5), (3, 4)), "L": ((4, 5), (3, 4)), "N": ((2, 2), (2, 2))}


def rostering_demo_load(report, password) -> None:
    organisation = Organisation.objects.get(slug=ORGANISATION)
    manager = Person.objects.get(organisation=organisation, staff_number=MANAGER)
    establishment, created = Establishment.objects.get_or_create(
        organisation=organisation, name="HMP Example"
    )
    report.changes += created
    team, created = Team.objects.get_or_create(organisation=organisation, name=WING)
    report.changes += created
    wing, created = RosteredTeam.objects.get_or_create(
        team=team, defaults={"establishment": establishment}
    )
    report.changes += created
    shifts = _shift_types(establishment, report)
    _demand(wing, shifts, report)
    people = _staff(organisation, team, manager, password, report)
    _flexible_arrangement(people[FLEXIBLE], manager, report)
    _this_weeks_roster(wing, manager, people, report)


def _shift_types(establishment, report) -> dict[str, ShiftType]:
    shifts = {}
    for code, name, starts, length, night, not_after in SHIFTS:
        shifts[code], created = ShiftType.objects.get_or_create(
            establishment=establishment,
            code=code,
            defaults={
                "name": name,
                "starts": starts,
                "length_minutes": length,
                "night": night,
                "may_not_follow": not_after,
            },
        )
        report.changes += created
    return shifts


def _demand(wing, shifts, report) -> None:
    if Demand.objects.filter(team=wing).exists():
        return
    for code, ((weekday_min, weekday_pref), (weekend_min, weekend_pref)) in DEMAND.items():
        for weekday in range(7):
            weekend = weekday >= 5
            Demand.objects.create(
                team=wing,
                shift=shifts[code],
                weekday=weekday,
                minimum=weekend_min if weekend else weekday_min,
                preferred=weekend_pref if weekend else weekday_pref,
            )
            if code != "N":
                Demand.objects.create(
                    team=wing,
                    shift=shifts[code],
                    weekday=weekday,
                    minimum=1,
                    preferred=1,
                    skill="B4",
                )
            report.changes += 1


def _staff(organisation, team, manager, password, report) -> dict[str, Person]:
    people = {}
    teams = {WING: team}
    for line in STAFF.strip().splitlines():
        staff, name, grade, hours = (cell.strip() for cell in line.split("|"))
        job = {
            "B4": "Supervising Officer",
            "B3": "Prison Officer",
            "OSG": "Operational Support Grade",
        }[grade]
        entry = DemoPerson(staff, name, job, WING, MANAGER, {"hmpps-offer": "employee"})
        person = _load_person(organisation, entry, teams, password, report)
        if person.line_manager_id != manager.pk:
            person.line_manager = manager
            person.save()
            report.changes += 1
        _, created = StaffDetails.objects.get_or_create(
            person=person, defaults={"grade": grade, "contracted_hours": Decimal(hours)}
        )
        report.changes += created
        people[staff] = person
    return people


def _flexible_arrangement(person, manager, report) -> None:
    if AgreedArrangement.objects.filter(person=person).exists():
        return
    request = flexible_working_apply(
        person=person,
        pattern="part-time",
        hours_per_week=Decimal(30),
        fixed_rest_days=["saturday", "sunday"],
        start_date=_monday() - datetime.timedelta(days=28),
        reason="I look after my son at weekends; 30 hours over weekdays works for the wing.",
    )
    flexible_working_decide(request=request, actor=manager, decision="approve")
    report.changes += 1


def _this_weeks_roster(wing, manager, people, report) -> None:
    if wing.rosters.exists():
        return
    roster = roster_solve(
        team=wing, start=_monday(), weeks=1, actor=manager, seconds=DEMO_SOLVE_SECONDS
    )
    roster_publish(roster=roster, actor=manager)
    today = timezone.localdate()
    working = roster.assignments.filter(on=today).exclude(person=people[FLEXIBLE]).first()
    if working is not None:
        sickness_record(person=working.person, first_day=today, last_day=today, actor=manager)
    report.changes += 1


def _monday() -> datetime.date:
    today = timezone.localdate()
    return today - datetime.timedelta(days=today.weekday())
