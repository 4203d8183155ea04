"""Check any roster against every hard rule and score its soft goals, independently of the solver.

`check(problem, roster)` returns a `Check`: `violations` (each names its rule, the person
and the day; an empty list means the roster may be published), the weighted `penalties`
of the soft goals and their sum `objective`, the number the solver minimises. For an NRP
benchmark instance the objective is exactly the benchmark's: unmet shift-on requests,
granted shift-off requests, and cover under/over the requirement, each times its weight.

`roster_metrics(problem, roster)` gives what a governor compares between rostering models:
cover shortfall, requests met, hours against contract, and the spread of nights and weekends.

The rules are written here straight from their definitions (a loop over the roster), not
from the solver's constraints, so that one checks the other.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field

from probity.core.rostering.model import (
    MINUTES_A_DAY,
    WEEKDAY_NAMES,
    Problem,
    Roster,
    Staff,
    fte_factor,
    night_overload,
    night_work_barred,
    rest_between,
    shift_refused_on,
    target_minutes,
    unavailable_reason,
)

RULES = {
    "roster-shape": "one entry a day for every member of staff, each a known shift or none",
    "cover-minimum": "at least the minimum staff (with the skill asked for) on every shift",
    "leave": "no shifts on approved leave",
    "toil": "no shifts on TOIL days",
    "days-off": "no shifts on days the person must have off",
    "fixed-rest-day": "no shifts on an agreed fixed rest day",
    "arrangement-unavailable": "no shifts on days the agreed arrangement excludes (term-time)",
    "no-nights": "no night shifts for someone whose arrangement excludes them",
    "arrangement-shifts": "only the shift types the agreed arrangement allows",
    "arrangement-days-a-week": "no more days a week than the agreed arrangement allows",
    "arrangement-hours-a-week": "weekly hours within the agreed arrangement's band",
    "job-share": "job-share partners are not rostered on the same day",
    "forbidden-succession": "a shift is not followed the next day by a shift it may not precede",
    "daily-rest": "11 hours' rest between shifts (Working Time Regulations reg. 10)",
    "weekly-rest": "24 hours' uninterrupted rest in every 7 days (WTR reg. 11)",
    "average-48h": "at most 48 hours a week on average unless opted out (WTR reg. 4)",
    "night-average": "a night worker averages at most 8 hours in each 24, opt-out or not (reg. 6)",
    "night-hazard": "hazardous night work: at most 8 hours in any 24 with night work (reg. 6(7))",
    "night-assessment": "no night work without a recent free health assessment offered, nor "
    "against medical advice (reg. 7)",
    "max-shifts": "no more shifts of a type than the person's limit",
    "max-minutes": "no more than the person's maximum minutes in the horizon",
    "min-minutes": "at least the person's minimum minutes in the horizon",
    "max-consecutive": "no more consecutive working days than the person's limit",
    "min-consecutive": "no shorter run of working days than the person's minimum",
    "min-consecutive-off": "no shorter run of days off than the person's minimum",
    "max-weekends": "no more working weekends than the person's limit",
}


@dataclass(frozen=True)
class Violation:
    rule: str
    message: str
    staff: str | None = None
    day: int | None = None


@dataclass
class Check:
    violations: list[Violation] = field(default_factory=list)
    penalties: dict[str, int] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.violations

    @property
    def objective(self) -> int:
        return sum(self.penalties.values())

    def summary(self) -> str:
        if self.valid:
            return f"valid; objective {self.objective}"
        rules = sorted({violation.rule for violation in self.violations})
        return f"{len(self.violations)} rule violations ({', '.join(rules)})"


def check(problem: Problem, roster: Roster) -> Check:
    result = Check()
    if not _check_shape(problem, roster, result.violations):
        return result
    for person in problem.staff:
        result.violations.extend(_person_violations(problem, roster, person))
    result.violations.extend(_job_share_violations(problem, roster))
    result.violations.extend(_cover_violations(problem, roster))
    result.penalties = soft_penalties(problem, roster)
    return result


def _check_shape(problem: Problem, roster: Roster, violations: list[Violation]) -> bool:
    shift_ids = problem.shift_index
    staff_ids = {person.id for person in problem.staff}
    for staff_id in sorted(set(roster.assignments) - staff_ids):
        violations.append(Violation("roster-shape", f"{staff_id} is not on the staff", staff_id))
    for person in problem.staff:
        days = roster.assignments.get(person.id)
        if days is None or len(days) != problem.horizon:
            violations.append(
                Violation("roster-shape", f"{person.label} needs {problem.horizon} days", person.id)
            )
            continue
        for day, shift in enumerate(days):
            if shift is not None and shift not in shift_ids:
                violations.append(
                    Violation("roster-shape", f"unknown shift {shift!r}", person.id, day)
                )
    return not violations


def _person_violations(problem: Problem, roster: Roster, person: Staff) -> list[Violation]:
    days = roster.assignments[person.id]
    found: list[Violation] = []

    def flag(rule: str, message: str, day: int | None = None) -> None:
        found.append(Violation(rule, f"{person.label}: {message}", person.id, day))

    for day, shift_id in enumerate(days):
        if shift_id is None:
            continue
        shift = problem.shift(shift_id)
        reason = unavailable_reason(problem, person, day)
        if reason:
            flag(reason, f"{shift.label} on {problem.day_label(day)}: {RULES[reason]}", day)
        refused = shift_refused_on(problem, person, day, shift)
        if refused:
            why = RULES[refused]
            if refused == "night-assessment":
                why = night_work_barred(problem, person, day)
            flag(refused, f"{shift.label} on {problem.day_label(day)}: {why}", day)
    _successions(problem, days, flag)
    _weekly_rest(problem, days, flag)
    _averages(problem, person, days, flag)
    _hazardous_nights(problem, person, days, flag)
    _arrangement_weeks(problem, person, days, flag)
    _limits(problem, person, days, flag)
    return found


def _successions(problem: Problem, days: list[str | None], flag) -> None:
    daily_rest = problem.rules.daily_rest_minutes
    for day, shift_id in enumerate(days):
        if shift_id is None:
            continue
        shift = problem.shift(shift_id)
        for gap in (1, 2):
            if day + gap >= len(days) or days[day + gap] is None:
                continue
            following = problem.shift(days[day + gap])
            if gap == 1 and following.id in shift.forbidden_next:
                flag(
                    "forbidden-succession",
                    f"{following.label} on {problem.day_label(day + 1)} may not follow "
                    f"{shift.label}",
                    day + 1,
                )
            rest = rest_between(shift, following, gap)
            if daily_rest is not None and rest is not None and rest < daily_rest:
                flag(
                    "daily-rest",
                    f"only {rest / 60:g} hours' rest before {following.label} on "
                    f"{problem.day_label(day + gap)}",
                    day + gap,
                )


def is_rest_day(problem: Problem, days: list[str | None], day: int) -> bool:
    """A day with no shift and at least 24 hours between the shifts either side of it."""
    if days[day] is not None:
        return False
    if day == 0 or day + 1 >= len(days) or days[day - 1] is None or days[day + 1] is None:
        return True
    rest = rest_between(problem.shift(days[day - 1]), problem.shift(days[day + 1]), 2)
    return rest is None or rest >= MINUTES_A_DAY


def _weekly_rest(problem: Problem, days: list[str | None], flag) -> None:
    if not problem.rules.weekly_rest:
        return
    rest = [is_rest_day(problem, days, day) for day in range(len(days))]
    for first in range(len(days) - 6):
        if not any(rest[first : first + 7]):
            flag(
                "weekly-rest",
                f"no 24 hours' rest in the 7 days from {problem.day_label(first)}",
                first,
            )


def reference_windows(problem: Problem) -> list[range]:
    """The day ranges over which the 48-hour week is averaged: every run of `reference_weeks`
    weeks (counted in 7-day blocks from the first day), or the whole horizon if shorter."""
    span = problem.rules.reference_weeks * 7
    if problem.horizon <= span:
        return [range(problem.horizon)]
    return [range(first, first + span) for first in range(0, problem.horizon - span + 1, 7)]


def average_limits(problem: Problem, person: Staff) -> list[tuple[str, Callable[[range], int]]]:
    """The averages that bind a person's minutes in each reference window, by rule: the
    48-hour week unless opted out, and a night worker's 8 hours in each 24 (the window's
    days less one day of weekly rest in seven, reg. 6(5))."""
    rules, limits = problem.rules, []
    if rules.max_average_weekly_minutes is not None and not person.opted_out_48h:
        weekly = rules.max_average_weekly_minutes
        limits.append(("average-48h", lambda window: weekly * len(window) // 7))
    if rules.night_average_minutes is not None and person.night_worker:
        daily = rules.night_average_minutes
        limits.append(("night-average", lambda window: daily * _counted_days(window)))
    return limits


def _counted_days(window: range) -> int:
    return len(window) - len(window) // 7


def _averages(problem: Problem, person: Staff, days: list[str | None], flag) -> None:
    for rule, limit in average_limits(problem, person):
        for window in reference_windows(problem):
            worked = sum(problem.shift(days[day]).length for day in window if days[day])
            if worked > limit(window):
                flag(rule, _average_message(problem, rule, window, worked), window[0])


def _average_message(problem: Problem, rule: str, window: range, worked: int) -> str:
    weeks = f"over {len(window) // 7} weeks from {problem.day_label(window[0])}"
    if rule == "night-average":
        return (
            f"averages {worked / _counted_days(window) / 60:.1f} hours in each 24 {weeks} "
            "as a night worker"
        )
    return f"averages {worked * 7 / len(window) / 60:.1f} hours a week {weeks} without an opt-out"


def hazard_limit(problem: Problem, person: Staff) -> int | None:
    """The most a person may work in 24 hours with night work in them, if limited."""
    return problem.rules.night_average_minutes if person.hazardous_night_work else None


def _hazardous_nights(problem: Problem, person: Staff, days: list[str | None], flag) -> None:
    if (limit := hazard_limit(problem, person)) is None:
        return
    shifts = [problem.shift(shift_id) if shift_id else None for shift_id in days]
    for day, shift in enumerate(shifts):
        if shift is None:
            continue
        if shift.night and shift.length > limit:
            at = f"{shift.label} on {problem.day_label(day)}"
            flag("night-hazard", f"{at} is over {limit / 60:g} hours of hazardous night work", day)
        for later in (day + 1, day + 2):
            following = shifts[later] if later < len(shifts) else None
            most = following and night_overload(shift, following, later - day, limit)
            if most is not None:
                at = f"{following.label} on {problem.day_label(later)}"
                flag("night-hazard", f"{most / 60:g} hours in 24 up to {at} with night work", later)


def week_credit(problem: Problem, person: Staff, week: tuple[int, ...]) -> int:
    """Minutes of a week's minimum hours met by leave or TOIL (a fifth of the contract a day)."""
    absent = sum(1 for day in week if day in person.leave_days or day in person.toil_days)
    return absent * person.contracted_minutes // 5


def _arrangement_weeks(problem: Problem, person: Staff, days: list[str | None], flag) -> None:
    terms = person.arrangement
    for week in problem.calendar_weeks():
        worked = [day for day in week if days[day] is not None]
        minutes = sum(problem.shift(days[day]).length for day in worked)
        label = problem.day_label(week[0])
        if terms.max_days_per_week is not None and len(worked) > terms.max_days_per_week:
            flag(
                "arrangement-days-a-week",
                f"{len(worked)} days in the week of {label}, agreed at most "
                f"{terms.max_days_per_week}",
                week[0],
            )
        if terms.max_minutes_per_week is not None and minutes > terms.max_minutes_per_week:
            flag(
                "arrangement-hours-a-week",
                f"{minutes / 60:g} hours in the week of {label}, agreed at most "
                f"{terms.max_minutes_per_week / 60:g}",
                week[0],
            )
        if terms.min_minutes_per_week is not None:
            needed = terms.min_minutes_per_week - week_credit(problem, person, week)
            if minutes < needed:
                flag(
                    "arrangement-hours-a-week",
                    f"{minutes / 60:g} hours in the week of {label}, agreed at least "
                    f"{needed / 60:g}",
                    week[0],
                )


def runs(worked: list[bool], value: bool) -> list[tuple[int, int]]:
    """(first day, length) of each maximal run of days equal to `value`."""
    found = []
    day = 0
    while day < len(worked):
        if worked[day] == value:
            end = day
            while end < len(worked) and worked[end] == value:
                end += 1
            found.append((day, end - day))
            day = end
        else:
            day += 1
    return found


def _limits(problem: Problem, person: Staff, days: list[str | None], flag) -> None:
    limits = person.limits
    for shift_id, most in limits.max_shifts.items():
        count = days.count(shift_id)
        if count > most:
            flag("max-shifts", f"{count} {shift_id} shifts, at most {most}")
    minutes = sum(problem.shift(shift).length for shift in days if shift)
    if limits.max_minutes is not None and minutes > limits.max_minutes:
        flag("max-minutes", f"{minutes} minutes worked, at most {limits.max_minutes}")
    if limits.min_minutes is not None and minutes < limits.min_minutes:
        flag("min-minutes", f"{minutes} minutes worked, at least {limits.min_minutes}")
    worked = [shift is not None for shift in days]
    horizon = len(days)
    for first, length in runs(worked, True):
        if limits.max_consecutive is not None and length > limits.max_consecutive:
            flag("max-consecutive", f"{length} days in a row from {problem.day_label(first)}")
        # A run cut by the horizon's edge may continue outside it, so only inner runs count.
        inner = first > 0 and first + length < horizon
        if inner and limits.min_consecutive is not None and length < limits.min_consecutive:
            flag("min-consecutive", f"only {length} days in a row from {problem.day_label(first)}")
    for first, length in runs(worked, False):
        inner = first > 0 and first + length < horizon
        if inner and limits.min_consecutive_off is not None and length < limits.min_consecutive_off:
            flag("min-consecutive-off", f"only {length} days off from {problem.day_label(first)}")
    if limits.max_weekends is not None:
        weekends = sum(1 for weekend in problem.weekends() if any(worked[d] for d in weekend))
        if weekends > limits.max_weekends:
            flag("max-weekends", f"{weekends} weekends worked, at most {limits.max_weekends}")


def _job_share_violations(problem: Problem, roster: Roster) -> list[Violation]:
    labels = {person.id: person.label for person in problem.staff}
    pairs = {
        tuple(sorted((person.id, person.arrangement.job_share_with)))
        for person in problem.staff
        if person.arrangement.job_share_with is not None
    }
    return [
        Violation(
            "job-share",
            f"{labels[first]} and {labels[second]} share a job and both work "
            f"{problem.day_label(day)}",
            first,
            day,
        )
        for first, second in sorted(pairs)
        for day in range(problem.horizon)
        if roster.shift_on(first, day) and roster.shift_on(second, day)
    ]


def cover_counts(problem: Problem, roster: Roster) -> list[int]:
    """For each cover line, how many staff (with its skill) work that day and shift."""
    working: dict[tuple[int, str], list[Staff]] = {}
    for person in problem.staff:
        for day, shift in enumerate(roster.assignments[person.id]):
            if shift is not None:
                working.setdefault((day, shift), []).append(person)
    return [
        sum(
            1
            for person in working.get((cover.day, cover.shift), [])
            if person.has_skill(cover.skill)
        )
        for cover in problem.cover
    ]


def _cover_violations(problem: Problem, roster: Roster) -> list[Violation]:
    found = []
    for cover, count in zip(problem.cover, cover_counts(problem, roster), strict=True):
        if count < cover.minimum:
            skill = f" {cover.skill}" if cover.skill else ""
            found.append(
                Violation(
                    "cover-minimum",
                    f"{problem.shift(cover.shift).label} on {problem.day_label(cover.day)} has "
                    f"{count}{skill} staff, at least {cover.minimum} needed",
                    None,
                    cover.day,
                )
            )
    return found


def soft_penalties(problem: Problem, roster: Roster) -> dict[str, int]:
    rules = problem.rules
    under = over = 0
    for cover, count in zip(problem.cover, cover_counts(problem, roster), strict=True):
        under += cover.under_weight * max(0, cover.preferred - count)
        over += cover.over_weight * max(0, count - cover.preferred)
    penalties = {"cover-under": under, "cover-over": over, "requests": 0}
    for request in problem.requests:
        if _request_met(roster, request) is False:
            penalties["requests"] += request.weight
    if rules.hours_weight:
        penalties["hours"] = rules.hours_weight * sum(
            math.ceil(abs(_minutes(problem, roster, person) - target_minutes(problem, person)) / 60)
            for person in problem.staff
        )
    if rules.night_fairness_weight:
        penalties["night-fairness"] = rules.night_fairness_weight * math.ceil(
            _spread(problem, roster, night_eligible(problem), _nights) / 10
        )
    if rules.weekend_fairness_weight:
        penalties["weekend-fairness"] = rules.weekend_fairness_weight * math.ceil(
            _spread(problem, roster, weekend_eligible(problem), _weekend_shifts) / 10
        )
    return penalties


def _request_met(roster: Roster, request) -> bool:
    shift = roster.shift_on(request.staff, request.day)
    matches = shift is not None and (request.shift is None or shift == request.shift)
    return matches if request.on else not matches


def _minutes(problem: Problem, roster: Roster, person: Staff) -> int:
    return sum(problem.shift(s).length for s in roster.assignments[person.id] if s)


def night_eligible(problem: Problem) -> list[Staff]:
    """Staff who may work some night shift: the pool whose nights are shared fairly."""
    nights = [shift for shift in problem.shifts if shift.night]
    return [
        p
        for p in problem.staff
        if any(
            shift_refused_on(problem, p, day, s) is None
            for s in nights
            for day in range(problem.horizon)
        )
    ]


def weekend_eligible(problem: Problem) -> list[Staff]:
    """Staff who may work a weekend: the pool whose weekend shifts are shared fairly."""
    return [p for p in problem.staff if not {5, 6} <= p.arrangement.fixed_rest_weekdays]


def _nights(problem: Problem, roster: Roster, person: Staff) -> int:
    return sum(1 for s in roster.assignments[person.id] if s and problem.shift(s).night)


def _weekend_shifts(problem: Problem, roster: Roster, person: Staff) -> int:
    days = roster.assignments[person.id]
    return sum(1 for day, s in enumerate(days) if s and problem.is_weekend(day))


def _spread(problem: Problem, roster: Roster, pool: list[Staff], count) -> int:
    """Most minus fewest, in tenths of a shift per full-time equivalent."""
    values = [count(problem, roster, person) * fte_factor(person) for person in pool]
    return max(values) - min(values) if len(values) > 1 else 0


def roster_metrics(problem: Problem, roster: Roster) -> dict[str, float]:
    """The comparison a governor reads: shortfall, requests met, hours, fairness, violations."""
    counts = cover_counts(problem, roster)
    below_minimum = sum(max(0, c.minimum - n) for c, n in zip(problem.cover, counts, strict=True))
    below_preferred = sum(
        max(0, c.preferred - n) for c, n in zip(problem.cover, counts, strict=True)
    )
    met = [_request_met(roster, request) for request in problem.requests]
    deviations = [
        abs(_minutes(problem, roster, p) - target_minutes(problem, p)) / 60 for p in problem.staff
    ]
    nights = [_nights(problem, roster, p) * fte_factor(p) / 10 for p in night_eligible(problem)]
    weekends = [
        _weekend_shifts(problem, roster, p) * fte_factor(p) / 10 for p in weekend_eligible(problem)
    ]
    return {
        "shortfall_below_minimum": below_minimum,
        "shortfall_below_preferred": below_preferred,
        "requests_met_percent": 100 * sum(met) / len(met) if met else 100.0,
        "hours_off_target_mean": statistics.fmean(deviations) if deviations else 0.0,
        "nights_per_fte_stdev": statistics.pstdev(nights) if nights else 0.0,
        "nights_per_fte_range": max(nights) - min(nights) if nights else 0.0,
        "weekend_shifts_per_fte_stdev": statistics.pstdev(weekends) if weekends else 0.0,
        "weekend_shifts_per_fte_range": max(weekends) - min(weekends) if weekends else 0.0,
        "rule_violations": len(check(problem, roster).violations),
    }


def describe_weekdays(weekdays) -> str:
    return ", ".join(WEEKDAY_NAMES[day] for day in sorted(weekdays))
