"""How fast the offer's calculators answer, in process and from a cold CLI.

Run: python benchmarks/entitlements_bench.py [--seconds 2]
Prints calculations a second for each calculator (answers as typed, parsed each time), and
`probity entitlements annual-leave …`'s cold start as a ratio of a bare `python -c pass`
(aim: at most 4x), next to `probity advise`'s. Cold starts run interleaved, so a busy machine
slows them all alike, and with bytecode caching on, as an installed package runs; the ratio of
CPU time (user + system) is printed too, as it varies less than wall time on a shared machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

from probity.core.entitlements import calculate

ANSWERS = {
    "annual-leave": {"service_start": "2015-04-01", "leave_year_start": "2025-04-01",
                     "weekly_hours": "30", "leaving_date": "2026-01-31"},
    "toil": {"banked": "7.4, 3, 2.5", "taken": "4"},
    "sick-pay": {"terms": "modernised", "service_start": "2018-01-01", "on": "2026-01-01",
                 "absences": "2023-01-01..2023-02-01, 2025-05-01..2025-05-09"},
    "family-leave": {"kind": "maternity", "expected_date": "2025-03-14",
                     "leave_year_start": "2025-04-01"},
    "pay-progression": {"pay_year": "2023/24", "role": "prison-officer", "years_in_role": "2"},
    "pension": {"annual_salary": "30902", "avc_monthly": "50"},
    "cycle-to-work": {"price": "1000", "tax_band": "higher", "on": "2024-06-01"},
}  # fmt: skip
CLI = ["-m", "probity", "entitlements", "annual-leave", "--service-start", "2015-04-01",
       "--leave-year-start", "2025-04-01"]  # fmt: skip
ADVISE = ["-m", "probity", "advise", os.path.join(os.path.dirname(__file__), "..", "examples",
                                                  "second-job.json")]  # fmt: skip
COLD_START_AIM = 4.0  # times bare Python


def per_second(name: str, seconds: float) -> float:
    calculate(name, ANSWERS[name])  # rules read and cached once
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        calculate(name, ANSWERS[name])
        count += 1
    return count / (time.perf_counter() - start)


def cold_starts(commands: dict[str, list[str]], runs: int = 15) -> dict[str, tuple[float, float]]:
    """The median wall time and CPU time of each command, run in turn `runs` times."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(runs + 1):  # the first round only writes the bytecode caches
        for name, arguments in commands.items():
            cpu, start = _children_cpu(), time.perf_counter()
            subprocess.run([sys.executable, *arguments], check=True, capture_output=True,
                           env=env)  # fmt: skip
            times[name].append((time.perf_counter() - start, _children_cpu() - cpu))
    return {
        name: (
            statistics.median(t[0] for t in found[1:]),
            statistics.median(t[1] for t in found[1:]),
        )
        for name, found in times.items()
    }


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="per calculator")
    args = parser.parse_args()
    rates = {name: per_second(name, args.seconds) for name in ANSWERS}
    slowest = min(rates.values())
    for name, rate in rates.items():
        print(f"{name:<16} {rate:>9,.0f} calculations/s  ({rate / slowest:.1f}x the slowest)")
    cold = cold_starts({"bare": ["-c", "pass"], "entitlements": CLI, "advise": ADVISE})
    (bare, bare_cpu), (cli, cli_cpu), (advise, advise_cpu) = cold.values()
    print(f"cold CLI: {cli * 1000:.0f} ms; bare python {bare * 1000:.0f} ms; ratio "
          f"{cli / bare:.1f}x (CPU time {cli_cpu / bare_cpu:.1f}x; aim at most "
          f"{COLD_START_AIM:.0f}x); probity advise {advise / bare:.1f}x "
          f"(CPU time {advise_cpu / bare_cpu:.1f}x)")  # fmt: skip


if __name__ == "__main__":
    main()
