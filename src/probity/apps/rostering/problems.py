"""From the database to the core's `Problem` and `Roster` and back.

`problem_for(team, start, weeks)` reads the team's rostered staff (StaffDetails), their agreed
flexible-working arrangements (offer.selectors.agreed_arrangements), approved leave, TOIL and
sickness, shift requests and the demand, and builds the core problem. Core staff ids are the
people's primary keys as text, shift ids the shift types' codes.

An agreed arrangement becomes the core's `Arrangement`:
- fixed rest days: never rostered on those weekdays (only on the days the arrangement is in
  force, when it starts or ends inside the roster);
- term time: not rostered in the establishment's school holidays;
- hours a week: the contract for the roster (instead of StaffDetails.contracted_hours); a
  part-time arrangement also caps each week at those hours and a minimum-hours contract
  guarantees them, when the arrangement is in force from the roster's first day;
- compressed hours: only shifts of 10 hours or more, when the establishment has any.
Sickness counts as leave: nobody is rostered on a sick day, and its hours count as worked.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from probity.apps.offer.models import AgreedArrangement
from probity.apps.offer.selectors import agreed_arrangements
from probity.apps.people.models import Person
from probity.apps.rostering.models import (
    Absence,
    Assignment,
    Demand,
    Roster,
    RosteredTeam,
    RosterStatus,
    ShiftRequest,
    ShiftType,
)
from probity.core.errors import BadInput
from probity.core.flexible import pattern_get
from probity.core.rostering import model as core

STAFF_FIELD = re.compile(r"^staff\[\d+\] \((?P<id>\d+)\)\.?(?P<rest>.*)$")
MAX_WEEKS = 12
COMPRESSED_MIN_MINUTES = 600
UNDER_PREFERRED_WEIGHT = 10  # per person short of preferred cover, against 1 an hour off contract


@dataclass
class RosterProblem:
    """The core problem and how its ids map back to people and shift types."""

    problem: core.Problem
    people: dict[str, Person]
    shifts: dict[str, ShiftType]

    def day(self, date: datetime.date) -> int:
        return (date - self.problem.start).days

    def date(self, day: int) -> datetime.date:
        return self.problem.date(day)


def problem_for(team: RosteredTeam, start: datetime.date, weeks: int) -> RosterProblem:
    if start.weekday() != 0:
        raise BadInput("start", "a roster starts on a Monday")
    if not 1 <= weeks <= MAX_WEEKS:
        raise BadInput("weeks", f"a roster covers 1 to {MAX_WEEKS} weeks")
    horizon = 7 * weeks
    end = start + datetime.timedelta(days=horizon - 1)
    establishment = team.establishment
    shifts = {shift.code: shift for shift in establishment.shift_types.all()}
    people = list(
        Person.objects.filter(team=team.team, active=True, rostering__isnull=False)
        .select_related("rostering")
        .order_by("name")
    )
    calendar = _Calendar(start, horizon, establishment.holiday_dates())
    absences = _absences(people, calendar)
    # Only people with an agreed arrangement need the offer's selector (one query each).
    flexible = set(
        AgreedArrangement.objects.filter(person__in=people).values_list("person_id", flat=True)
    )
    staff = [
        _staff(person, calendar, shifts, absences[person.pk], person.pk in flexible)
        for person in people
    ]
    problem = core.Problem(
        start=start,
        horizon=horizon,
        shifts=tuple(_shift(shift) for shift in shifts.values()),
        cover=tuple(_cover(team, calendar, shifts)),
        staff=tuple(staff),
        requests=tuple(_requests(people, start, end, calendar)),
        name=f"{team} from {start:%d %B %Y}",
    )
    return RosterProblem(problem, {str(p.pk): p for p in people}, shifts)


def in_words(error: BadInput, found: RosterProblem) -> BadInput:
    """The core's complaint about the problem with the person named, e.g. "Sam Lee's
    contracted hours: must not be negative" for `staff[3] (12).contracted_hours`."""
    match = STAFF_FIELD.match(error.field)
    if match and match["id"] in found.people:
        what = match["rest"].replace("_", " ").replace(".", " ") or "details"
        name = found.people[match["id"]].name
        return BadInput(error.field, f"{name}'s {what}: {error.message}")
    return BadInput(error.field, f"{error.field.replace('_', ' ')}: {error.message}")


def roster_to_core(found: RosterProblem, roster: Roster, *, without_sick: bool = False):
    """The stored assignments as a core Roster; `without_sick` leaves out shifts on sick days
    (the gaps a sickness makes until the roster is repaired)."""
    result = core.Roster.empty(found.problem)
    sick = sick_days(found) if without_sick else set()
    rows = Assignment.objects.filter(roster=roster).select_related("shift")
    for row in rows:
        staff_id, day = str(row.person_id), found.day(row.on)
        known = staff_id in result.assignments and 0 <= day < found.problem.horizon
        if known and (staff_id, day) not in sick:
            result.assignments[staff_id][day] = row.shift.code
    return result


def sick_days(found: RosterProblem) -> set[tuple[str, int]]:
    problem = found.problem
    rows = Absence.objects.filter(
        person__in=found.people.values(),
        kind=Absence.Kind.SICK,
        first_day__lte=problem.date(problem.horizon - 1),
        last_day__gte=problem.start,
    )
    days = set()
    for row in rows:
        for day in range(problem.horizon):
            if row.first_day <= problem.date(day) <= row.last_day:
                days.add((str(row.person_id), day))
    return days


class _Calendar:
    def __init__(self, start: datetime.date, horizon: int, holidays: set[datetime.date]):
        self.start, self.horizon, self.holidays = start, horizon, holidays

    def date(self, day: int) -> datetime.date:
        return self.start + datetime.timedelta(days=day)

    def days(self):
        return range(self.horizon)

    def within(self, first: datetime.date, last: datetime.date | None) -> set[int]:
        return {
            day
            for day in self.days()
            if first <= self.date(day) and (last is None or self.date(day) <= last)
        }


def _shift(shift: ShiftType) -> core.ShiftType:
    return core.ShiftType(
        id=shift.code,
        length=shift.length_minutes,
        start=shift.start_minutes,
        forbidden_next=frozenset(shift.may_not_follow),
        night=shift.night,
        name=shift.name,
    )


def _staff(person: Person, calendar: _Calendar, shifts, absences: dict, flexible: bool):
    details = person.rostering
    weekly = round(details.contracted_hours * 60)
    terms, weekly = (
        _arrangement(person, calendar, shifts, weekly) if flexible else (core.Arrangement(), weekly)
    )
    return core.Staff(
        id=str(person.pk),
        name=person.name,
        grade=details.grade,
        skills=frozenset(details.skills),
        contracted_minutes=weekly,
        arrangement=terms,
        annualised=_annualised(person, calendar.start),
        leave_days=frozenset(absences["leave"] | absences["sick"]),
        toil_days=frozenset(absences["toil"]),
        opted_out_48h=details.opted_out_48h,
        night_worker=details.night_worker,
        hazardous_night_work=details.hazardous_night_work,
        night_assessment_offered=details.night_assessment_offered,
        night_work_advised_against=details.night_work_advised_against,
        pattern=_pattern(details, calendar.start),
    )


def _absences(people: list[Person], calendar: _Calendar) -> dict[int, dict[str, set[int]]]:
    """Each person's days of leave, TOIL and sickness in the roster, from one query."""
    found = {person.pk: {kind: set() for kind in Absence.Kind.values} for person in people}
    rows = Absence.objects.filter(
        person__in=people,
        first_day__lte=calendar.date(calendar.horizon - 1),
        last_day__gte=calendar.start,
    )
    for row in rows:
        found[row.person_id][row.kind] |= calendar.within(row.first_day, row.last_day)
    return found


def _arrangement(person, calendar: _Calendar, shifts, weekly: int):
    """The agreed arrangements in force during the roster, merged into one (see above)."""
    end = calendar.date(calendar.horizon - 1)
    agreed = [a for a in agreed_arrangements(person, on=calendar.start) if a.start_date <= end]
    if not agreed:
        return core.Arrangement(), weekly
    rest_weekdays: set[int] = set()
    unavailable: set[int] = set()
    terms: dict = {}
    descriptions = []
    for found in agreed:
        days = calendar.within(found.start_date, found.end_date)
        whole = len(days) == calendar.horizon
        weekdays = {number - 1 for number in found.fixed_rest_weekdays}
        if whole:
            rest_weekdays |= weekdays
        else:
            unavailable |= {d for d in days if calendar.date(d).weekday() in weekdays}
        if found.term_time:
            unavailable |= {d for d in days if calendar.date(d) in calendar.holidays}
        if found.hours_per_week is not None and whole:
            weekly = round(found.hours_per_week * 60)
            if found.pattern == "part-time":
                terms["max_minutes_per_week"] = weekly
            if found.pattern == "minimum-hours-contract":
                terms["min_minutes_per_week"] = weekly
        if found.pattern == "compressed-hours":
            long_days = {code for code, s in shifts.items() if s.length_minutes >= 600}
            if long_days:
                terms["shifts"] = frozenset(long_days)
        descriptions.append(f"{pattern_get(found.pattern).title} from {found.start_date:%d %b %Y}")
    arrangement = core.Arrangement(
        description="; ".join(descriptions),
        fixed_rest_weekdays=frozenset(rest_weekdays),
        unavailable_days=frozenset(unavailable),
        **terms,
    )
    return arrangement, weekly


def _annualised(person, start: datetime.date) -> core.AnnualisedHours | None:
    details = person.rostering
    if details.annualised_hours is None or details.reference_start is None:
        return None
    year_end = details.reference_start.replace(year=details.reference_start.year + 1)
    worked = sum(
        row.shift.length_minutes
        for row in Assignment.objects.filter(
            person=person,
            roster__status=RosterStatus.PUBLISHED,
            on__gte=details.reference_start,
            on__lt=start,
        ).select_related("shift")
    )
    return core.AnnualisedHours(
        target_minutes=round(details.annualised_hours * 60),
        worked_minutes=round(details.hours_brought_forward * 60) + worked,
        reference_days_left=max(1, (year_end - start).days),
    )


def pattern_codes(working_pattern: str) -> list[str | None]:
    """A working pattern's shift codes day by day, None for a day off ("-")."""
    return [None if code == "-" else code for code in working_pattern.split()]


def _pattern(details, start: datetime.date) -> tuple[str | None, ...]:
    codes = pattern_codes(details.working_pattern)
    if not codes:
        return ()
    offset = (start - (details.pattern_start or start)).days % len(codes)
    return tuple(codes[offset:] + codes[:offset])


def _cover(team: RosteredTeam, calendar: _Calendar, shifts) -> list[core.Cover]:
    end = calendar.date(calendar.horizon - 1)
    rows = [
        *Demand.objects.filter(team=team, on__isnull=True),
        *Demand.objects.filter(team=team, on__gte=calendar.start, on__lte=end),
    ]
    dated = {(row.on, row.shift_id) for row in rows if row.on is not None}
    cover = []
    for day in calendar.days():
        date = calendar.date(day)
        for row in rows:
            if row.on is None and (row.weekday != date.weekday() or (date, row.shift_id) in dated):
                continue
            if row.on is not None and row.on != date:
                continue
            cover.append(
                core.Cover(
                    day=day,
                    shift=_code(shifts, row.shift_id),
                    minimum=row.minimum,
                    preferred=max(row.minimum, row.preferred),
                    skill=row.skill or None,
                    under_weight=UNDER_PREFERRED_WEIGHT,
                )
            )
    return cover


def _code(shifts: dict[str, ShiftType], shift_id: int) -> str:
    return next(code for code, shift in shifts.items() if shift.pk == shift_id)


def _requests(people, start, end, calendar: _Calendar) -> list[core.Request]:
    rows = ShiftRequest.objects.filter(
        person__in=people, on__gte=start, on__lte=end
    ).select_related("shift")
    return [
        core.Request(
            staff=str(row.person_id),
            day=(row.on - calendar.start).days,
            shift=row.shift.code if row.shift else None,
            on=row.work,
            weight=row.weight,
        )
        for row in rows
    ]
