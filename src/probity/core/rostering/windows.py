"""Improve a roster a window of days at a time: every person's shifts on the days inside the
window are free, every other day stays as it is, and CP-SAT solves what is left exactly.

A tight roster (everyone at their most shifts, the cover just met) cannot be mended by moving
one person, nor a few people over the whole horizon: the fix is a chain of swaps among many
people across a week or two. CP-SAT's own neighbourhoods are smaller and random, and in 30 s
did not find it from column generation's start roster on Instance8 (1,405-1,517, one or two
cover places short); a two-week window over all 30 people, solved to optimality in about a
second, took the same start rosters to 1,307-1,313.

The window starts two weeks wide and adapts: a day wider after a window solved to optimality
in half its time, a day narrower after one that was not. Half the time it is two half windows, one
round a day short of its preferred cover and one round a day over it: in a tight roster the
shift to move is often more than a fortnight from the place it should cover (with one
window, 1 run in 5 on Instance8 stayed a cover place short, at 1,405; with two, none in 8).

Given column generation's LP roster, RELAXED_SHARE of the tries free instead the cells where
the roster and the LP disagree, wherever they are in the horizon (relaxation induced
neighbourhoods, Danna, Rothberg & Le Pape 2005). A roster a cover place short (+100) whose
mend spans more than any window of days often leaves it this way: from six saved start
rosters of Instance8, 30 s each, 1,304-1,401 (four under 1,310) against 1,308-1,503 (two).

CP-SAT has no such search built in (its LNS picks its own neighbourhoods), so this module
drives it over clones of the full model, which keep every hard rule and soft goal.
"""

from __future__ import annotations

import random
import time
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from probity.core.rostering.checker import cover_counts
from probity.core.rostering.model import Problem, Roster

if TYPE_CHECKING:
    from probity.core.rostering.solver import _RosterModel

WINDOW_DAYS = 14  # the first window's width
WINDOW_SECONDS = 3.0  # the most one window may take
NARROWEST = 3  # days
RELAXED_SHARE = 0.3  # of the tries, when the LP's roster is known: free where it disagrees
AGREED = (0.96, 0.99)  # the LP weight a roster's choice needs to stay fixed, drawn each try


def improve_in_windows(
    built: _RosterModel,
    roster: Roster,
    cost: int,
    deadline: float,
    floor: int,
    workers: int = 2,
    seed: int = 0,
    relaxed: dict[tuple[int, int, str | None], float] | None = None,
) -> tuple[Roster, int]:
    """The cheapest roster found by re-solving windows of days until `deadline`, or until its
    cost reaches `floor` (a proven bound); starts from `roster`, which costs `cost`. Given
    `relaxed` (the LP's roster, as colgen.Generation has it), some tries free the cells where
    the roster and the LP disagree instead of a window of days."""
    horizon = built.problem.horizon
    width = min(WINDOW_DAYS, horizon - 1)
    rng = random.Random(seed)
    tries = proven = 0  # proven: windows in a row proven to hold nothing cheaper
    while (left := deadline - time.monotonic()) > 0.1 and cost > floor and width >= NARROWEST:
        if proven > horizon - width:  # as many as there are windows: a local optimum
            break
        by_relaxation = bool(relaxed) and rng.random() < RELAXED_SHARE
        if by_relaxation:
            cells = _disagreements(built, roster, relaxed, rng)
        else:
            cells = _cells(built, _place(built.problem, roster, width, rng))
        limit = min(WINDOW_SECONDS, left)
        found, proven_in = _window(built, roster, cells, limit, workers, seed + tries)
        tries += 1
        if found is not None and found[1] < cost:
            roster, cost = found
            proven = 0
        else:
            proven = proven + 1 if proven_in is not None else 0
        if not by_relaxation:
            # Wider only after a window proven in half its time: one at the edge of what can
            # be proven in time wastes it (Instance8: 1,304-1,309 in 60 s against 1,305-1,317).
            quick = proven_in is not None and proven_in < limit / 2
            width = min(horizon - 1, width + 1) if quick else width - 1
    return roster, cost


def _place(problem: Problem, roster: Roster, width: int, rng: random.Random) -> set[int]:
    """The days to set free: half the time two half windows, one round a day short of its
    preferred cover (where most of a tight roster's cost lies) and one round a day over it
    (where the shift to move may be); otherwise one window anywhere."""
    short, over = _cover_days(problem, roster)
    if short and rng.random() < 0.5:
        half = max(1, width // 2)
        days = _span(problem, rng.choice(short), half, rng)
        return days | _span(problem, rng.choice(over), width - half, rng) if over else days
    first = rng.randrange(problem.horizon - width + 1)
    return set(range(first, first + width))


def _cells(built: _RosterModel, days: set[int]) -> set[tuple[int, int]]:
    return {(e, day) for e in range(len(built.people)) for day in days}


def _disagreements(
    built: _RosterModel,
    roster: Roster,
    relaxed: dict[tuple[int, int, str | None], float],
    rng: random.Random,
) -> set[tuple[int, int]]:
    """The (person, day) cells where the LP's roster gives the roster's own choice less than a
    weight drawn from AGREED: all over the horizon, so a chain of moves may span it."""
    agreed = rng.uniform(*AGREED)
    return {
        (e, day)
        for e, person in enumerate(built.people)
        for day, shift in enumerate(roster.assignments[person.id])
        if relaxed.get((e, day, shift), 0.0) < agreed
    }


def _span(problem: Problem, day: int, width: int, rng: random.Random) -> set[int]:
    first = min(max(0, day - rng.randrange(width)), problem.horizon - width)
    return set(range(first, first + width))


def _cover_days(problem: Problem, roster: Roster) -> tuple[list[int], list[int]]:
    """The days some cover line is short of its preferred number, and those it is over."""
    short, over = [], []
    for line, count in zip(problem.cover, cover_counts(problem, roster), strict=True):
        if count < line.preferred:
            short.append(line.day)
        elif count > line.preferred:
            over.append(line.day)
    return short, over


def _window(
    built: _RosterModel,
    roster: Roster,
    cells: set[tuple[int, int]],
    seconds: float,
    workers: int,
    seed: int,
) -> tuple[tuple[Roster, int] | None, float | None]:
    """The best roster that differs from `roster` only in `cells` (person index, day), and its
    cost; and the seconds it took to prove it the best such roster (None if not proven)."""
    built.add_hint(roster)
    model = built.model.clone()
    for (e, day, shift_id), var in built.x.items():
        if (e, day) not in cells:
            value = int(roster.assignments[built.people[e].id][day] == shift_id)
            domain = model.proto.variables[var.index].domain  # a boolean's: [0, 1]
            domain[0] = domain[1] = value
    solver, status, _ = built.run_cp_sat(model, seconds, workers, seed)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, None
    found = built.roster_from({key: solver.value(var) for key, var in built.x.items()})
    proven_in = solver.wall_time if status == cp_model.OPTIMAL else None
    return (found, round(solver.objective_value)), proven_in
