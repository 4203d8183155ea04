"""Small hand-made roster problems for the rostering tests."""

import dataclasses
import datetime

from probity.core.rostering.model import (
    Arrangement,
    Cover,
    Problem,
    Request,
    Roster,
    Rules,
    ShiftType,
    Staff,
)

MONDAY = datetime.date(2026, 1, 5)
EARLY = ShiftType("E", 480, start=7 * 60, name="Early")
LATE = ShiftType("L", 480, start=14 * 60, name="Late")  # ends 22:00: an Early next day breaks 11h
NIGHT = ShiftType("N", 600, start=21 * 60, night=True, name="Night")
# A free health assessment offered 3 months before MONDAY: nights open to a night worker (reg. 7).
ASSESSED = datetime.date(2025, 10, 5)
QUIET = Rules(hours_weight=0, night_fairness_weight=0, weekend_fairness_weight=0)


def person(staff_id: str, **fields) -> Staff:
    return Staff(id=staff_id, name=staff_id.title(), grade=fields.pop("grade", "B3"), **fields)


def problem(staff, cover=(), requests=(), days=7, shifts=(EARLY, LATE, NIGHT), rules=QUIET):
    return Problem(
        start=MONDAY,
        horizon=days,
        shifts=tuple(shifts),
        cover=tuple(cover),
        staff=tuple(staff),
        requests=tuple(requests),
        rules=rules,
        name="test",
    )


def need(day, shift, minimum=1, preferred=None, skill=None):
    return Cover(day, shift, minimum, minimum if preferred is None else preferred, skill, 10, 0)


def wants(staff_id, day, shift=None, weight=100):
    return Request(staff_id, day, shift, True, weight)


def every_day(shift, days=7, minimum=1, skill=None):
    return [need(day, shift, minimum, skill=skill) for day in range(days)]


def roster(**rows) -> Roster:
    """roster(a="E E - - L - -") -> a Roster; '-' is a day off."""
    return Roster(
        {name: [None if s == "-" else s for s in row.split()] for name, row in rows.items()}
    )


def arrangement(**terms) -> Arrangement:
    return Arrangement(**terms)


def with_rules(base: Problem, **rules) -> Problem:
    return dataclasses.replace(base, rules=dataclasses.replace(base.rules, **rules))


def rather_off(staff_id, day, weight=1):
    return Request(staff_id, day, None, False, weight)
