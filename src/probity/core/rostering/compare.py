"""Three rostering models on the same demand and staff, and the numbers a governor compares.

- **Fixed shift**: everyone works a repeating pattern. A person's own `pattern` is used when
  given; otherwise the pattern is designed once (a roster repeating every `PATTERN_DAYS`,
  optimised to average demand without knowing anyone's leave or requests) and then
  repeated. Only the changes the hard rules force (leave, TOIL, term-time, cover
  minimums) are made, each costing `FIXED_CHANGE_WEIGHT`: the detail office's backfill.
- **TBSR** (team-based self-rostering): each person picks their shifts from their own
  wishes (their requests, weekdays and days rather than nights, up to their contract),
  then the solver resolves clashes and gaps, paying `TBSR_CHANGE_WEIGHT` per changed pick.
- **DLFR** (demand-led flexible rostering): the solver's roster optimised to demand,
  requests, hours against contract and fairness.

`compare(problem, seconds=...)` returns one `ModelOutcome` per model with its roster, the
solver's result and `checker.roster_metrics` (cover shortfall, requests met, hours off
target, spread of nights and weekends, rule violations, which must be 0).
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass

from probity.core.rostering.checker import roster_metrics
from probity.core.rostering.model import (
    Problem,
    Roster,
    Staff,
    shift_refused,
    shift_refused_on,
    target_minutes,
    unavailable_reason,
)
from probity.core.rostering.solver import SolveResult, repair, solve

MODELS = ("fixed", "tbsr", "dlfr")
MODEL_NAMES = {
    "fixed": "Fixed shift pattern",
    "tbsr": "Team-based self-rostering",
    "dlfr": "Demand-led flexible rostering",
}
PATTERN_DAYS = 28
FIXED_CHANGE_WEIGHT = 1000
TBSR_CHANGE_WEIGHT = 5


@dataclass
class ModelOutcome:
    model: str
    roster: Roster | None
    result: SolveResult
    metrics: dict


def compare(
    problem: Problem, *, seconds: float = 30.0, workers: int = 2, models=MODELS
) -> list[ModelOutcome]:
    """Each model's roster for the same problem, with its metrics (`seconds` per solve)."""
    outcomes = []
    for model in models:
        if model == "fixed":
            base = fixed_pattern_roster(problem, seconds=seconds, workers=workers)
            result = repair(
                problem, base, seconds=seconds, workers=workers, change_weight=FIXED_CHANGE_WEIGHT
            )
        elif model == "tbsr":
            base = self_rostered_choices(problem)
            result = repair(
                problem, base, seconds=seconds, workers=workers, change_weight=TBSR_CHANGE_WEIGHT
            )
        else:
            result = solve(problem, seconds=seconds, workers=workers)
        metrics = roster_metrics(problem, result.roster) if result.roster else {}
        outcomes.append(ModelOutcome(model, result.roster, result, metrics))
    return outcomes


def fixed_pattern_roster(problem: Problem, *, seconds: float, workers: int = 2) -> Roster:
    """Everyone's repeating pattern laid over the horizon, leave and requests ignored."""
    unknown_future = dataclasses.replace(
        problem,
        staff=tuple(_without_absences(person) for person in problem.staff),
        requests=(),
    )
    designed = solve(
        unknown_future, seconds=seconds, workers=workers, period=PATTERN_DAYS, explain=False
    )
    roster = designed.roster or Roster.empty(problem)
    for person in problem.staff:
        if person.pattern:
            cycle = person.pattern
            roster.assignments[person.id] = [
                cycle[day % len(cycle)] for day in range(problem.horizon)
            ]
    return roster


def _without_absences(person: Staff) -> Staff:
    terms = dataclasses.replace(person.arrangement, unavailable_days=frozenset())
    return dataclasses.replace(
        person, leave_days=frozenset(), toil_days=frozenset(), arrangement=terms
    )


def self_rostered_choices(problem: Problem, seed: int = 0) -> Roster:
    """What each person would pick alone: their on-requests, then their favourite shift on
    the days they like (weekdays before weekends), up to their contract; never on leave or
    an off-request, nor a shift they may not work that day, at most 5 days in a row."""
    roster = Roster.empty(problem)
    wishes_off = {(r.staff, r.day) for r in problem.requests if not r.on}
    for person in problem.staff:
        rng = random.Random(f"{seed}:{person.id}")
        days = roster.assignments[person.id]
        usable = [
            s
            for s in problem.shifts
            if shift_refused(person, s) is None and not (s.night and rng.random() < 0.8)
        ] or [s for s in problem.shifts if shift_refused(person, s) is None]
        if not usable:
            continue
        favourite = rng.choice(usable)
        budget = target_minutes(problem, person)
        for request in problem.requests:
            mine = request.staff == person.id and request.on and request.shift
            if mine and _may_pick(problem, person, days, request.day, request.shift):
                days[request.day] = request.shift
                budget -= problem.shift(request.shift).length
        order = sorted(
            range(problem.horizon),
            key=lambda d: (problem.is_weekend(d), rng.random()),
        )
        for day in order:
            if budget < favourite.length / 2:
                break
            if (person.id, day) in wishes_off or not _may_pick(
                problem, person, days, day, favourite.id
            ):
                continue
            days[day] = favourite.id
            budget -= favourite.length
    return roster


def _may_pick(problem: Problem, person: Staff, days: list, day: int, shift: str) -> bool:
    if days[day] is not None or unavailable_reason(problem, person, day):
        return False
    if shift_refused_on(problem, person, day, problem.shift(shift)):
        return False
    run = 1
    for step in (-1, 1):
        other = day + step
        while 0 <= other < problem.horizon and days[other] is not None:
            run += 1
            other += step
    return run <= 5
