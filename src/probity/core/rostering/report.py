"""Plain-text views of rosters, checks and model comparisons, for the CLI and benchmarks."""

from __future__ import annotations

from probity.core.rostering.checker import Check
from probity.core.rostering.compare import MODEL_NAMES, ModelOutcome
from probity.core.rostering.model import Problem, Roster
from probity.core.rostering.solver import SolveResult

METRIC_LABELS = {
    "shortfall_below_minimum": "Cover short of minimum (person-shifts)",
    "shortfall_below_preferred": "Cover short of preferred (person-shifts)",
    "requests_met_percent": "Requests met (%)",
    "hours_off_target_mean": "Hours off contract/annualised target (mean)",
    "nights_per_fte_stdev": "Nights per FTE, standard deviation",
    "nights_per_fte_range": "Nights per FTE, most minus fewest",
    "weekend_shifts_per_fte_stdev": "Weekend shifts per FTE, standard deviation",
    "weekend_shifts_per_fte_range": "Weekend shifts per FTE, most minus fewest",
    "rule_violations": "Rule violations (checker)",
}


def format_result(result: SolveResult) -> str:
    lines = [f"status: {result.status} after {result.seconds:.1f} s"]
    if result.roster is not None:
        gap = f"{result.gap:.1%}" if result.gap is not None else "-"
        first = result.first_feasible_seconds
        lines.append(
            f"objective: {result.check.objective}  bound: {result.best_bound:.0f}  gap: {gap}"
            + (f"  first roster after {first:.1f} s" if first is not None else "")
        )
        if result.changes is not None:
            lines.append(f"changes from the roster repaired: {result.changes} staff-days")
        lines.append(format_check(result.check))
    elif result.conflicts:
        lines.append("No roster meets every rule. These rules cannot all hold:")
        lines.extend(f"  - {conflict}" for conflict in result.conflicts)
    else:
        lines.append("No roster was found in the time allowed; give it longer.")
    return "\n".join(lines)


def format_check(result: Check) -> str:
    lines = [f"checker: {result.summary()}"]
    lines.extend(f"  - {violation.rule}: {violation.message}" for violation in result.violations)
    penalties = ", ".join(f"{name} {value}" for name, value in result.penalties.items())
    if penalties:
        lines.append(f"soft goals: {penalties}")
    return "\n".join(lines)


def format_roster(problem: Problem, roster: Roster, limit_days: int = 28) -> str:
    """A grid: a row a person, a column a day ('.' = off); long rosters are cut at `limit_days`."""
    days = range(min(problem.horizon, limit_days))
    width = max(2, *(len(shift.id) for shift in problem.shifts))
    name_width = max(len(person.label) for person in problem.staff)
    header = (
        " " * name_width
        + " "
        + " ".join(problem.date(day).strftime("%a")[:width].ljust(width) for day in days)
    )
    rows = [header]
    for person in problem.staff:
        cells = [(roster.shift_on(person.id, day) or ".").ljust(width) for day in days]
        rows.append(person.label.ljust(name_width) + " " + " ".join(cells))
    return "\n".join(rows)


def format_comparison(outcomes: list[ModelOutcome]) -> str:
    width = 32
    lines = [
        f"{'':<44}" + "".join(f"{MODEL_NAMES[o.model][: width - 2]:>{width}}" for o in outcomes)
    ]
    for key, label in METRIC_LABELS.items():
        cells = "".join(
            f"{_number(o.metrics.get(key)):>{width}}" if o.metrics else f"{'no roster':>{width}}"
            for o in outcomes
        )
        lines.append(f"{label:<44}{cells}")
    objective = "".join(
        f"{o.result.check.objective if o.result.check else '-':>{width}}" for o in outcomes
    )
    lines.append(f"{'Objective (DLFR soft goals)':<44}{objective}")
    return "\n".join(lines)


def _number(value) -> str:
    if value is None:
        return "-"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}"
