"""How fast the guidance engine decides, in process and from a cold CLI.

Run: python benchmarks/advise_bench.py [--seconds 3]
Prints decisions per second (one core) and the CLI's cold start as a ratio of a bare
`python -c pass`. Aims (issue 3): >= 20,000 decisions/s; cold start <= 5x.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import random
import statistics
import subprocess
import sys
import time

import probity
from probity.core.codes import code_ids
from probity.core.engine import decide
from probity.core.situation import parse_situation
from probity.core.vocabulary import vocabulary


def random_situations(count: int, known_share: float, seed: int = 7) -> list:
    rng = random.Random(seed)
    vocab = vocabulary()
    situations = []
    for _ in range(count):
        codes = rng.sample(code_ids(), rng.randint(1, 3))
        matter = vocab.matters[rng.choice(list(vocab.matters))]
        facts = {}
        for name, fact in matter.facts.items():
            if rng.random() < known_share:
                facts[name] = (
                    rng.uniform(0, 500)
                    if fact.type == "number"
                    else rng.choice(fact.possible_values())
                )
        roles = {code: rng.choice(list(vocab.roles)) for code in codes}
        situations.append(parse_situation({"roles": roles, "matter": matter.id, "facts": facts}))
    return situations


def decisions_per_second(situations: list, seconds: float) -> float:
    for situation in situations[:200]:  # warm the rule and code caches
        decide(situation)
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for situation in situations:
            decide(situation)
        done += len(situations)
    return done / (time.perf_counter() - start)


def cold_start(command: list[str], runs: int = 15, stdin: str | None = None) -> float:
    # An installed package has its bytecode compiled; measure that, not a source-only tree.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, input=stdin, capture_output=True, text=True, check=True, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def heavy_modules_loaded_by_advise(situation: str) -> list[str]:
    probe = (
        "import sys, io; sys.stdin = io.StringIO(sys.argv[1]); from probity.cli import main; "
        "main(['advise', '--format', 'json']); "
        "print([m for m in ('django', 'torch', 'sentence_transformers', 'bm25s', 'numpy') "
        "if m in sys.modules], file=sys.stderr)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, situation], capture_output=True, text=True
    )
    return json.loads(result.stderr.strip().splitlines()[-1].replace("'", '"'))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    print("Guidance engine, one process, one core")
    for label, share in (("all facts known", 1.0), ("half the facts known", 0.5)):
        situations = random_situations(2000, share)
        checked = decisions_per_second(situations, args.seconds)
        raw = decisions_per_second([s._asdict() for s in situations], args.seconds)
        print(f"  {label:22} {checked:10,.0f} decisions/s  ({checked / 20_000:.2f}x the aim)")
        print(
            f"  {'  + input validation':22} {raw:10,.0f} decisions/s  ({raw / 20_000:.2f}x the aim)"
        )

    situation = json.dumps(
        {"roles": {"essex-probation": "employee"}, "matter": "gift", "facts": {"kind": "cash"}}
    )
    compileall.compile_dir(os.path.dirname(os.path.abspath(probity.__file__)), quiet=1)
    script = os.path.join(os.path.dirname(sys.executable), "probity")
    command = [script] if os.path.exists(script) else [sys.executable, "-m", "probity"]
    bare = cold_start([sys.executable, "-c", "pass"])
    advise = cold_start([*command, "advise", "--format", "json"], stdin=situation)
    ratio = advise / bare
    print("CLI cold start (median of 15, bytecode compiled as an installed package has it)")
    print(f"  python -c pass          {bare * 1000:7.1f} ms")
    print(
        f"  probity advise          {advise * 1000:7.1f} ms  ({ratio:.2f}x bare Python; aim <= 5x)"
    )
    heavy = heavy_modules_loaded_by_advise(situation)
    print(f"  heavy modules imported by advise: {', '.join(heavy) or 'none'}")


if __name__ == "__main__":
    main()
