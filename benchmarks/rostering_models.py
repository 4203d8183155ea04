"""Fixed shift, TBSR and DLFR side by side on a generated prison-sized establishment (issue 8).

Run: python benchmarks/rostering_models.py [--staff 300] [--weeks 8] [--seconds 60]

Generates the establishment (`rostering.generate.prison_establishment`: OSG, Band 3 and
Band 4 staff on Early, Late, Long day and Night shifts, a quarter on flexible-working
arrangements, leave, TOIL and requests), builds each model's roster with `--seconds` a
solve on `--workers` CP-SAT workers, and prints the metrics table a governor compares:
cover shortfall, requests met, hours against contract, the spread of nights and weekends,
and rule violations as the independent checker counts them (must be 0), plus each
model's solve status and time.
"""

from __future__ import annotations

import argparse
import os
import time

from probity.core.rostering.compare import MODEL_NAMES, compare
from probity.core.rostering.generate import prison_establishment
from probity.core.rostering.report import format_comparison


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=300)
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    problem = prison_establishment(staff=args.staff, weeks=args.weeks, seed=args.seed)
    flexible = sum(1 for p in problem.staff if p.arrangement.description)
    print(
        f"{problem.name}: {len(problem.staff)} staff ({flexible} on flexible arrangements), "
        f"{problem.horizon} days, {len(problem.cover)} cover lines, "
        f"{len(problem.requests)} requests; load average {_load()}"
    )
    started = time.monotonic()
    outcomes = compare(problem, seconds=args.seconds, workers=args.workers)
    print(format_comparison(outcomes))
    for outcome in outcomes:
        result = outcome.result
        gap = f"{result.gap:.1%}" if result.gap is not None else "-"
        changes = f", {result.changes} staff-days changed" if result.changes is not None else ""
        print(
            f"{MODEL_NAMES[outcome.model]}: {result.status}, {result.seconds:.0f} s, "
            f"gap to bound {gap}{changes}"
        )
    print(f"total {time.monotonic() - started:.0f} s; load average {_load()}")


def _load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


if __name__ == "__main__":
    main()
