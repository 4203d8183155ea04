"""What a roster problem is: shift types, demand, staff and their agreed arrangements, requests.

Everything is plain, frozen dataclasses; days are indexes 0..horizon-1 counted from
`Problem.start` (a date), times are whole minutes. The web pages and the JSON/YAML reader
(`rostering.problem_file`) build these; the checker and the solver only read them.

- `ShiftType`: start (minutes after midnight, or None when unknown as in the NRP instances),
  length, the shifts that may not follow it the next day, and whether it is a night shift.
  A shift counts as weekend work when it starts on a Saturday or Sunday.
- `Cover`: for one day and shift, the hard `minimum` and the soft `preferred` number of
  staff, optionally only counting staff with a `skill` (a grade such as "B4" or a skill
  such as "OSG"); `under_weight` is paid per person short of preferred, `over_weight`
  per person above it.
- `Staff`: contract, grade and skills, the agreed flexible-working `Arrangement`,
  annualised hours, approved leave and TOIL, the 48-hour opt-out, night work (reg. 2 night
  worker, hazardous, the free health assessment last offered, medical advice against it), an
  optional repeating working `pattern`, and `Limits` (per-person limits as the NRP instances
  state them).
- `Request`: a wish to work (`on`) or not to work (`off`) a shift (or any shift when
  `shift` is None) on a day, with the weight paid when it is not honoured.
- `Rules`: the Working Time Regulations settings and the weights of the soft goals.
- `Roster`: the answer, for each staff id a list with a shift id or None per day.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from probity.core.concerns import add_months

MINUTES_A_DAY = 1440
FULL_TIME_MINUTES = 37 * 60  # a prison officer's full-time week (37 hours)
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class ShiftType:
    id: str
    length: int
    start: int | None = None
    forbidden_next: frozenset[str] = frozenset()
    night: bool = False
    name: str = ""

    @property
    def label(self) -> str:
        return self.name or self.id


@dataclass(frozen=True)
class Cover:
    day: int
    shift: str
    minimum: int = 0
    preferred: int = 0
    skill: str | None = None
    under_weight: int = 1
    over_weight: int = 0


@dataclass(frozen=True)
class Arrangement:
    """An agreed flexible-working arrangement; every term is a hard rule for the roster.

    `fixed_rest_weekdays` (0 = Monday) are never worked; `unavailable_days` are days the
    arrangement excludes (term-time: the school holidays); `no_nights` keeps night shifts
    off; `shifts` limits the shift types (compressed hours: long days only);
    `max_days_per_week` and the weekly hour band apply per calendar week (Monday-Sunday);
    a job share's partners are never rostered on the same day.
    """

    description: str = ""
    fixed_rest_weekdays: frozenset[int] = frozenset()
    unavailable_days: frozenset[int] = frozenset()
    no_nights: bool = False
    shifts: frozenset[str] | None = None
    max_days_per_week: int | None = None
    max_minutes_per_week: int | None = None
    min_minutes_per_week: int | None = None
    job_share_with: str | None = None


@dataclass(frozen=True)
class AnnualisedHours:
    """Hours owed over a reference period (often a year), and those already worked in it."""

    target_minutes: int
    worked_minutes: int
    reference_days_left: int  # days of the reference period from the roster's first day on


@dataclass(frozen=True)
class Limits:
    """Per-person limits over the horizon, as the NRP benchmark states them (None = no limit)."""

    max_shifts: dict[str, int] = field(default_factory=dict)
    max_minutes: int | None = None
    min_minutes: int | None = None
    max_consecutive: int | None = None
    min_consecutive: int | None = None
    min_consecutive_off: int | None = None
    max_weekends: int | None = None


@dataclass(frozen=True)
class Staff:
    id: str
    name: str = ""
    grade: str = ""
    skills: frozenset[str] = frozenset()
    contracted_minutes: int = 0  # a week
    arrangement: Arrangement = Arrangement()
    annualised: AnnualisedHours | None = None
    leave_days: frozenset[int] = frozenset()
    toil_days: frozenset[int] = frozenset()
    days_off: frozenset[int] = frozenset()
    opted_out_48h: bool = False
    # Works at least 3 hours of night time as a normal course (WTR reg. 2): the night
    # average (reg. 6) binds them whether or not they opted out of the 48-hour week.
    night_worker: bool = False
    # Night work with special hazards or heavy physical or mental strain (by risk assessment
    # or agreement): at most 8 hours' work in any 24 in which they work at night (reg. 6(7)).
    hazardous_night_work: bool = False
    # The day a free health assessment was last offered (None = never): a night worker may
    # work nights only within `Rules.night_assessment_months` of it (WTR reg. 7(1)).
    night_assessment_offered: datetime.date | None = None
    # A registered medical practitioner advised that night work harms their health: no night
    # shifts (reg. 7(6): transferred to day work).
    night_work_advised_against: bool = False
    pattern: tuple[str | None, ...] = ()
    limits: Limits = Limits()

    @property
    def label(self) -> str:
        return self.name or self.id

    def has_skill(self, skill: str | None) -> bool:
        return skill is None or skill == self.grade or skill in self.skills


@dataclass(frozen=True)
class Request:
    staff: str
    day: int
    shift: str | None
    on: bool
    weight: int = 1


@dataclass(frozen=True)
class Rules:
    """Working Time Regulations 1998 settings and the weights of the soft goals.

    `daily_rest_minutes` (reg. 10: 11 hours between shifts) needs shift start times;
    `weekly_rest` (reg. 11: 24 hours' uninterrupted rest in each 7 days) is checked as a
    day with no shift in every 7 consecutive days, with at least 24 hours between the
    shifts either side of it; `max_average_weekly_minutes` (reg. 4: 48 hours) is averaged
    over `reference_weeks` weeks, or the whole horizon when it is shorter;
    `night_average_minutes` (reg. 6: 8 hours in each 24) binds night workers over the same
    windows, each 24 hours of weekly rest left out of the count (reg. 6(5)), and no opt-out
    lifts it; it is also the most a night worker whose night work is hazardous may work in
    any 24 hours with night work in them (reg. 6(7)), which needs shift start times;
    `night_assessment_months` (reg. 7(1)) is how recently a night worker must have been
    offered a free health assessment to work a night shift (None: not checked).
    """

    daily_rest_minutes: int | None = 11 * 60
    weekly_rest: bool = True
    max_average_weekly_minutes: int | None = 48 * 60
    reference_weeks: int = 17
    night_average_minutes: int | None = 8 * 60
    night_assessment_months: int | None = 12
    hours_weight: int = 1  # per started hour away from the contract or annualised target
    night_fairness_weight: int = 2  # per night (a full-time equivalent) between most and fewest
    weekend_fairness_weight: int = 2  # per weekend shift (FTE) between most and fewest


NRP_RULES = Rules(
    daily_rest_minutes=None,
    weekly_rest=False,
    max_average_weekly_minutes=None,
    night_average_minutes=None,
    night_assessment_months=None,
    hours_weight=0,
    night_fairness_weight=0,
    weekend_fairness_weight=0,
)


@dataclass(frozen=True)
class Problem:
    start: datetime.date
    horizon: int
    shifts: tuple[ShiftType, ...]
    cover: tuple[Cover, ...]
    staff: tuple[Staff, ...]
    requests: tuple[Request, ...] = ()
    rules: Rules = Rules()
    name: str = ""

    def shift(self, shift_id: str) -> ShiftType:
        return self.shift_index[shift_id]

    @property
    def shift_index(self) -> dict[str, ShiftType]:
        return {shift.id: shift for shift in self.shifts}

    def date(self, day: int) -> datetime.date:
        return self.start + datetime.timedelta(days=day)

    def weekday(self, day: int) -> int:
        return (self.start.weekday() + day) % 7

    def is_weekend(self, day: int) -> bool:
        return self.weekday(day) >= 5

    def weekends(self) -> list[tuple[int, ...]]:
        """Each weekend in the horizon as its Saturday and Sunday (either may be cut)."""
        weekends: dict[int, list[int]] = {}
        for day in range(self.horizon):
            if self.is_weekend(day):
                monday = day - self.weekday(day)
                weekends.setdefault(monday, []).append(day)
        return [tuple(days) for _, days in sorted(weekends.items())]

    def calendar_weeks(self) -> list[tuple[int, ...]]:
        """The horizon's Monday-Sunday weeks as day indexes; only whole weeks."""
        first_monday = (7 - self.weekday(0)) % 7
        return [
            tuple(range(monday, monday + 7)) for monday in range(first_monday, self.horizon - 6, 7)
        ]

    def day_label(self, day: int) -> str:
        return self.date(day).strftime("%a %d %b %Y")


def unavailable_reason(problem: Problem, person: Staff, day: int) -> str | None:
    """Why a person may not work at all on a day (the rule's name), or None."""
    if day in person.leave_days:
        return "leave"
    if day in person.toil_days:
        return "toil"
    if day in person.days_off:
        return "days-off"
    if problem.weekday(day) in person.arrangement.fixed_rest_weekdays:
        return "fixed-rest-day"
    if day in person.arrangement.unavailable_days:
        return "arrangement-unavailable"
    return None


def shift_refused(person: Staff, shift: ShiftType) -> str | None:
    """Why a person may never work a shift type (the rule's name), or None."""
    terms = person.arrangement
    if terms.no_nights and shift.night:
        return "no-nights"
    if terms.shifts is not None and shift.id not in terms.shifts:
        return "arrangement-shifts"
    if person.limits.max_shifts.get(shift.id, 1) == 0:
        return "max-shifts"
    return None


def shift_refused_on(problem: Problem, person: Staff, day: int, shift: ShiftType) -> str | None:
    """Why a person may not work a shift on a day (the rule's name), or None: a shift type
    they may never work, or a night shift reg. 7 keeps them off that day."""
    refused = shift_refused(person, shift)
    if refused is None and shift.night and night_work_barred(problem, person, day):
        return "night-assessment"
    return refused


def night_work_barred(problem: Problem, person: Staff, day: int) -> str | None:
    """Why WTR reg. 7 keeps a person off night work on a day, in words, or None.

    Reg. 7(1) bars assigning a worker to work that makes them a night worker, and keeping
    a night worker on it, without the offer of a free health assessment (before they take
    it up, then at regular intervals); it does not reach a day worker covering an
    occasional night. So the interval binds staff flagged `night_worker` (reg. 2), whom the
    manager flags as they are put on nights as a normal course. Medical advice against
    night work (reg. 7(6)) keeps anyone so advised off every night shift.
    """
    if person.night_work_advised_against:
        return "a registered medical practitioner advised against night work (reg. 7(6))"
    months = problem.rules.night_assessment_months
    if months is None or not person.night_worker:
        return None
    date = problem.date(day)
    offered = person.night_assessment_offered
    if offered is None or not add_months(date, -months) <= offered <= date:
        return (
            f"no free health assessment offered within {months} months before "
            f"{date.isoformat()} (reg. 7)"
        )
    return None


def target_minutes(problem: Problem, person: Staff) -> int:
    """The minutes a person should work in the horizon: the annualised target pro rata,
    else the contract; each day of leave or TOIL counts as a fifth of the week worked."""
    if person.annualised is not None:
        owed = person.annualised.target_minutes - person.annualised.worked_minutes
        days = max(person.annualised.reference_days_left, problem.horizon)
        return max(0, round(owed * problem.horizon / days))
    weekly = person.contracted_minutes
    credited = len(person.leave_days | person.toil_days) * weekly // 5
    return max(0, round(weekly * problem.horizon / 7) - credited)


def fte_factor(person: Staff) -> int:
    """Tenths to multiply a person's nights or weekends by, to compare full-time equivalents."""
    if person.contracted_minutes <= 0:
        return 10
    return max(1, round(10 * FULL_TIME_MINUTES / person.contracted_minutes))


def rest_between(first: ShiftType, second: ShiftType, days_apart: int) -> int | None:
    """Minutes from the end of `first` to the start of `second` worked `days_apart` days later."""
    if first.start is None or second.start is None:
        return None
    return days_apart * MINUTES_A_DAY + second.start - (first.start + first.length)


def night_overload(first: ShiftType, second: ShiftType, days_apart: int, limit: int) -> int | None:
    """The most minutes worked in any 24 hours with `first` and `second` (worked `days_apart`
    days later) in them, when one is a night shift and that is over `limit`; else None (also
    when a start time is unknown). With two shifts the busiest 24 hours start as the first
    does or end as the second does."""
    if not (first.night or second.night) or first.start is None or second.start is None:
        return None
    first_end = first.start + first.length
    second_start = days_apart * MINUTES_A_DAY + second.start
    second_end = second_start + second.length
    from_first = first.length + max(0, min(second_end, first.start + MINUTES_A_DAY) - second_start)
    to_second = second.length + max(0, first_end - max(first.start, second_end - MINUTES_A_DAY))
    most = max(from_first, to_second)
    return most if most > limit else None


@dataclass
class Roster:
    """For each staff id, a list of shift ids (None = not working), one per day."""

    assignments: dict[str, list[str | None]]

    @classmethod
    def empty(cls, problem: Problem) -> Roster:
        return cls({person.id: [None] * problem.horizon for person in problem.staff})

    def shift_on(self, staff_id: str, day: int) -> str | None:
        return self.assignments[staff_id][day]

    def to_dict(self) -> dict[str, list[str | None]]:
        return {staff_id: list(days) for staff_id, days in self.assignments.items()}

    def changes_from(self, other: Roster) -> int:
        """How many staff-days differ from another roster of the same problem."""
        return sum(
            1
            for staff_id, days in self.assignments.items()
            for day, shift in enumerate(days)
            if other.assignments.get(staff_id, [None] * len(days))[day] != shift
        )
