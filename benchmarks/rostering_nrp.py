"""The roster solver on the Curtois & Qu nurse rostering benchmark instances (issue 8).

Run: python benchmarks/rostering_nrp.py [--seconds 60] [--workers 2] [--scale-seconds 120]
     [--instances Instance1 Instance4] [--no-scale] [--columns-share 0.7]

For each instance in shared/benchmarks/nrp/: the objective reached in `--seconds` with
`--workers` CP-SAT workers, its ratio to the best known solution (best_known.csv), the
proven bound and gap, the time to the first feasible roster, and whether the independent
checker finds the roster valid (its objective is the benchmark's). Then a generated
52-week, 150-person instance in the same terms shows how the solver scales (no best known:
the ratio is to the solver's own bound). Aims: best known on Instances 1, 4 and 8, within
5% on Instance14. The machine's load average is printed: other work on the 2 cores slows
every figure.
"""

from __future__ import annotations

import argparse
import csv
import os
import time
from pathlib import Path

from probity.core.rostering.generate import nrp_like
from probity.core.rostering.nrp import read_nrp
from probity.core.rostering.solver import COLUMNS_SHARE, solve

HERE = Path(__file__).resolve().parent
CANDIDATES = (HERE.parent.parent / "shared/benchmarks/nrp", Path("/work/shared/benchmarks/nrp"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--dir", type=Path, default=next((p for p in CANDIDATES if p.exists()), None)
    )
    parser.add_argument("--instances", nargs="*")
    parser.add_argument("--scale-seconds", type=float, default=120.0)
    parser.add_argument("--no-scale", action="store_true")
    parser.add_argument(
        "--columns-share",
        type=float,
        default=COLUMNS_SHARE,
        help=f"time given to column generation (default {COLUMNS_SHARE}; 0: CP-SAT alone)",
    )
    args = parser.parse_args()

    best = _best_known(args.dir / "best_known.csv")
    names = args.instances or sorted(best, key=lambda n: int(n.removeprefix("Instance")))
    print(f"load average before: {_load()}; {args.workers} workers, {args.seconds:g} s each")
    header = (
        f"{'instance':<11} {'wk':>3} {'staff':>5} {'obj':>7} {'best':>6} {'ratio':>6} "
        f"{'bound':>7} {'gap':>6} {'first s':>7} {'time s':>6} {'checker':<8} status"
    )
    print(header)
    for name in names:
        problem = read_nrp(args.dir / f"{name}.txt")
        result = solve(
            problem, seconds=args.seconds, workers=args.workers, columns_share=args.columns_share
        )
        _row(name, problem, result, best.get(name))
    if not args.no_scale:
        problem = nrp_like(staff=150, weeks=52)
        started = time.monotonic()
        result = solve(
            problem,
            seconds=args.scale_seconds,
            workers=args.workers,
            columns_share=args.columns_share,
        )
        _row("gen-52w150", problem, result, None)
        print(
            f"  (generated 52 weeks x 150 staff x 4 shifts; {time.monotonic() - started:.0f} s "
            f"with model building; ratio column = objective / bound)"
        )
    print(f"load average after: {_load()}")


def _row(name, problem, result, best_known) -> None:
    objective = result.check.objective if result.check else None
    valid = "valid" if result.check and result.check.valid else "INVALID"
    reference = best_known or result.best_bound or None
    ratio = f"{objective / reference:.3f}" if objective is not None and reference else "-"
    gap = f"{result.gap:.1%}" if result.gap is not None else "-"
    first = f"{result.first_feasible_seconds:.1f}" if result.first_feasible_seconds else "-"
    bound = f"{result.best_bound:.0f}" if result.best_bound is not None else "-"
    print(
        f"{name:<11} {problem.horizon // 7:>3} {len(problem.staff):>5} "
        f"{objective if objective is not None else '-':>7} {best_known or '-':>6} {ratio:>6} "
        f"{bound:>7} {gap:>6} {first:>7} {result.seconds:>6.1f} {valid:<8} {result.status}",
        flush=True,
    )


def _best_known(path: Path) -> dict[str, int]:
    with path.open(newline="") as handle:
        return {row["instance"]: int(row["best_known_solution"]) for row in csv.DictReader(handle)}


def _load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


if __name__ == "__main__":
    main()
