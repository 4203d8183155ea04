"""Reads: who may see and edit a team's rosters, the roster grid, my shifts, swap requests.

Permissions (the pages and the API use the same functions):
- a team's managers are its detail-office planners and everyone above an active member in
  line management (people.selectors.person_managers); they see every version and edit;
- members of the team see its published roster and their own shifts;
- nobody else sees anything (the pages answer 404, never a hint).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from probity.apps.people.models import Person
from probity.apps.rostering.models import (
    Absence,
    Assignment,
    Roster,
    RosteredTeam,
    RosterStatus,
    ShiftRequest,
    SwapRequest,
    SwapStatus,
)
from probity.apps.rostering.problems import (
    RosterProblem,
    problem_for,
    roster_to_core,
    sick_days,
)
from probity.core.rostering.checker import check, cover_counts, roster_metrics

STALLED_AFTER_SECONDS = 120  # past the time limit: the process solving it has stopped


def team_manager_ids(team: RosteredTeam) -> set[int]:
    """The planners and everyone above an active member, as person_managers walks the line
    (people who left are passed over), from one read of the organisation's line management."""
    ids = set(team.planners.filter(active=True).values_list("pk", flat=True))
    people = Person.objects.filter(organisation_id=team.team.organisation_id)
    above = dict(people.values_list("pk", "line_manager_id"))
    active = set(people.filter(active=True).values_list("pk", flat=True))
    for member in people.filter(team=team.team, active=True).values_list("pk", flat=True):
        seen, current = {member}, above.get(member)
        while current is not None and current not in seen:
            seen.add(current)
            if current in active:
                ids.add(current)
            current = above.get(current)
    return ids


def may_manage(person: Person | None, team: RosteredTeam) -> bool:
    return person is not None and person.active and person.pk in team_manager_ids(team)


def may_see_published(person: Person | None, team: RosteredTeam) -> bool:
    if person is None or not person.active:
        return False
    return person.team_id == team.team_id or may_manage(person, team)


def teams_managed(person: Person) -> list[RosteredTeam]:
    teams = RosteredTeam.objects.filter(establishment__organisation=person.organisation)
    return [team for team in teams.select_related("team") if may_manage(person, team)]


def team_of(person: Person) -> RosteredTeam | None:
    if person.team_id is None:
        return None
    return RosteredTeam.objects.filter(team_id=person.team_id).select_related("team").first()


def week_start(date: datetime.date) -> datetime.date:
    return date - datetime.timedelta(days=date.weekday())


def rosters_covering(team: RosteredTeam, day: datetime.date, *, published_only: bool):
    """Versions of the team's roster that include a day, newest first."""
    rosters = Roster.objects.filter(team=team, start__lte=day).order_by("-start", "-version")
    if published_only:
        rosters = rosters.filter(status=RosterStatus.PUBLISHED)
    return [roster for roster in rosters if roster.end >= day]


def published_roster(team: RosteredTeam, day: datetime.date) -> Roster | None:
    found = rosters_covering(team, day, published_only=True)
    return found[0] if found else None


@dataclass
class Cell:
    code: str = ""
    name: str = ""
    absence: str = ""
    sick_instead_of: str = ""


@dataclass
class CoverLine:
    shift: str
    skill: str
    cells: list[dict] = field(default_factory=list)


@dataclass
class Row:
    person: Person
    grade: str
    cells: list[Cell]
    hours: float  # worked this week
    contract_hours: float  # a week, as agreed (an arrangement's hours, else the contract)


@dataclass
class Grid:
    roster: Roster
    days: list[datetime.date]
    rows: list[Row]
    cover: list[CoverLine]
    violations: list
    gaps: int
    shortfalls: int


def roster_grid(roster: Roster, week: datetime.date) -> Grid:
    """One week of a roster: each person's shifts and absences, the cover on each shift and day
    against its minimum and preferred numbers (sick days are gaps), and every rule the core
    checker finds broken."""
    found = problem_for(roster.team, roster.start, roster.weeks)
    current = roster_to_core(found, roster, without_sick=True)
    first = found.day(week)
    days = list(range(first, first + 7))
    absences = _absence_labels(found, week)
    sick = _sick_shifts(found, roster, week)
    rows = []
    staff = {person.id: person for person in found.problem.staff}
    for staff_id, person in found.people.items():
        cells = []
        for day in days:
            code = current.assignments[staff_id][day]
            shift = found.shifts.get(code) if code else None
            cells.append(
                Cell(
                    code=code or "",
                    name=shift.name if shift else "",
                    absence=absences.get((person.pk, found.date(day)), ""),
                    sick_instead_of=sick.get((person.pk, found.date(day)), ""),
                )
            )
        minutes = sum(found.shifts[c.code].length_minutes for c in cells if c.code)
        rows.append(
            Row(
                person,
                person.rostering.get_grade_display(),
                cells,
                hours=minutes / 60,
                contract_hours=staff[staff_id].contracted_minutes / 60,
            )
        )
    cover, gaps, shortfalls = _cover_lines(found, current, days)
    verdict = check(found.problem, current)
    return Grid(
        roster=roster,
        days=[found.date(day) for day in days],
        rows=rows,
        cover=cover,
        violations=verdict.violations,
        gaps=gaps,
        shortfalls=shortfalls,
    )


def _cover_lines(found: RosterProblem, current, days) -> tuple[list[CoverLine], int, int]:
    counts = cover_counts(found.problem, current)
    lines: dict[tuple[str, str], CoverLine] = {}
    gaps = shortfalls = 0
    for cover, count in zip(found.problem.cover, counts, strict=True):
        if cover.day not in days:
            continue
        key = (cover.shift, cover.skill or "")
        line = lines.setdefault(
            key, CoverLine(found.shifts[cover.shift].name, cover.skill or "", [{}] * 7)
        )
        below_minimum = max(0, cover.minimum - count)
        below_preferred = max(0, cover.preferred - count) - below_minimum
        gaps += below_minimum
        shortfalls += below_preferred
        line.cells = [*line.cells]
        line.cells[days.index(cover.day)] = {
            "count": count,
            "minimum": cover.minimum,
            "preferred": cover.preferred,
            "below_minimum": below_minimum,
            "below_preferred": below_preferred,
        }
    return list(lines.values()), gaps, shortfalls


def _absence_labels(found: RosterProblem, week: datetime.date) -> dict:
    end = week + datetime.timedelta(days=6)
    labels = {}
    rows = Absence.objects.filter(
        person__in=found.people.values(), first_day__lte=end, last_day__gte=week
    )
    for row in rows:
        for offset in range(7):
            day = week + datetime.timedelta(days=offset)
            if row.first_day <= day <= row.last_day:
                labels[(row.person_id, day)] = row.get_kind_display()
    return labels


def _sick_shifts(found: RosterProblem, roster: Roster, week: datetime.date) -> dict:
    sick = {(int(staff), found.date(day)) for staff, day in sick_days(found)}
    rows = Assignment.objects.filter(
        roster=roster, on__gte=week, on__lte=week + datetime.timedelta(days=6)
    ).select_related("shift")
    return {(r.person_id, r.on): r.shift.name for r in rows if (r.person_id, r.on) in sick}


@dataclass(frozen=True)
class Shift:
    on: datetime.date
    code: str
    name: str
    starts: datetime.datetime
    ends: datetime.datetime
    team: str
    roster_id: int
    assignment_id: int


def my_shifts(person: Person, *, since: datetime.date | None = None, days: int = 56) -> list[Shift]:
    """The person's shifts on published rosters still to end, from today (or all from
    `since`), soonest first."""
    now = timezone.now() if since is None else None
    since = since or timezone.localdate()
    rows = (
        Assignment.objects.filter(
            person=person,
            roster__status=RosterStatus.PUBLISHED,
            on__gte=since,
            on__lt=since + datetime.timedelta(days=days),
        )
        .select_related("shift", "roster__team__team")
        .order_by("on", "shift__starts")
    )
    shifts = [_shift(row) for row in rows]
    return [shift for shift in shifts if now is None or shift.ends > now]


def roster_shifts(roster: Roster) -> list[tuple[Person, Shift]]:
    rows = (
        Assignment.objects.filter(roster=roster)
        .select_related("shift", "person", "roster__team__team")
        .order_by("on", "shift__starts", "person__name")
    )
    return [(row.person, _shift(row)) for row in rows]


def _shift(row: Assignment) -> Shift:
    starts = timezone.make_aware(datetime.datetime.combine(row.on, row.shift.starts))
    return Shift(
        on=row.on,
        code=row.shift.code,
        name=row.shift.name,
        starts=starts,
        ends=starts + datetime.timedelta(minutes=row.shift.length_minutes),
        team=row.roster.team.team.name,
        roster_id=row.roster_id,
        assignment_id=row.pk,
    )


def shift_on(roster: Roster, person: Person, day: datetime.date) -> Assignment | None:
    return (
        Assignment.objects.filter(roster=roster, person=person, on=day)
        .select_related("shift")
        .first()
    )


def shift_requests_of(person: Person) -> QuerySet[ShiftRequest]:
    return ShiftRequest.objects.filter(person=person, on__gte=timezone.localdate()).select_related(
        "shift"
    )


def swaps_of(person: Person) -> QuerySet[SwapRequest]:
    return SwapRequest.objects.filter(Q(requester=person) | Q(colleague=person)).select_related(
        "requester", "colleague", "roster__team__team"
    )


def swaps_to_answer(person: Person) -> QuerySet[SwapRequest]:
    """Swaps asked of the person that wait for their answer."""
    return SwapRequest.objects.filter(colleague=person, status=SwapStatus.ASKED).select_related(
        "requester", "colleague", "roster__team__team"
    )


def swaps_to_decide(person: Person) -> list[SwapRequest]:
    """Swaps the colleague accepted that the person may decide as a manager."""
    waiting = SwapRequest.objects.filter(
        status=SwapStatus.REQUESTED,
        roster__team__establishment__organisation_id=person.organisation_id,
    ).select_related("requester", "colleague", "roster__team__team", "roster__team")
    return [swap for swap in waiting if may_decide_swap(person, swap)]


def may_decide_swap(person: Person | None, swap: SwapRequest) -> bool:
    if person is None or person.pk in (swap.requester_id, swap.colleague_id):
        return False
    return may_manage(person, swap.roster.team)


def may_answer_swap(person: Person | None, swap: SwapRequest) -> bool:
    return person is not None and person.active and person.pk == swap.colleague_id


def may_see_swap(person: Person | None, swap: SwapRequest) -> bool:
    return person is not None and (
        person.pk in (swap.requester_id, swap.colleague_id) or may_manage(person, swap.roster.team)
    )


def rostered_staff(team: RosteredTeam) -> QuerySet[Person]:
    return Person.objects.filter(team=team.team, active=True, rostering__isnull=False).order_by(
        "name"
    )


def swap_colleagues(person: Person, team: RosteredTeam) -> QuerySet[Person]:
    return rostered_staff(team).exclude(pk=person.pk)


def roster_measures(roster: Roster) -> dict[str, float] | None:
    """What a governor compares (the core's roster_metrics) for a worked-out roster."""
    if roster.status in (RosterStatus.SOLVING, RosterStatus.FAILED):
        return None
    found = problem_for(roster.team, roster.start, roster.weeks)
    return roster_metrics(found.problem, roster_to_core(found, roster, without_sick=True))


def roster_progress(roster: Roster) -> dict:
    """How far the solver has got: seconds gone of the time limit, and whether it stalled."""
    elapsed = (timezone.now() - roster.created_at).total_seconds()
    stalled = (
        roster.status == RosterStatus.SOLVING
        and elapsed > roster.time_limit + STALLED_AFTER_SECONDS
    )
    percent = (
        100
        if roster.status != RosterStatus.SOLVING
        else min(99, round(100 * elapsed / max(1, roster.time_limit)))
    )
    return {
        "status": roster.status,
        "label": roster.get_status_display(),
        "elapsed": round(elapsed),
        "time_limit": roster.time_limit,
        "percent": percent,
        "stalled": stalled,
    }
