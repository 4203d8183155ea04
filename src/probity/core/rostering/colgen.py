"""Column generation: a near-optimal start roster and a lower bound, one person at a time.

Every hard rule but job shares binds one person, and every soft goal but the fairness spread
is one person's own (requests, hours) or a cover line's. So the roster problem is "choose one
personal roster (a column) per person so that cover is met at least cost", and its linear
relaxation, solved over columns generated on demand, is far tighter than the relaxation of
the shift-variable model CP-SAT works on. This is the method behind the best published
results on the Curtois & Qu nurse rostering instances (branch and price); here it is
price-and-branch, done with OR-Tools' own parts:

1. the master LP (GLOP): convex weights of each person's columns, each cover line's count
   plus its slacks, and its minimum as a row with a prohibitive slack;
2. pricing: for each person, CP-SAT on that person's own rules (`_RosterModel` of a one-person
   problem) finds the personal roster of least reduced cost under the LP's duals; every
   improving roster CP-SAT passes on the way is kept as a column;
3. when no person has a column of negative reduced cost the LP is optimal over all rosters,
   and LP value + the sum of the least reduced costs is a lower bound at every round (the
   Lagrangian bound), valid for the full problem since the coupling rules and the fairness
   spread left out here only add cost;
4. a dive then fixes the people whose LP roster is most nearly whole (keeping job-share
   partners off the days fixed), re-prices the rest and repeats: the start roster the full
   model is hinted with. (Choosing one column per person with CP-SAT or SCIP over the
   columns priced did far worse: 2,110 against 1,300 on Instance8.)
5. the duals of the best bound also give `ReducedCostCut`, which the full model adds.

No library offers branch and price on top of CP-SAT, and OR-Tools has every part needed, so
this module wires them together itself. The pricer builds its model with the solver's own
`_RosterModel`, imported when first needed since the solver imports this module.
"""

from __future__ import annotations

import dataclasses
import math
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from probity.core.rostering.checker import check
from probity.core.rostering.model import Problem, Roster, Staff

SCALE = 1000  # duals are rounded to thousandths in the pricing objective (CP-SAT is integer)
BELOW_MINIMUM = 10**6  # LP cost per person short of a hard cover minimum
COLUMNS_PER_PRICING = 5  # improving rosters kept from one pricing solve
CONVERGE_SHARE = 0.75  # of the time, at most, for the LP before the dive starts
DIVE_STEP = 0.1  # of the people not yet fixed, fixed at each step of the dive
DIVE_ROUNDS = 3  # pricing rounds after each step
QUICK_PRICING = 0.05  # seconds a person, while the LP falls fast
FAST_FALL = 0.02  # a round that cuts the LP value by this share
PRICING = 5.0  # seconds a person, at most, otherwise
FIXED = 1e-3  # LP weight this close to 1 counts as chosen
EPSILON = 1e-6


@dataclass
class Column:
    days: tuple[str | None, ...]
    cost: int  # the person's own soft-goal cost: requests, hours
    covers: tuple[int, ...]  # indexes of the cover lines it counts towards


@dataclass
class Generation:
    roster: Roster | None
    bound: float | None  # a lower bound on the full objective (None if pricing was cut short)
    rounds: int = 0
    seconds: float = 0.0
    first_roster_seconds: float | None = None  # when every person's first column made one
    cut: ReducedCostCut | None = None  # from the pricing round that gave the bound
    # The LP's roster before the dive: (person index, day, shift or None for a day off) ->
    # its weight. Where a roster differs from it is where the roster is least sure.
    relaxed: dict[tuple[int, int, str | None], float] = dataclasses.field(default_factory=dict)


@dataclass
class ReducedCostCut:
    """What the bound's duals say of every roster costing at most some `upper`.

    With LP-optimal duals, any roster's cost is at least `bound` plus, for each person, how
    far their own roster's reduced cost is above the least one. So in a roster costing at
    most `upper`, each person's priced cost, SCALE * own cost + sum of `weights` over the
    shifts they work, is at most their `optimum` + SCALE * (upper - bound) + the horizon
    (what rounding the duals can hide); the sum over everyone is bounded the same way.
    """

    bound: float
    weights: list[dict[tuple[int, str], int]]  # per person: (day, shift) -> scaled dual weight
    optimum: list[int]  # per person: the least priced cost, proven

    def allowance(self, upper: int, horizon: int) -> int:
        return math.floor(SCALE * (upper - self.bound)) + horizon


@dataclass
class _Priced:
    columns: list[Column]
    optimum: int | None  # the least priced cost, when proven
    weights: dict[tuple[int, str], int]  # the scaled dual weights priced with


def generate(
    problem: Problem,
    seconds: float,
    *,
    workers: int = 2,
    converge_share: float = CONVERGE_SHARE,
    log: bool = False,
) -> Generation | None:
    """Price columns until the LP is optimal (or `converge_share` of the time has gone), then
    dive to a roster in the rest of `seconds`.

    None when some person has no roster at all that keeps their own rules (the full model's
    explanation says why)."""
    started = time.monotonic()
    deadline = started + seconds
    pricers = [_Pricer(problem, e, person) for e, person in enumerate(problem.staff)]
    master = _Master(problem)
    generation = Generation(None, None)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        run = _Rounds(master, pricers, pool, generation, log)
        first = list(pool.map(lambda p: p.price({}, 0.0, seconds), pricers))
        if any(not priced.columns for priced in first):
            return None
        for pricer, priced in zip(pricers, first, strict=True):
            master.add(pricer.e, priced.columns)
        if check(problem, master.first_roster()).valid:
            generation.first_roster_seconds = time.monotonic() - started
        # Then once with every cover place worth its whole under-cover weight: rosters that
        # work all they may, which the LP otherwise takes many rounds to come to.
        eager = {i: float(cover.under_weight) for i, cover in enumerate(problem.cover)}
        for pricer, priced in zip(
            pricers, pool.map(lambda p: p.price(eager, 0.0, QUICK_PRICING), pricers), strict=True
        ):
            master.add(pricer.e, priced.columns)
        run.until(started + converge_share * seconds, bound=True)
        try:
            generation.relaxed = master.relaxed()
            _dive(master, pricers, run, deadline)
            generation.roster = master.roster()
        except _NoRoster:
            pass  # the full model starts from its own roster
    generation.seconds = time.monotonic() - started
    return generation


def _dive(master: _Master, pricers: list[_Pricer], run: _Rounds, deadline: float) -> None:
    """Fix the people whose LP roster is most nearly whole, re-price the others, repeat;
    fixing more at a time when the time left would not last at the present pace."""
    step_seconds = 0.0
    while master.unfixed:
        began = time.monotonic()
        master.solve_lp()
        weights = master.heaviest()
        settled = [e for e, (_, weight) in weights.items() if weight > 1 - FIXED]
        left = deadline - began
        if left <= 0:
            settled = list(weights)
        ranked = sorted(weights, key=lambda e: -weights[e][1])
        steps_left = max(1.0, left / step_seconds) if step_seconds else math.inf
        step = max(math.ceil(DIVE_STEP * len(weights)), math.ceil(len(weights) / steps_left))
        for e in set(settled) | set(ranked[:step]):
            if not master.allowed(e, weights[e][0]):  # a partner fixed this step clashes
                continue
            for partner in master.fix(e, weights[e][0]):
                _block(pricers[partner], master, master.fixed_days(e))
        run.until(deadline, rounds=DIVE_ROUNDS)
        step_seconds = time.monotonic() - began


def _block(pricer: _Pricer, master: _Master, days: list[int]) -> None:
    """Keep a job-share partner off the days just fixed, and give them a roster that does,
    since every column they had may now clash."""
    pricer.block(days)
    priced = pricer.price({}, 0.0, PRICING)
    if not priced.columns:
        raise _NoRoster(f"no roster for person {pricer.e} beside their job-share partner")
    master.add(pricer.e, priced.columns)


class _NoRoster(Exception):
    """The dive fixed people so that no roster is left for someone."""


class _Rounds:
    """Rounds of pricing: LP, then every unfixed person's pricer, then the new columns."""

    def __init__(self, master, pricers, pool, generation: Generation, log: bool):
        self.master, self.pricers, self.pool = master, pricers, pool
        self.generation, self.log = generation, log
        self.last_value = math.inf

    def until(self, deadline: float, rounds: int | None = None, bound: bool = False) -> None:
        done = 0
        while (left := deadline - time.monotonic()) > 0 and (rounds is None or done < rounds):
            value, duals = self.master.solve_lp()
            # While the LP still falls fast, or in the dive (no bound wanted), any improving
            # roster will do: proving each person's best costs more time than it saves.
            falling = value < (1 - FAST_FALL) * self.last_value
            limit = min(left, QUICK_PRICING if falling or not bound else PRICING)
            self.last_value = value
            active = [p for p in self.pricers if p.e in self.master.unfixed]
            prices = [(duals, self.master.mu[p.e], limit) for p in active]
            results = list(self.pool.map(lambda p, args: p.price(*args), active, prices))
            added = sum(
                self.master.add(p.e, priced.columns)
                for p, priced in zip(active, results, strict=True)
            )
            done += 1
            exact = all(priced.optimum is not None for priced in results)
            if bound and exact:
                self._lagrangian(value, results)
            self.generation.rounds += 1
            if self.log:
                print(f"round {self.generation.rounds}: LP {value:.2f} +{added} columns")
            if added == 0 and exact:  # the LP is optimal over every roster
                if bound:
                    self._bound(value)
                return

    def _lagrangian(self, value: float, results: list[_Priced]) -> None:
        """LP value + each person's least reduced cost: a bound whatever the round."""
        slack = 0.5 * self.master.problem.horizon  # the most the rounding of duals can hide
        lower = value + sum(
            min(0.0, (priced.optimum - slack) / SCALE - self.master.mu[e])
            for e, priced in enumerate(results)
        )
        if self.generation.bound is None or lower > self.generation.bound:
            self.generation.cut = ReducedCostCut(
                lower, [p.weights for p in results], [p.optimum for p in results]
            )
        self._bound(lower)

    def _bound(self, lower: float) -> None:
        known = self.generation.bound
        self.generation.bound = lower if known is None else max(known, lower)


class _Pricer:
    """One person's own rules as a CP-SAT model, re-solved under each round's duals."""

    def __init__(self, problem: Problem, e: int, person: Staff):
        from probity.core.rostering.solver import _RosterModel, _sum

        self.e = e
        self.problem = problem
        alone = dataclasses.replace(
            problem,
            staff=(_without_partner(person),),
            cover=(),
            requests=tuple(r for r in problem.requests if r.staff == person.id),
        )
        self.built = _RosterModel(alone)
        self.built.add_objective()
        self.own = _sum(self.built.costs)
        self.covers: dict[tuple[int, str], list[int]] = {}
        for i, cover in enumerate(problem.cover):
            if person.has_skill(cover.skill):
                self.covers.setdefault((cover.day, cover.shift), []).append(i)
        self.keys = list(self.built.x)
        self.last: dict = {}

    def price(self, duals: dict[int, float], mu: float, left: float) -> _Priced:
        """Columns of negative reduced cost (all the solver passed on the way; with no duals,
        the person's cheapest roster), and the least priced cost if it was proven."""
        weights = {}
        for _, day, shift in self.keys:
            dual = sum(duals.get(i, 0.0) for i in self.covers.get((day, shift), ()))
            if round(SCALE * dual):
                weights[day, shift] = -round(SCALE * dual)
        terms = [self.built.x[0, day, shift] for day, shift in weights]
        model = self.built.model
        model.minimize(
            SCALE * self.own + cp_model.LinearExpr.weighted_sum(terms, list(weights.values()))
        )
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = max(0.01, left)
        keeper = _Keeper(self, duals, mu)
        model.clear_hints()
        for key, value in self.last.items():  # last round's best: a good start for this one
            model.add_hint(self.built.x[key], value)
        status = solver.solve(model, keeper)
        if keeper.values:
            self.last = keeper.values
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return _Priced([], None, weights)
        if not duals:
            return _Priced([column for _, column in keeper.columns[-1:]], None, weights)
        optimum = round(solver.objective_value) if status == cp_model.OPTIMAL else None
        return _Priced(keeper.improving(), optimum, weights)

    def block(self, days: list[int]) -> None:
        """A job-share partner is fixed to work these days: keep this person off them."""
        for day in days:
            works = self.built.work[0][day]
            if not isinstance(works, int):
                self.built.model.add(works == 0)

    def column(self, values: dict, cost: int) -> Column:
        days: list[str | None] = [None] * self.problem.horizon
        covers: list[int] = []
        for (_, day, shift), value in values.items():
            if value:
                days[day] = shift
                covers.extend(self.covers.get((day, shift), ()))
        return Column(tuple(days), cost, tuple(covers))


class _Keeper(cp_model.CpSolverSolutionCallback):
    def __init__(self, pricer: _Pricer, duals: dict[int, float], mu: float):
        super().__init__()
        self.pricer, self.duals, self.mu = pricer, duals, mu
        self.values: dict = {}
        self.columns: list[tuple[float, Column]] = []

    def on_solution_callback(self) -> None:
        built = self.pricer.built
        values = {key: self.value(built.x[key]) for key in self.pricer.keys}
        self.values = values
        column = self.pricer.column(values, round(self.value(self.pricer.own)))
        reduced = column.cost - sum(self.duals.get(i, 0.0) for i in column.covers) - self.mu
        self.columns.append((reduced, column))
        del self.columns[:-COLUMNS_PER_PRICING]

    def improving(self) -> list[Column]:
        return [column for reduced, column in self.columns if reduced < -EPSILON]


class _Master:
    def __init__(self, problem: Problem):
        self.problem = problem
        self.columns: list[list[Column]] = [[] for _ in problem.staff]
        self.seen: set[tuple[int, tuple]] = set()
        self.mu: list[float] = [0.0] * len(problem.staff)
        self.vars: list[list] = [[] for _ in problem.staff]
        self.unfixed: set[int] = set(range(len(problem.staff)))
        self.chosen: dict[int, int] = {}
        self.partners = _partners(problem)
        self.lp = pywraplp.Solver.CreateSolver("GLOP")
        infinity = self.lp.infinity()
        self.convex = [self.lp.Constraint(1, 1) for _ in problem.staff]
        self.cover_rows, self.minimum_rows = [], {}
        objective = self.lp.Objective()
        for i, cover in enumerate(problem.cover):
            row = self.lp.Constraint(cover.preferred, cover.preferred)
            short = self.lp.NumVar(0, cover.preferred, "")
            extra = self.lp.NumVar(0, infinity, "")
            row.SetCoefficient(short, 1)
            row.SetCoefficient(extra, -1)
            objective.SetCoefficient(short, cover.under_weight)
            objective.SetCoefficient(extra, cover.over_weight)
            self.cover_rows.append(row)
            if cover.minimum > 0:
                minimum = self.lp.Constraint(cover.minimum, infinity)
                deep = self.lp.NumVar(0, cover.minimum, "")
                minimum.SetCoefficient(deep, 1)
                objective.SetCoefficient(deep, BELOW_MINIMUM)
                self.minimum_rows[i] = minimum
        objective.SetMinimization()

    def add(self, e: int, columns: list[Column]) -> int:
        added = 0
        for column in columns:
            if e not in self.unfixed or (e, column.days) in self.seen:
                continue
            self.seen.add((e, column.days))
            self.columns[e].append(column)
            var = self.lp.NumVar(0, self.lp.infinity(), "")
            self.vars[e].append(var)
            self.lp.Objective().SetCoefficient(var, column.cost)
            self.convex[e].SetCoefficient(var, 1)
            for i in column.covers:
                self.cover_rows[i].SetCoefficient(var, 1)
                if i in self.minimum_rows:
                    self.minimum_rows[i].SetCoefficient(var, 1)
            added += 1
        return added

    def solve_lp(self) -> tuple[float, dict[int, float]]:
        status = self.lp.Solve()
        if status != pywraplp.Solver.OPTIMAL:
            raise _NoRoster(f"master LP status {status}")
        duals = {}
        for i, row in enumerate(self.cover_rows):
            dual = row.dual_value() + (
                self.minimum_rows[i].dual_value() if i in self.minimum_rows else 0.0
            )
            if abs(dual) > EPSILON:
                duals[i] = dual
        self.mu = [row.dual_value() for row in self.convex]
        return self.lp.Objective().Value(), duals

    def relaxed(self) -> dict[tuple[int, int, str | None], float]:
        self.solve_lp()  # columns may have come since the last solve
        weights: dict[tuple[int, int, str | None], float] = {}
        for e, (columns, lp_vars) in enumerate(zip(self.columns, self.vars, strict=True)):
            for column, var in zip(columns, lp_vars, strict=True):
                if (weight := var.solution_value()) > EPSILON:
                    for day, shift in enumerate(column.days):
                        weights[e, day, shift] = weights.get((e, day, shift), 0.0) + weight
        return weights

    def heaviest(self) -> dict[int, tuple[int, float]]:
        """For each unfixed person, their column with the most LP weight, and that weight."""
        found = {}
        for e in self.unfixed:
            values = [var.solution_value() for var in self.vars[e]]
            best = max(range(len(values)), key=values.__getitem__)
            found[e] = (best, values[best])
        return found

    def fix(self, e: int, j: int) -> list[int]:
        """Keep only column j of person e; returns the job-share partners that must now
        keep off e's working days (their clashing columns are already switched off)."""
        for k, var in enumerate(self.vars[e]):
            if k != j:
                var.SetUb(0)
        self.chosen[e] = j
        self.unfixed.discard(e)
        partners = [f for f in self.partners.get(e, ()) if f in self.unfixed]
        days = self.fixed_days(e)
        for f in partners:
            for column, var in zip(self.columns[f], self.vars[f], strict=True):
                if any(column.days[day] is not None for day in days):
                    var.SetUb(0)
        return partners

    def allowed(self, e: int, j: int) -> bool:
        return self.vars[e][j].ub() > 0

    def fixed_days(self, e: int) -> list[int]:
        column = self.columns[e][self.chosen[e]]
        return [day for day, shift in enumerate(column.days) if shift is not None]

    def roster(self) -> Roster:
        return self._roster([self.chosen[e] for e in range(len(self.problem.staff))])

    def first_roster(self) -> Roster:
        """Each person's first column: their own cheapest roster."""
        return self._roster([0] * len(self.problem.staff))

    def _roster(self, picks: list[int]) -> Roster:
        roster = Roster.empty(self.problem)
        for e, person in enumerate(self.problem.staff):
            roster.assignments[person.id] = list(self.columns[e][picks[e]].days)
        return roster


def _without_partner(person: Staff) -> Staff:
    if person.arrangement.job_share_with is None:
        return person
    terms = dataclasses.replace(person.arrangement, job_share_with=None)
    return dataclasses.replace(person, arrangement=terms)


def _partners(problem: Problem) -> dict[int, list[int]]:
    index = {person.id: e for e, person in enumerate(problem.staff)}
    partners: dict[int, list[int]] = {}
    for e, person in enumerate(problem.staff):
        other = index.get(person.arrangement.job_share_with)
        if other is not None:
            partners.setdefault(e, []).append(other)
            partners.setdefault(other, []).append(e)
    return partners
