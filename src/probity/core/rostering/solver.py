"""Build a roster with OR-Tools CP-SAT: every hard rule, the soft goals minimised, time-limited.

    result = solve(problem, seconds=10)        # a new roster
    result = repair(problem, roster, from_day=3, seconds=5)   # after sickness or a swap
    result.status          # "optimal", "feasible", "infeasible" or "unknown" (no roster in time)
    result.roster          # model.Roster, or None
    result.objective, result.best_bound, result.gap, result.first_feasible_seconds
    result.check           # checker.check(problem, roster): the independent verdict
    result.conflicts       # when infeasible: the rules that cannot all hold, in words

Formulation: one boolean x[person, day, shift] for each shift a person may work at all
(leave, days off, fixed rest days, term-time, refused shift types and nights reg. 7 bars
never get a variable),
at most one a day; each cover line as count + short - extra == preferred with weighted
slack variables; successions and daily rest as "shift s on day d excludes every shift it
may not precede on day d+1" (one constraint per s, not per pair); weekly rest and the
48-hour average over the per-day "works" literals; max consecutive days as sliding windows,
min consecutive days on or off as three-literal clauses per run start ("off yesterday, on
today -> on k days later", runs cut by the horizon's edges exempt, as in the checker);
worked weekends as boolean variables tied by linear rows. Implied cuts the LP would not
find itself (models up to `LARGE_MODEL` shift variables): no window of max-consecutive +
min-days-off days holds more than the maximum, and the weekend days worked fit in the
largest `max_weekends` weekends.

Search, first: where the cover is all soft and the solve has `COLUMNS_SECONDS` or more,
column generation (`colgen`) takes `columns_share` of the time. It gives a start roster and
a proven lower bound. `windows.improve_in_windows` then re-solves the start roster a window
of days at a time (or where it disagrees with the LP's roster) for `WINDOWS_SHARE` of the
time left. The bound is added as a row (objective >= bound) so CP-SAT stops once it reaches
it, with reduced-cost cuts that keep each person's roster near what the LP's duals allow a
roster no dearer than the improved one. CP-SAT then runs in spells; after each spell that
found a cheaper roster the cuts are tightened to its cost and the next spell starts from it.
On the Curtois & Qu instances this took Instance8 from 1.23 to 1.002-1.015 of the best known
in 60 s when the windows mend the start roster's cover, and 1.077-1.080 (one cover place
short) when they do not: 4 runs in 13 on 8 December 2026. Instance14 reaches its optimum,
and Instances 1 and 4 are proven optimal within seconds.

Otherwise: the greedy demand-led roster (`greedy.greedy_roster`, or `greedy.weekday_roster`
when only that one keeps every rule) is the hint when it keeps every hard rule. A hinted
roster is completed (slack variables too) so CP-SAT starts from it at once; one that breaks
rules is not hinted: on the NRP instances it slowed the search. CP-SAT runs with `workers`
workers (its own portfolio, whose LNS beat our own); with at most two, the full-model worker
is `max_lp`, whose LP holds every constraint (clauses included): on the Curtois & Qu
instances its bound and its rosters were both far better than the default worker's. Large
models (over `LARGE_MODEL` shift variables) skip presolve probing, which cost more than it
saved, and keep CP-SAT's default worker. If CP-SAT finds nothing in the time left, a valid
start roster is the answer.

Soft goals (weights in `Rules` and on each cover line and request): cover short of or over
`preferred`, requests not honoured, each started hour away from the contract or annualised
target, and the spread (most minus fewest, per full-time equivalent) of nights and of
weekend shifts. `repair` adds `change_weight` per staff-day that differs from the roster
being repaired, and keeps days before `from_day` as they were.

Infeasibility explained: when no roster exists, the model is rebuilt with every hard rule
group (a rule for one person, or one cover line) switched on by an assumption literal;
CP-SAT's sufficient assumptions for infeasibility, shrunk by deletion, name a small set
of rule groups that cannot all hold.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from probity.core.rostering.checker import (
    RULES,
    Check,
    average_limits,
    check,
    describe_weekdays,
    hazard_limit,
    night_eligible,
    reference_windows,
    week_credit,
    weekend_eligible,
)
from probity.core.rostering.colgen import SCALE, Generation, ReducedCostCut, generate
from probity.core.rostering.greedy import greedy_roster, weekday_roster
from probity.core.rostering.model import (
    MINUTES_A_DAY,
    Problem,
    Roster,
    Staff,
    fte_factor,
    night_overload,
    rest_between,
    shift_refused_on,
    target_minutes,
    unavailable_reason,
)
from probity.core.rostering.validate import validate_problem
from probity.core.rostering.windows import improve_in_windows

DEFAULT_CHANGE_WEIGHT = 1000
# Of the time, for column generation's start roster (when it applies). Its LP must settle
# before the dive: on Instance14 that takes about 37 s, and 60 s runs came within 5% of the
# best known in 1 of 6 with 0.8, against 7 of 9 with 0.9 (twice 1,278, proven optimal).
COLUMNS_SHARE = 0.9
WINDOWS_SHARE = 0.75  # of the time left after column generation, for improve_in_windows
TIGHTEN_SPELL = 5.0  # seconds, at least, between tightenings of the reduced-cost cuts
COLUMNS_SECONDS = 10.0  # the shortest solve that column generation is tried on
BOUND_TOLERANCE = 0.01  # LP round-off allowed for when the column bound is made an integer
LARGE_MODEL = 20_000  # shift variables
_STATUS = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.MODEL_INVALID: "invalid",
}


@dataclass
class SolveResult:
    status: str
    roster: Roster | None
    objective: int | None = None
    best_bound: float | None = None
    seconds: float = 0.0
    first_feasible_seconds: float | None = None
    conflicts: list[str] = field(default_factory=list)
    check: Check | None = None
    changes: int | None = None

    @property
    def gap(self) -> float | None:
        """Relative distance from the objective to the proven bound (0 when optimal)."""
        if self.objective is None or self.best_bound is None:
            return None
        return max(0.0, self.objective - self.best_bound) / max(1, abs(self.objective))


def solve(
    problem: Problem,
    *,
    seconds: float = 10.0,
    workers: int = 2,
    hint: Roster | None = None,
    seed: int = 0,
    explain: bool = True,
    log: bool = False,
    parameters: dict | None = None,
    period: int | None = None,
    columns_share: float = COLUMNS_SHARE,
) -> SolveResult:
    """Find the best roster within `seconds`; explain the conflict if none exists.

    `hint` starts the search from a roster (by default column generation's, or else
    `starting_roster`'s, if valid); `period` (days) makes every person's roster repeat, as a
    fixed shift pattern does; `parameters` are CP-SAT's, by name; `columns_share` is the
    part of the time column generation may take (0: never)."""
    validate_problem(problem)
    started = time.monotonic()
    model = _RosterModel(problem)
    model.add_objective()
    generation = None
    if period:
        model.add_period(period)
    elif hint is None and columns_share > 0 and model.suits_columns(seconds):
        generation = generate(problem, seconds * columns_share, workers=workers, log=log)
    if hint is None:
        start = _valid_start(problem, generation)
        if start and generation is not None and generation.cut is not None:
            start = _improve_in_windows(model, start, generation, started + seconds, workers, seed)
            model.add_reduced_cost_cuts(generation.cut, start[1].objective)
        hint = start and start[0]
    if generation is not None and generation.bound is not None:
        model.add_lower_bound(math.ceil(generation.bound - BOUND_TOLERANCE))
    if hint is not None:
        model.add_hint(hint)
    spent = time.monotonic() - started
    if model.cut_rows:
        result = model.solve_tightening(max(0.1, seconds - spent), workers, seed, log, parameters)
    else:
        result = model.solve(max(0.1, seconds - spent), workers, seed, log, parameters)
    if result.roster is None and result.status != "infeasible" and hint is not None:
        result = _hinted_result(problem, hint, result)
    _add_columns(result, generation, spent)
    if result.status == "infeasible" and explain:
        result.conflicts = explain_infeasible(problem, seconds=seconds)
    return result


def _improve_in_windows(
    model: _RosterModel,
    start: tuple[Roster, Check],
    generation: Generation,
    end: float,
    workers: int,
    seed: int,
) -> tuple[Roster, Check]:
    """Column generation's roster improved a window of days at a time, for `WINDOWS_SHARE`
    of the time left; CP-SAT has the rest, to improve it further or prove it optimal."""
    deadline = time.monotonic() + WINDOWS_SHARE * (end - time.monotonic())
    model.minimize()
    floor = math.ceil(generation.cut.bound - BOUND_TOLERANCE)
    roster, _ = improve_in_windows(
        model,
        start[0],
        start[1].objective,
        deadline,
        floor,
        workers=workers,
        seed=seed,
        relaxed=generation.relaxed,
    )
    return roster, check(model.problem, roster)


def _valid_start(problem: Problem, generation: Generation | None) -> tuple[Roster, Check] | None:
    """Column generation's roster, else `starting_roster`'s, with its verdict, if valid."""
    # A start roster that breaks rules misleads more than it helps (measured on the NRP
    # instances whose greedy roster breaks the run rules): CP-SAT then starts from scratch.
    if generation is not None and generation.roster:
        verdict = check(problem, generation.roster)
        if verdict.valid:
            return generation.roster, verdict
    start = starting_roster(problem)
    verdict = check(problem, start)
    return (start, verdict) if verdict.valid else None


def _hinted_result(problem: Problem, hint: Roster, result: SolveResult) -> SolveResult:
    """CP-SAT found nothing in the time left: the start roster, if valid, is the answer."""
    verdict = check(problem, hint)
    if not verdict.valid:
        return result
    return SolveResult(
        "feasible", hint, objective=verdict.objective, seconds=result.seconds, check=verdict
    )


def _add_columns(result: SolveResult, generation: Generation | None, spent: float) -> None:
    """Count column generation's time in the result, and its bound where it is the better."""
    result.seconds += spent
    found = [result.first_feasible_seconds and result.first_feasible_seconds + spent]
    if generation is not None:
        found.append(generation.first_roster_seconds)
    result.first_feasible_seconds = min((t for t in found if t is not None), default=None)
    if generation is None or generation.bound is None or result.roster is None:
        return
    if result.best_bound is None or generation.bound > result.best_bound:
        result.best_bound = generation.bound
    if result.objective is not None and result.objective <= result.best_bound + BOUND_TOLERANCE:
        result.status = "optimal"


def starting_roster(problem: Problem) -> Roster:
    """The greedy demand-led roster, or the weekday-runs one when only that keeps every rule."""
    demand_led = greedy_roster(problem)
    if check(problem, demand_led).valid:
        return demand_led
    weekdays = weekday_roster(problem)
    return weekdays if check(problem, weekdays).valid else demand_led


def repair(
    problem: Problem,
    roster: Roster,
    *,
    from_day: int = 0,
    seconds: float = 10.0,
    workers: int = 2,
    change_weight: int = DEFAULT_CHANGE_WEIGHT,
    seed: int = 0,
) -> SolveResult:
    """Re-roster after a change (sickness as leave, a swap as requests, new demand) with as
    few staff-days changed as possible; days before `from_day` stay as they were."""
    validate_problem(problem)
    model = _RosterModel(problem)
    model.add_objective()
    model.add_change_cost(roster, from_day, change_weight)
    model.add_hint(roster)
    result = model.solve(seconds, workers, seed, log=False)
    if result.roster is not None:
        result.changes = result.roster.changes_from(roster)
    elif result.status == "infeasible":
        result.conflicts = explain_infeasible(problem, seconds=seconds)
    return result


def explain_infeasible(problem: Problem, *, seconds: float = 10.0) -> list[str]:
    """The hard rule groups that cannot all hold, in words (empty if none was found in time)."""
    started = time.monotonic()
    model = _RosterModel(problem, explain=True)
    groups = list(model.groups)
    core = model.infeasible_core(groups, seconds)
    # Shrink the core: drop each group in turn and keep it dropped if still infeasible.
    for key in list(core):
        left = seconds - (time.monotonic() - started)
        if left <= 0 or len(core) == 1:
            break
        trial = [other for other in core if other != key]
        if _RosterModel(problem, explain=True).infeasible_core(trial, left, check_only=True):
            core = trial
    return [model.groups[key][1] for key in core]


class _FirstSolution(cp_model.CpSolverSolutionCallback):
    """Notes when the first roster was found."""

    def __init__(self):
        super().__init__()
        self.first: float | None = None

    def on_solution_callback(self) -> None:
        if self.first is None:
            self.first = self.wall_time


class _RosterModel:
    def __init__(self, problem: Problem, explain: bool = False):
        self.problem = problem
        self.explain = explain
        self.model = cp_model.CpModel()
        self.groups: dict[tuple, tuple[cp_model.IntVar, str]] = {}
        self.costs: list = []
        self.own_costs: dict[int, list] = {}  # each person's own soft goals: requests, hours
        self.cut_rows: list = []
        self.x: dict[tuple[int, int, str], cp_model.IntVar] = {}
        self.people = list(problem.staff)
        self.hint: Roster | None = None
        self.index = {person.id: e for e, person in enumerate(self.people)}
        self._variables()
        # Implied cuts help the LP of small models; on large ones they only slowed the search.
        self.cuts = not explain and len(self.x) <= LARGE_MODEL
        self._hard_rules()

    # -- rule groups: in explain mode each hard rule group hangs on an assumption literal

    def _group(self, key: tuple, description: str):
        if not self.explain:
            return None
        if key not in self.groups:
            self.groups[key] = (self.model.new_bool_var(str(key)), description)
        return self.groups[key][0]

    def _hard(self, constraint, key: tuple, description: str) -> None:
        literal = self._group(key, description)
        if literal is not None:
            constraint.only_enforce_if(literal)

    def _person_rule(self, rule: str, person: Staff, detail: str = "") -> tuple[tuple, str]:
        text = f"{person.label}: {RULES[rule]}{detail}"
        return (rule, person.id), text

    # -- variables

    def _variables(self) -> None:
        problem = self.problem
        self.work: list[list] = []
        for e, person in enumerate(self.people):
            days = []
            for day in range(problem.horizon):
                absent = unavailable_reason(problem, person, day)
                shifts = []
                for shift in problem.shifts:
                    refused = shift_refused_on(problem, person, day, shift)
                    if (absent or refused) and not self.explain:
                        continue
                    var = self.model.new_bool_var("")
                    self.x[e, day, shift.id] = var
                    shifts.append(var)
                    for why in {absent, refused} - {None}:
                        key, text = self._person_rule(why, person, _reason_detail(why, person))
                        self._hard(self.model.add(var == 0), key, text)
                days.append(self._works(shifts, person.id, day))
            self.work.append(days)

    def _works(self, shifts: list, staff_id: str, day: int):
        if not shifts:
            return 0
        if len(shifts) == 1:
            return shifts[0]
        works = self.model.new_bool_var("")
        self.model.add(_sum(shifts) == works)  # at most one shift a day
        return works

    def _shift_var(self, e: int, day: int, shift_id: str):
        return self.x.get((e, day, shift_id), 0)

    def _minutes(self, e: int, days):
        """Minutes person e works on these days, as one linear expression."""
        variables, lengths = [], []
        for day in days:
            for shift in self.problem.shifts:
                var = self.x.get((e, day, shift.id))
                if var is not None:
                    variables.append(var)
                    lengths.append(shift.length)
        return cp_model.LinearExpr.weighted_sum(variables, lengths)

    # -- hard rules

    def _hard_rules(self) -> None:
        self._cover_minimums()
        for e, person in enumerate(self.people):
            self._successions(e, person)
            self._weekly_rest(e, person)
            self._averages(e, person)
            self._hazardous_nights(e, person)
            self._arrangement_weeks(e, person)
            self._job_share(e, person)
            self._limits(e, person)

    def _cover_minimums(self) -> None:
        problem = self.problem
        self.cover_counts = []
        for i, cover in enumerate(problem.cover):
            working = [
                var
                for e, person in enumerate(self.people)
                if person.has_skill(cover.skill)
                and (var := self.x.get((e, cover.day, cover.shift))) is not None
            ]
            count = _sum(working) if working else self.model.new_constant(0)
            self.cover_counts.append(count)
            if cover.minimum > 0:
                skill = f" {cover.skill}" if cover.skill else ""
                text = (
                    f"cover minimum: at least {cover.minimum}{skill} staff on "
                    f"{problem.shift(cover.shift).label}, {problem.day_label(cover.day)}"
                )
                self._hard(self.model.add(count >= cover.minimum), ("cover-minimum", i), text)

    def _successions(self, e: int, person: Staff) -> None:
        problem = self.problem
        daily_rest = problem.rules.daily_rest_minutes
        for gap in (1, 2):
            for shift in problem.shifts:
                banned: dict[str, str] = {}
                for following in problem.shifts:
                    rest = rest_between(shift, following, gap)
                    if daily_rest is not None and rest is not None and rest < daily_rest:
                        banned[following.id] = "daily-rest"
                    elif gap == 1 and following.id in shift.forbidden_next:
                        banned[following.id] = "forbidden-succession"
                for rule in set(banned.values()):
                    followers = [f for f, why in banned.items() if why == rule]
                    key, text = self._person_rule(rule, person)
                    for day in range(problem.horizon - gap):
                        first = self.x.get((e, day, shift.id))
                        after = [self.x[k] for f in followers if (k := (e, day + gap, f)) in self.x]
                        if first is not None and after:
                            self._hard(self.model.add(first + _sum(after) <= 1), key, text)

    def _weekly_rest(self, e: int, person: Staff) -> None:
        problem = self.problem
        if not problem.rules.weekly_rest or problem.horizon < 7:
            return
        short = [
            (a.id, b.id)
            for a in problem.shifts
            for b in problem.shifts
            if (rest := rest_between(a, b, 2)) is not None and rest < MINUTES_A_DAY
        ]
        key, text = self._person_rule("weekly-rest", person)
        rest_days = []
        for day in range(problem.horizon):
            works = self.work[e][day]
            off = 1 if isinstance(works, int) else 1 - works  # an int here is 0: cannot work
            pairs = [
                (before, after)
                for a, b in short
                if 0 < day < problem.horizon - 1
                and (before := self.x.get((e, day - 1, a))) is not None
                and (after := self.x.get((e, day + 1, b))) is not None
            ]
            if not pairs:
                rest_days.append(off)
                continue
            # A day off (leave included) is a rest day only with 24 hours between its neighbours.
            rest = self.model.new_bool_var("")
            if not isinstance(off, int):
                self.model.add(rest <= off)
            for before, after in pairs:
                self.model.add(rest + before + after <= 2)
            rest_days.append(rest)
        for first in range(problem.horizon - 6):
            window = rest_days[first : first + 7]
            if any(isinstance(v, int) and v == 1 for v in window):
                continue
            self._hard(self.model.add(_sum(window) >= 1), key, text)

    def _averages(self, e: int, person: Staff) -> None:
        """The 48-hour week and the night average over each reference window; overlapping
        windows share one sum per 7-day block."""
        problem = self.problem
        limits = average_limits(problem, person)
        windows = reference_windows(problem)
        if not limits:
            return
        if len(windows) == 1:
            parts = {windows[0]: [self._minutes(e, windows[0])]}
        else:
            blocks = {}
            for first in range(0, problem.horizon - 6, 7):
                block = self.model.new_int_var(0, 7 * MINUTES_A_DAY, f"m[{person.id},{first}]")
                self.model.add(block == (self._minutes(e, range(first, first + 7))))
                blocks[first] = block
            parts = {w: [blocks[first] for first in range(w[0], w[-1], 7)] for w in windows}
        for rule, limit in limits:
            key, text = self._person_rule(rule, person)
            for window in windows:
                self._hard(self.model.add(_sum(parts[window]) <= limit(window)), key, text)

    def _hazardous_nights(self, e: int, person: Staff) -> None:
        """Reg. 6(7) as the checker reads it: no night shift over the limit, and no two shifts
        a day or two apart with more than the limit in some 24 hours that hold night work."""
        if (limit := hazard_limit(self.problem, person)) is None:
            return
        key, text = self._person_rule("night-hazard", person)
        shifts, horizon = self.problem.shifts, self.problem.horizon
        for shift in shifts:
            too_long = shift.night and shift.length > limit
            for day in range(horizon):
                if too_long and (var := self.x.get((e, day, shift.id))) is not None:
                    self._hard(self.model.add(var == 0), key, text)
            for gap, following in ((g, f) for g in (1, 2) for f in shifts):
                if night_overload(shift, following, gap, limit) is None:
                    continue
                for day in range(horizon - gap):
                    first = self.x.get((e, day, shift.id))
                    then = self.x.get((e, day + gap, following.id))
                    if first is not None and then is not None:
                        self._hard(self.model.add(first + then <= 1), key, text)

    def _arrangement_weeks(self, e: int, person: Staff) -> None:
        terms = person.arrangement
        if (
            terms.max_days_per_week is None
            and terms.max_minutes_per_week is None
            and terms.min_minutes_per_week is None
        ):
            return
        for week in self.problem.calendar_weeks():
            minutes = self._minutes(e, week)
            if terms.max_days_per_week is not None:
                key, text = self._person_rule("arrangement-days-a-week", person)
                worked = _sum(self.work[e][day] for day in week)
                self._hard(self.model.add(worked <= terms.max_days_per_week), key, text)
            key, text = self._person_rule("arrangement-hours-a-week", person)
            if terms.max_minutes_per_week is not None:
                self._hard(self.model.add(minutes <= terms.max_minutes_per_week), key, text)
            if terms.min_minutes_per_week is not None:
                needed = terms.min_minutes_per_week - week_credit(self.problem, person, week)
                if needed > 0:
                    self._hard(self.model.add(minutes >= needed), key, text)

    def _job_share(self, e: int, person: Staff) -> None:
        partner = person.arrangement.job_share_with
        if partner is None:
            return
        key, text = self._person_rule("job-share", person, f" (with {partner})")
        other = self.index[partner]
        for day in range(self.problem.horizon):
            both = self.work[e][day] + self.work[other][day]
            if not isinstance(both, int):
                self._hard(self.model.add(both <= 1), key, text)

    def _limits(self, e: int, person: Staff) -> None:
        problem, limits, work = self.problem, person.limits, self.work[e]
        for shift_id, most in limits.max_shifts.items():
            if most < problem.horizon:
                key, text = self._person_rule("max-shifts", person, f" ({shift_id}: {most})")
                count = [
                    self.x[k] for d in range(problem.horizon) if (k := (e, d, shift_id)) in self.x
                ]
                if count:
                    self._hard(self.model.add(_sum(count) <= most), key, text)
        minutes = self._minutes(e, range(problem.horizon))
        if limits.max_minutes is not None:
            key, text = self._person_rule("max-minutes", person)
            self._hard(self.model.add(minutes <= limits.max_minutes), key, text)
        if limits.min_minutes:
            key, text = self._person_rule("min-minutes", person)
            self._hard(self.model.add(minutes >= limits.min_minutes), key, text)
        literal = [self._literal(v) for v in work]
        if limits.max_consecutive is not None and limits.max_consecutive < problem.horizon:
            most = limits.max_consecutive
            key, text = self._person_rule("max-consecutive", person, f" ({most})")
            for first in range(problem.horizon - most):
                self._hard(self.model.add(_sum(work[first : first + most + 1]) <= most), key, text)
            # Implied cut for the LP: a run of `most` days and then the shortest inner rest fill
            # any window of most + min_off days, so no such window has more than `most` worked.
            span = most + (limits.min_consecutive_off or 1)
            if span > most + 1 and self.cuts:
                for first in range(problem.horizon - span + 1):
                    self.model.add(_sum(work[first : first + span]) <= most)
        for rule, least, on in (
            ("min-consecutive", limits.min_consecutive, True),
            ("min-consecutive-off", limits.min_consecutive_off, False),
        ):
            key, text = self._person_rule(rule, person, f" ({least})" if least else "")
            state = literal if on else [v.negated() for v in literal]
            for start in range(1, problem.horizon):
                # A run starting inside the horizon lasts `least` days or to the horizon's end
                # (runs cut by either edge may continue outside it, as the checker counts):
                # "not before, first -> day k" for each later day of the run. Three-literal
                # clauses, one a day of the run: tighter in the LP than forbidden patterns.
                for later in range(start + 1, min(start + (least or 0), problem.horizon)):
                    clause = [state[start - 1], state[start].negated(), state[later]]
                    self._hard(self.model.add_bool_or(clause), key, text)
        if limits.max_weekends is not None and limits.max_weekends < len(problem.weekends()):
            key, text = self._person_rule("max-weekends", person, f" ({limits.max_weekends})")
            weekends = []
            for days in problem.weekends():
                days_worked = [work[day] for day in days if not isinstance(work[day], int)]
                if not days_worked:
                    continue
                # "Works that Saturday or Sunday", as linear rows (not clauses) so that the
                # LP relaxation sees the weekends' capacity too.
                worked = self.model.new_bool_var("")
                self.model.add(_sum(days_worked) <= len(days_worked) * worked)
                self.model.add(_sum(days_worked) >= worked)
                weekends.append(worked)
            self._hard(self.model.add(_sum(weekends) <= limits.max_weekends), key, text)
            if self.cuts:  # implied: weekend days worked fit in the largest weekends
                sizes = sorted((len(days) for days in problem.weekends()), reverse=True)
                weekend_days = [work[d] for days in problem.weekends() for d in days]
                self.model.add(_sum(weekend_days) <= sum(sizes[: limits.max_weekends]))

    def _literal(self, value):
        return self.model.new_constant(value) if isinstance(value, int) else value

    # -- soft goals

    def add_objective(self) -> None:
        problem = self.problem
        for cover, count in zip(problem.cover, self.cover_counts, strict=True):
            # Both slacks: count + short - extra == preferred, so each penalty is exact in
            # every roster found, not only at the optimum.
            short = extra = 0
            if cover.under_weight and cover.preferred:
                short = self.model.new_int_var(0, cover.preferred, "")
                self.costs.append(cover.under_weight * short)
            if cover.over_weight:
                extra = self.model.new_int_var(0, len(self.people), "")
                self.costs.append(cover.over_weight * extra)
            if isinstance(short, int) and isinstance(extra, int):
                continue
            balance = count + short - extra
            if isinstance(short, int):
                self.model.add(balance <= cover.preferred)
            elif isinstance(extra, int):
                self.model.add(balance >= cover.preferred)
            else:
                self.model.add(balance == cover.preferred)
        for request in problem.requests:
            e = self.index[request.staff]
            worked = (
                self.work[e][request.day]
                if request.shift is None
                else self._shift_var(e, request.day, request.shift)
            )
            self._own_cost(e, request.weight * ((1 - worked) if request.on else worked))
        rules = problem.rules
        if rules.hours_weight:
            for e, person in enumerate(self.people):
                self._hours_cost(e, person, rules.hours_weight)
        if rules.night_fairness_weight:
            self._spread_cost(night_eligible(problem), rules.night_fairness_weight, night=True)
        if rules.weekend_fairness_weight:
            self._spread_cost(weekend_eligible(problem), rules.weekend_fairness_weight, night=False)

    def _hours_cost(self, e: int, person: Staff, weight: int) -> None:
        total = self._minutes(e, range(self.problem.horizon))
        target = target_minutes(self.problem, person)
        hours = self.model.new_int_var(0, self.problem.horizon * 24 + target // 60 + 1, "")
        self.model.add(60 * hours >= total - target)
        self.model.add(60 * hours >= target - total)
        self._own_cost(e, weight * hours)

    def _own_cost(self, e: int, cost) -> None:
        self.costs.append(cost)
        self.own_costs.setdefault(e, []).append(cost)

    def _spread_cost(self, pool: list[Staff], weight: int, night: bool) -> None:
        if len(pool) < 2:
            return
        problem = self.problem
        top = max(fte_factor(p) for p in pool) * problem.horizon
        most, fewest = self.model.new_int_var(0, top, ""), self.model.new_int_var(0, top, "")
        for person in pool:
            e = self.index[person.id]
            count = _sum(
                self.x[e, day, shift.id]
                for day in range(problem.horizon)
                for shift in problem.shifts
                if (e, day, shift.id) in self.x
                and (shift.night if night else problem.is_weekend(day))
            )
            self.model.add(most >= fte_factor(person) * count)
            self.model.add(fewest <= fte_factor(person) * count)
        tenths = self.model.new_int_var(0, top, "")
        self.model.add(10 * tenths >= most - fewest)
        self.costs.append(weight * tenths)

    def add_change_cost(self, base: Roster, from_day: int, weight: int) -> None:
        for e, person in enumerate(self.people):
            days = base.assignments.get(person.id, [None] * self.problem.horizon)
            for day, shift in enumerate(days):
                worked = self._shift_var(e, day, shift) if shift else self.work[e][day]
                if day < from_day:  # the past is not re-rostered
                    if not isinstance(worked, int):
                        self.model.add(worked == (1 if shift else 0))
                    continue
                self.costs.append(weight * ((1 - worked) if shift else worked))

    def add_period(self, period: int) -> None:
        for (e, day, shift_id), var in self.x.items():
            earlier = self.x.get((e, day - period, shift_id))
            if day >= period:
                self.model.add(var == (earlier if earlier is not None else 0))

    def add_hint(self, roster: Roster) -> None:
        self.hint = roster
        self.model.clear_hints()
        for (e, day, shift_id), var in self.x.items():
            days = roster.assignments.get(self.people[e].id)
            self.model.add_hint(var, bool(days) and days[day] == shift_id)
        for e, person in enumerate(self.people):  # the "works that day" literals too
            days = roster.assignments.get(person.id) or [None] * self.problem.horizon
            for day, works in enumerate(self.work[e]):
                if not isinstance(works, int) and all(
                    works is not self.x[k] for k in self.x_of(e, day)
                ):
                    self.model.add_hint(works, days[day] is not None)

    def x_of(self, e: int, day: int) -> list[tuple]:
        return [k for s in self.problem.shifts if (k := (e, day, s.id)) in self.x]

    # -- solving

    def cp_solver(self, seconds: float, workers: int, seed: int = 0, log: bool = False):
        solver = cp_model.CpSolver()
        if len(self.x) > LARGE_MODEL:  # presolve's probing costs more than it saves here
            solver.parameters.cp_model_probing_level = 0
            solver.parameters.max_presolve_iterations = 1
        solver.parameters.hint_conflict_limit = 1000
        solver.parameters.max_time_in_seconds = max(0.1, seconds)
        solver.parameters.num_workers = workers
        solver.parameters.random_seed = seed
        solver.parameters.log_search_progress = log
        return solver

    def suits_columns(self, seconds: float) -> bool:
        """Column generation pays on models whose cover is all soft, small enough to price,
        given time for its LP to settle. With hard cover minimums its dive seldom ends in a
        valid roster (measured: a 60-person, 4-week prison wing cost 10% more in 30 s)."""
        cover = self.problem.cover
        return (
            bool(cover)
            and all(line.minimum == 0 for line in cover)
            and len(self.x) <= LARGE_MODEL
            and seconds >= COLUMNS_SECONDS
        )

    def add_reduced_cost_cuts(self, cut: ReducedCostCut, upper: int) -> None:
        """Keep each person's roster, and everyone's together, within what the column bound's
        duals allow a roster costing at most `upper` (see colgen.ReducedCostCut)."""
        self.cut, self.upper = cut, upper
        allowance = cut.allowance(upper, self.problem.horizon)
        priced_all = []
        for e, (weights, optimum) in enumerate(zip(cut.weights, cut.optimum, strict=True)):
            keys = [(e, day, shift) for day, shift in weights if (e, day, shift) in self.x]
            priced = SCALE * _sum(self.own_costs.get(e, [])) + cp_model.LinearExpr.weighted_sum(
                [self.x[key] for key in keys], [weights[key[1:]] for key in keys]
            )
            self.cut_rows.append(self.model.add(priced <= optimum + allowance))
            priced_all.append(priced)
        everyone = len(self.people) * self.problem.horizon  # rounding, person by person
        self.cut_rows.append(
            self.model.add(_sum(priced_all) <= sum(cut.optimum) + allowance + everyone)
        )

    def tighten_cuts(self, upper: int) -> None:
        """A cheaper roster is in hand: the cuts' allowance shrinks with the cost to beat."""
        horizon = self.problem.horizon
        less = self.cut.allowance(self.upper, horizon) - self.cut.allowance(upper, horizon)
        for row in self.cut_rows:
            row.proto.linear.domain[-1] -= less
        self.upper = upper

    def add_lower_bound(self, bound: int) -> None:
        """A proven bound on the objective (column generation's): CP-SAT stops on reaching it."""
        if self.costs:
            self.model.add(_sum(self.costs) >= bound)

    def solve_tightening(
        self, seconds: float, workers: int, seed: int, log: bool, parameters: dict | None = None
    ) -> SolveResult:
        """Solve in spells; after each that found a cheaper roster, tighten the reduced-cost
        cuts to it and start again from it: the cuts bind harder the nearer the bound."""
        started = time.monotonic()
        deadline = started + seconds
        best = None
        spells = 0
        while (left := deadline - time.monotonic()) > 0.1:
            # Spells no shorter than TIGHTEN_SPELL: a last short one could not even restart.
            spell = left if left < 2 * TIGHTEN_SPELL else max(TIGHTEN_SPELL, left / 3)
            # A new seed each spell: a spell that found nothing would otherwise be repeated.
            result = self.solve(spell, workers, seed + spells, log, parameters)
            spells += 1
            if result.roster is None:
                if best is None:
                    return result
                break
            if best is None or result.objective < best.objective:
                best = result
                self.tighten_cuts(best.objective)
                self.add_hint(best.roster)
            else:  # no cheaper roster, but the spell may have raised the bound or proved it
                best.best_bound = max(best.best_bound, result.best_bound)
                if result.status == "optimal":
                    best.status = "optimal"
            if best.status == "optimal":
                break
        best.seconds = time.monotonic() - started
        return best

    def solve(
        self, seconds: float, workers: int, seed: int, log: bool, parameters: dict | None = None
    ) -> SolveResult:
        self.minimize()
        started = time.monotonic()
        hinted_at = None
        if self.hint is not None and self._complete_hint(min(10.0, seconds / 4)):
            hinted_at = time.monotonic() - started  # the hint is itself a valid roster
        offset = time.monotonic() - started
        solver, status, callback = self.run_cp_sat(
            self.model, seconds - offset, workers, seed, log, parameters
        )
        found = [t for t in (hinted_at, callback.first and callback.first + offset) if t]
        name = _STATUS.get(status, "unknown")
        if name == "invalid":
            raise RuntimeError(self.model.validate())
        if name not in ("optimal", "feasible"):
            return SolveResult(name, None, seconds=time.monotonic() - started)
        roster = self.roster_from({key: solver.value(var) for key, var in self.x.items()})
        return SolveResult(
            name,
            roster,
            objective=round(solver.objective_value),
            best_bound=solver.best_objective_bound,
            seconds=time.monotonic() - started,
            first_feasible_seconds=min(found) if found else None,
            check=check(self.problem, roster),
        )

    def minimize(self) -> None:
        if self.costs:
            self.model.minimize(_sum(self.costs))

    def _complete_hint(self, seconds: float) -> bool:
        """If the hinted roster keeps every hard rule, hint every variable (slacks included)
        from it, so that CP-SAT starts from it at once; otherwise leave the partial hint."""
        fixed = self.model.clone()
        fixed.clear_hints()
        for (e, day, shift_id), var in self.x.items():
            days = self.hint.assignments.get(self.people[e].id)
            value = bool(days) and days[day] == shift_id
            fixed.add(fixed.get_bool_var_from_proto_index(var.index) == value)
        solver = self.cp_solver(seconds, workers=1)
        if solver.solve(fixed) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return False
        self.model.clear_hints()
        for index in range(len(self.model.proto.variables)):
            value = solver.value(fixed.get_int_var_from_proto_index(index))
            self.model.add_hint(self.model.get_int_var_from_proto_index(index), value)
        return True

    def run_cp_sat(self, model, seconds, workers, seed, log=False, parameters=None):
        solver = self.cp_solver(seconds, workers, seed, log)
        if workers <= 2 and len(self.x) <= LARGE_MODEL:
            # With one full-model worker, make it the one whose LP holds every constraint
            # (clauses included): far better bounds and rosters on the NRP instances.
            solver.parameters.subsolvers.append("max_lp")
        for name, value in (parameters or {}).items():  # CP-SAT tuning, e.g. from a benchmark
            if isinstance(value, list):
                getattr(solver.parameters, name).extend(value)
            else:
                setattr(solver.parameters, name, value)
        callback = _FirstSolution()
        status = solver.solve(model, callback)
        return solver, status, callback

    def roster_from(self, values: dict) -> Roster:
        roster = Roster.empty(self.problem)
        for (e, day, shift_id), value in values.items():
            if value:
                roster.assignments[self.people[e].id][day] = shift_id
        return roster

    def infeasible_core(self, keys: list[tuple], seconds: float, check_only: bool = False):
        """Assume the given rule groups (all others relaxed); if that is infeasible, the groups
        CP-SAT found sufficient for it (or, with `check_only`, just whether it was)."""
        literals = {self.groups[key][0].index: key for key in keys if key in self.groups}
        self.model.add_assumptions([self.groups[key][0] for key in keys if key in self.groups])
        solver = self.cp_solver(seconds, workers=1)
        status = solver.solve(self.model)
        if status != cp_model.INFEASIBLE:
            return [] if not check_only else False
        if check_only:
            return True
        core = solver.sufficient_assumptions_for_infeasibility()
        return [literals[index] for index in core if index in literals] or list(keys)


def _sum(terms) -> cp_model.LinearExpr:
    """A sum of linear terms built in one go (Python's sum() nests one object a term)."""
    return cp_model.LinearExpr.sum(list(terms))


def _reason_detail(rule: str, person: Staff) -> str:
    terms = person.arrangement
    if rule == "fixed-rest-day":
        return f" ({describe_weekdays(terms.fixed_rest_weekdays)})"
    if rule == "arrangement-shifts":
        return f" ({', '.join(sorted(terms.shifts or ()))})"
    if terms.description and rule.startswith(("arrangement", "no-nights")):
        return f" ({terms.description})"
    return ""
