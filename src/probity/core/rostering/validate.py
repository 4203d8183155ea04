"""Refuse a roster problem that does not make sense, naming the field at fault.

`validate_problem(problem)` raises `probity.core.errors.BadInput` whose `field` reads like
`demand[3].shift` or `staff[12] (s012).contracted_hours`, the names the JSON/YAML problem
file uses. A problem that is well formed but has no roster is not bad input: the solver
explains which rules conflict (`solver.explain_infeasible`).
"""

from __future__ import annotations

from probity.core.errors import BadInput
from probity.core.rostering.model import MINUTES_A_DAY, Problem, Staff


def validate_problem(problem: Problem) -> None:
    if problem.horizon < 1:
        raise BadInput("days", "the roster must cover at least one day")
    _validate_shifts(problem)
    _validate_cover(problem)
    staff_ids = _validate_staff(problem)
    _validate_requests(problem, staff_ids)
    rules = problem.rules
    if rules.daily_rest_minutes is not None and rules.daily_rest_minutes < 0:
        raise BadInput("rules.daily_rest_hours", "must not be negative")
    if rules.max_average_weekly_minutes is not None and rules.max_average_weekly_minutes <= 0:
        raise BadInput("rules.max_average_weekly_hours", "must be more than 0")
    if rules.night_average_minutes is not None and rules.night_average_minutes <= 0:
        raise BadInput("rules.night_average_hours", "must be more than 0")
    if rules.night_assessment_months is not None and rules.night_assessment_months <= 0:
        raise BadInput(
            "rules.night_assessment_months", "must be more than 0 (or null: not checked)"
        )
    if rules.reference_weeks < 1:
        raise BadInput("rules.reference_weeks", "must be at least 1")


def _validate_shifts(problem: Problem) -> None:
    if not problem.shifts:
        raise BadInput("shifts", "name at least one shift type")
    seen: set[str] = set()
    for index, shift in enumerate(problem.shifts):
        where = f"shifts[{index}]"
        if not shift.id:
            raise BadInput(f"{where}.id", "every shift type needs an id")
        if shift.id in seen:
            raise BadInput(f"{where}.id", f"shift type {shift.id!r} is listed twice")
        seen.add(shift.id)
        if not 0 < shift.length <= MINUTES_A_DAY:
            raise BadInput(f"{where}.hours", "a shift lasts more than 0 and at most 24 hours")
        if shift.start is not None and not 0 <= shift.start < MINUTES_A_DAY:
            raise BadInput(f"{where}.start", "give the start as a time of day, 00:00 to 23:59")
    for index, shift in enumerate(problem.shifts):
        for other in sorted(shift.forbidden_next):
            if other not in seen:
                raise BadInput(
                    f"shifts[{index}].not_followed_by", f"there is no shift type {other!r}"
                )


def _validate_cover(problem: Problem) -> None:
    shift_ids = {shift.id for shift in problem.shifts}
    seen: set[tuple] = set()
    for index, cover in enumerate(problem.cover):
        where = f"demand[{index}]"
        if cover.shift not in shift_ids:
            known = ", ".join(sorted(shift_ids))
            raise BadInput(
                f"{where}.shift", f"there is no shift type {cover.shift!r} (known: {known})"
            )
        if not 0 <= cover.day < problem.horizon:
            raise BadInput(f"{where}.day", "the day is outside the roster's dates")
        for name in ("minimum", "preferred", "under_weight", "over_weight"):
            if getattr(cover, name) < 0:
                raise BadInput(f"{where}.{name}", "must not be negative")
        key = (cover.day, cover.shift, cover.skill)
        if key in seen:
            raise BadInput(
                where,
                f"demand for {cover.shift} on {problem.day_label(cover.day)}"
                + (f" ({cover.skill})" if cover.skill else "")
                + " is given twice",
            )
        seen.add(key)


def _validate_staff(problem: Problem) -> set[str]:
    if not problem.staff:
        raise BadInput("staff", "name at least one member of staff")
    shift_ids = {shift.id for shift in problem.shifts}
    staff_ids = [person.id for person in problem.staff]
    for index, person in enumerate(problem.staff):
        where = f"staff[{index}] ({person.id})" if person.id else f"staff[{index}]"
        if not person.id:
            raise BadInput(f"{where}.id", "every member of staff needs an id")
        if staff_ids.count(person.id) > 1:
            raise BadInput(f"{where}.id", f"staff id {person.id!r} is listed twice")
        _validate_person(problem, person, where, shift_ids, set(staff_ids))
    return set(staff_ids)


def _validate_person(
    problem: Problem, person: Staff, where: str, shift_ids: set[str], staff_ids: set[str]
) -> None:
    if person.contracted_minutes < 0:
        raise BadInput(f"{where}.contracted_hours", "contracted hours must not be negative")
    for name in ("leave_days", "toil_days", "days_off"):
        for day in person.__getattribute__(name):
            if not 0 <= day < problem.horizon:
                raise BadInput(
                    f"{where}.{name.removesuffix('_days')}", "a day is outside the roster"
                )
    terms = person.arrangement
    at = f"{where}.arrangement"
    if any(not 0 <= weekday <= 6 for weekday in terms.fixed_rest_weekdays):
        raise BadInput(f"{at}.fixed_rest_days", "use day names, Monday to Sunday")
    for shift in sorted(terms.shifts or ()):
        if shift not in shift_ids:
            raise BadInput(f"{at}.shifts", f"there is no shift type {shift!r}")
    if terms.max_days_per_week is not None and not 0 <= terms.max_days_per_week <= 7:
        raise BadInput(f"{at}.max_days_per_week", "must be between 0 and 7")
    for name in ("max_minutes_per_week", "min_minutes_per_week"):
        if (getattr(terms, name) or 0) < 0:
            raise BadInput(f"{at}.{name.replace('minutes', 'hours')}", "must not be negative")
    if (terms.min_minutes_per_week or 0) > (terms.max_minutes_per_week or 10**9):
        raise BadInput(f"{at}.min_hours_per_week", "is more than the maximum hours a week")
    if terms.job_share_with is not None and (
        terms.job_share_with not in staff_ids or terms.job_share_with == person.id
    ):
        raise BadInput(
            f"{at}.job_share_with", f"there is no other staff id {terms.job_share_with!r}"
        )
    if person.annualised is not None and person.annualised.target_minutes < 0:
        raise BadInput(f"{where}.annualised.target_hours", "must not be negative")
    for shift in person.pattern:
        if shift is not None and shift not in shift_ids:
            raise BadInput(f"{where}.pattern", f"there is no shift type {shift!r}")
    limits = person.limits
    for shift, count in limits.max_shifts.items():
        if shift not in shift_ids:
            raise BadInput(f"{where}.max_shifts", f"there is no shift type {shift!r}")
        if count < 0:
            raise BadInput(f"{where}.max_shifts", "must not be negative")
    for name in (
        "max_minutes",
        "min_minutes",
        "max_consecutive",
        "min_consecutive",
        "min_consecutive_off",
        "max_weekends",
    ):
        if (getattr(limits, name) or 0) < 0:
            raise BadInput(f"{where}.{name}", "must not be negative")
    if (limits.min_minutes or 0) > (
        limits.max_minutes if limits.max_minutes is not None else 10**9
    ):
        raise BadInput(f"{where}.min_minutes", "is more than the maximum minutes")


def _validate_requests(problem: Problem, staff_ids: set[str]) -> None:
    shift_ids = {shift.id for shift in problem.shifts}
    for index, request in enumerate(problem.requests):
        where = f"requests[{index}]"
        if request.staff not in staff_ids:
            raise BadInput(f"{where}.staff", f"there is no staff id {request.staff!r}")
        if not 0 <= request.day < problem.horizon:
            raise BadInput(f"{where}.day", "the day is outside the roster's dates")
        if request.shift is not None and request.shift not in shift_ids:
            raise BadInput(f"{where}.shift", f"there is no shift type {request.shift!r}")
        if request.weight < 0:
            raise BadInput(f"{where}.weight", "must not be negative")
