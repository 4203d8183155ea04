"""A quick demand-led roster built day by day: the solver's starting point (a hint).

`greedy_roster(problem)` fills each day's cover lines, neediest first (most short of the
minimum, then of preferred, by weight), with the available person furthest below their
hours, keeping to the rules a day at a time can see: availability and arrangements,
skills, successions and daily rest, runs of days (max consecutive, weekly rest), days a
week, shifts of a type, minutes, weekends, job shares. It does not look ahead, so it may
leave a minimum unmet or a min-run rule broken; the solver repairs that. It is a hint,
never an answer: only the checker says whether a roster is valid.
"""

from __future__ import annotations

from probity.core.rostering.checker import average_limits, hazard_limit, is_rest_day, runs
from probity.core.rostering.model import (
    Problem,
    Roster,
    Staff,
    night_overload,
    rest_between,
    shift_refused_on,
    target_minutes,
    unavailable_reason,
)


def greedy_roster(problem: Problem) -> Roster:
    roster = Roster.empty(problem)
    state = {person.id: _State(problem, person) for person in problem.staff}
    wanted_off = {(r.staff, r.day) for r in problem.requests if not r.on and r.shift is None}
    by_day: dict[int, list] = {}
    for cover in problem.cover:
        by_day.setdefault(cover.day, []).append(cover)
    for day in range(problem.horizon):
        working_today: set[str] = set()
        counts = {id(cover): 0 for cover in by_day.get(day, [])}
        # Whether someone may work a shift today changes only when they are given one.
        eligible = {
            shift.id: [p for p in problem.staff if state[p.id].may_work(roster, day, shift)]
            for shift in problem.shifts
        }
        for _ in range(len(problem.staff)):
            open_lines = [
                c for c in by_day.get(day, []) if counts[id(c)] < max(c.minimum, c.preferred)
            ]
            if not open_lines:
                break
            cover = max(
                open_lines,
                key=lambda c: (counts[id(c)] < c.minimum, c.under_weight, -counts[id(c)]),
            )
            shift = problem.shift(cover.shift)
            candidates = [
                person
                for person in eligible[shift.id]
                if person.id not in working_today
                and person.has_skill(cover.skill)
                and person.arrangement.job_share_with not in working_today
            ]
            if not candidates:
                counts[id(cover)] = 10**9  # nobody left for this line today
                continue
            chosen = max(
                candidates,
                key=lambda p: (
                    state[p.id].short_of_weekly_minimum(day),
                    (p.id, day) not in wanted_off,
                    state[p.id].owed(),
                ),
            )
            roster.assignments[chosen.id][day] = shift.id
            state[chosen.id].work(day, shift)
            working_today.add(chosen.id)
            for line in by_day[day]:
                if line.shift == shift.id and chosen.has_skill(line.skill):
                    counts[id(line)] += 1
    return roster


class _State:
    def __init__(self, problem: Problem, person: Staff):
        self.problem, self.person = problem, person
        self.minutes = 0
        self.by_shift: dict[str, int] = {}
        self.run = 0  # days worked in a row up to yesterday
        self.last_day = -2
        self.weekends: set[int] = set()
        self.week_days: dict[int, int] = {}
        self.week_minutes: dict[int, int] = {}
        limits = person.limits
        self.target = limits.min_minutes if limits.min_minutes else target_minutes(problem, person)
        caps = [limit(range(problem.horizon)) for _, limit in average_limits(problem, person)]
        if limits.max_minutes is not None:
            caps.append(limits.max_minutes)
        self.cap = min(caps, default=None)
        self.hazard = hazard_limit(problem, person)

    def short_of_weekly_minimum(self, day: int) -> bool:
        least = self.person.arrangement.min_minutes_per_week
        week = (day + self.problem.weekday(0)) // 7
        return least is not None and self.week_minutes.get(week, 0) < least

    def owed(self) -> int:
        return self.target - self.minutes

    def may_work(self, roster: Roster, day: int, shift) -> bool:
        person, problem, limits = self.person, self.problem, self.person.limits
        if unavailable_reason(problem, person, day) or shift_refused_on(
            problem, person, day, shift
        ):
            return False
        if self.cap is not None and self.minutes + shift.length > self.cap:
            return False
        if self.hazard is not None and shift.night and shift.length > self.hazard:
            return False
        if self.by_shift.get(shift.id, 0) >= limits.max_shifts.get(shift.id, problem.horizon):
            return False
        run = self.run + 1 if self.last_day == day - 1 else 1
        most = limits.max_consecutive if limits.max_consecutive is not None else problem.horizon
        if problem.rules.weekly_rest:
            most = min(most, 6)
        if run > most:
            return False
        if not self._follows_well(roster, day, shift):
            return False
        if problem.rules.weekly_rest and not self._keeps_weekly_rest(roster, day, shift):
            return False
        week = (day + self.problem.weekday(0)) // 7  # calendar weeks
        terms = person.arrangement
        if (
            terms.max_days_per_week is not None
            and self.week_days.get(week, 0) >= terms.max_days_per_week
        ):
            return False
        if (
            terms.max_minutes_per_week is not None
            and self.week_minutes.get(week, 0) + shift.length > terms.max_minutes_per_week
        ):
            return False
        weekend = self._weekend_of(day)
        return not (
            weekend is not None
            and weekend not in self.weekends
            and limits.max_weekends is not None
            and len(self.weekends) >= limits.max_weekends
        )

    def _follows_well(self, roster: Roster, day: int, shift) -> bool:
        daily_rest = self.problem.rules.daily_rest_minutes
        for gap in (1, 2):
            if day - gap < 0:
                continue
            before = roster.shift_on(self.person.id, day - gap)
            if before is None:
                continue
            earlier = self.problem.shift(before)
            if gap == 1 and shift.id in earlier.forbidden_next:
                return False
            rest = rest_between(earlier, shift, gap)
            if daily_rest is not None and rest is not None and rest < daily_rest:
                return False
            hazard = self.hazard
            if hazard is not None and night_overload(earlier, shift, gap, hazard) is not None:
                return False
        return True

    def _keeps_weekly_rest(self, roster: Roster, day: int, shift) -> bool:
        """Working `day` still leaves a rest day in the 7 days ending on it."""
        if day < 6:
            return True
        days = roster.assignments[self.person.id]
        days[day] = shift.id
        try:
            return any(is_rest_day(self.problem, days, d) for d in range(day - 6, day))
        finally:
            days[day] = None

    def _weekend_of(self, day: int) -> int | None:
        return day - self.problem.weekday(day) if self.problem.is_weekend(day) else None

    def work(self, day: int, shift) -> None:
        self.run = self.run + 1 if self.last_day == day - 1 else 1
        self.last_day = day
        self.minutes += shift.length
        self.by_shift[shift.id] = self.by_shift.get(shift.id, 0) + 1
        week = (day + self.problem.weekday(0)) // 7
        self.week_days[week] = self.week_days.get(week, 0) + 1
        self.week_minutes[week] = self.week_minutes.get(week, 0) + shift.length
        weekend = self._weekend_of(day)
        if weekend is not None:
            self.weekends.add(weekend)


def weekday_roster(problem: Problem) -> Roster:
    """Everyone on weekdays in runs, one shift type a run: a start that keeps each person's own
    limits when cover is soft (the NRP instances), where the day-by-day greedy can break the
    minimum-run rules. Runs too short, rests too short and shifts beyond a limit are dropped."""
    roster = Roster.empty(problem)
    demand: dict[str, int] = {}
    for cover in problem.cover:
        demand[cover.shift] = demand.get(cover.shift, 0) + max(cover.minimum, cover.preferred)
    for index, person in enumerate(problem.staff):
        worked = [
            problem.weekday(day) < 5 and unavailable_reason(problem, person, day) is None
            for day in range(problem.horizon)
        ]
        for _ in range(3):  # dropping a day can make another run too short
            _drop_short_runs(person, worked)
        days = roster.assignments[person.id]
        used: dict[str, int] = {}
        minutes = 0
        for first, length in runs(worked, True):
            shift = _shift_for_run(
                problem, person, range(first, first + length), used, demand, index
            )
            if shift is None:
                continue
            if person.limits.max_minutes is not None:
                length = min(length, (person.limits.max_minutes - minutes) // shift.length)
            if length <= 0 or (length < (person.limits.min_consecutive or 1) and first > 0):
                continue
            for day in range(first, first + length):
                days[day] = shift.id
            used[shift.id] = used.get(shift.id, 0) + length
            minutes += length * shift.length
    return roster


def _drop_short_runs(person: Staff, worked: list[bool]) -> None:
    least_on = person.limits.min_consecutive or 1
    least_off = person.limits.min_consecutive_off or 1
    horizon = len(worked)
    for first, length in runs(worked, True):
        if first > 0 and first + length < horizon and length < least_on:
            worked[first : first + length] = [False] * length
    for first, length in runs(worked, False):
        if first > 0 and first + length < horizon and length < least_off:
            # lengthen the rest by giving up the working day after it
            worked[first + length] = False


def _shift_for_run(problem, person, run: range, used, demand, index):
    usable = [
        shift
        for shift in problem.shifts
        if all(shift_refused_on(problem, person, day, shift) is None for day in run)
        and shift.id not in shift.forbidden_next
        and used.get(shift.id, 0) + len(run) <= person.limits.max_shifts.get(shift.id, 10**9)
    ]
    if not usable:
        return None
    ranked = sorted(usable, key=lambda s: -demand.get(s.id, 0))
    return ranked[index % len(ranked)]
