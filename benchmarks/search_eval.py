"""Clause search: how often the right clause comes first or in the top five, and how fast.

    .venv/bin/python benchmarks/search_eval.py              # the shipped method
    .venv/bin/python benchmarks/search_eval.py --compare    # plus the variants we tried
    .venv/bin/python benchmarks/search_eval.py --misses hybrid

Questions: benchmarks/search_questions.yaml. A question is found at rank k when any of its
answers is among the first k clauses (no code filter). Figures are given for all questions,
for the "dev" questions the method was tuned on, and for the "holdout" ones it never was.
Runs with a throw-away PROBITY_HOME so the "cold" embedding figure really is cold and the
user's cache is left alone.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

QUESTIONS = Path(__file__).with_name("search_questions.yaml")
MODES = ("lexical", "semantic", "hybrid")
TIMING_ROUNDS = 5


def main() -> None:
    args = _parse()
    os.environ["PROBITY_HOME"] = tempfile.mkdtemp(prefix="probity-search-eval-")
    from probity.core.search import api
    from probity.core.search.semantic import SemanticUnavailable

    questions = load_questions()
    print(f"{len(questions)} questions from {QUESTIONS.name}\n")
    builds = build_timings()
    engine = api.get_engine()
    try:
        print(f"model: {engine.semantic().model}\n")
        modes = MODES
    except SemanticUnavailable as error:
        print(f"{error}\n")
        modes = ("lexical",)
    found = {mode: ranks(engine, mode, questions) for mode in modes}
    speed = {mode: query_timings(mode, questions) for mode in modes}
    print_table(questions, found, speed)
    print_builds(builds, speed)
    if "hybrid" in found:
        print_targets(metrics(found["hybrid"]), metrics(found["lexical"]), speed["hybrid"])
    if args.compare and len(modes) == 3:
        compare(questions)
    if args.misses:
        print_misses(engine, args.misses, questions)


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", action="store_true", help="also score method variants")
    parser.add_argument("--misses", choices=MODES, help="list questions missed in the top 5")
    return parser.parse_args()


def load_questions() -> list[dict]:
    return yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))["questions"]


def ranks(engine, mode: str, questions: list[dict]) -> list[int | None]:
    """Rank (1-based) of the first right answer for each question, None if not in top 100."""
    found = []
    for question in questions:
        refs = [item.clause.ref for item in engine.rank(question["q"], mode, None, 100)]
        hits = [refs.index(answer) + 1 for answer in question["answers"] if answer in refs]
        found.append(min(hits) if hits else None)
    return found


SETS = {
    "all": lambda question: True,
    "dev": lambda question: question.get("set") != "holdout",
    "holdout": lambda question: question.get("set") == "holdout",
}


def metrics(found: list[int | None]) -> dict[str, float]:
    total = max(len(found), 1)
    return {
        "recall@1": sum(1 for r in found if r == 1) / total,
        "recall@5": sum(1 for r in found if r and r <= 5) / total,
        "MRR": sum(1 / r for r in found if r) / total,
    }


def query_timings(mode: str, questions: list[dict]) -> dict[str, float]:
    """p50/p95 of one search() call, in-process, after one warm-up pass."""
    from probity.core.search import search

    for question in questions:
        search(question["q"], mode=mode)
    samples = []
    for _ in range(TIMING_ROUNDS):
        for question in questions:
            start = time.perf_counter()
            search(question["q"], mode=mode)
            samples.append(time.perf_counter() - start)
    cuts = statistics.quantiles(samples, n=100)
    return {"p50": cuts[49] * 1000, "p95": cuts[94] * 1000}


def build_timings() -> dict[str, float]:
    """Seconds to build the lexical index, load the model, and embed cold vs from cache."""
    from probity.core.search.engine import Engine
    from probity.core.search.semantic import SemanticUnavailable, load_encoder

    timings = {"lexical index": min(_seconds(Engine.build) for _ in range(3))}
    try:
        timings["model load"] = _seconds(load_encoder)
    except SemanticUnavailable:
        return timings
    cold, cached = Engine.build(), Engine.build()  # same content: the second finds the cache
    timings["embeddings, cold"] = _seconds(cold.semantic)
    timings["embeddings, cached"] = _seconds(cached.semantic)
    return timings


def _seconds(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def print_table(questions: list[dict], found: dict, speed: dict) -> None:
    sizes = {name: sum(map(test, questions)) for name, test in SETS.items()}
    print(" " * 10 + "".join(f"| {f'{name} ({size})':<18}" for name, size in sizes.items()), end="")
    print("| per query")
    print(f"{'mode':<10}" + "| r@1   r@5   MRR   " * len(SETS) + "| p50 ms  p95 ms")
    for mode, ranked in found.items():
        row = f"{mode:<10}"
        for test in SETS.values():
            chosen = [rank for rank, q in zip(ranked, questions, strict=True) if test(q)]
            scores = metrics(chosen)
            row += f"| {scores['recall@1']:.3f} {scores['recall@5']:.3f} {scores['MRR']:.3f} "
        print(row + f"| {speed[mode]['p50']:>6.2f}  {speed[mode]['p95']:>6.2f}")
    print()


def print_builds(builds: dict, speed: dict) -> None:
    for name, seconds in builds.items():
        print(f"{name:<20} {seconds * 1000:>9.1f} ms")
    if "semantic" in speed:
        base = speed["lexical"]["p50"]
        for mode in ("semantic", "hybrid"):
            print(f"{mode}/lexical p50 time: {speed[mode]['p50'] / base:.1f}x")
        ratio = builds["embeddings, cold"] / max(builds["embeddings, cached"], 1e-9)
        print(f"embeddings cold/cached: {ratio:.0f}x")
    print()


def print_targets(hybrid: dict, lexical: dict, speed: dict) -> None:
    """The goals set for search, each marked met or not, on all questions."""
    checks = [
        ("hybrid recall@5 >= 0.95", hybrid["recall@5"] >= 0.95),
        ("hybrid recall@1 >= 0.70", hybrid["recall@1"] >= 0.70),
        ("hybrid MRR > lexical MRR", hybrid["MRR"] > lexical["MRR"]),
        ("hybrid p95 <= 30 ms", speed["p95"] <= 30),
    ]
    for name, met in checks:
        print(f"{'met    ' if met else 'NOT met'}  {name}")
    print()


def compare(questions: list[dict]) -> None:
    """The choices behind the shipped method, each scored on the same questions."""
    from probity.core.search.engine import Engine

    variants = {
        "shipped: 120-word passages, synonyms, hints, blend 0.4": {},
        "semantic: best passage, not whole clause": {"semantic_clause": "best"},
        "whole clauses, no passages": {"passage_words": 10_000},
        "60-word passages": {"passage_words": 60},
        "200-word passages": {"passage_words": 200},
        "no synonyms": {"synonyms": False},
        "no hints": {"hints": False},
        "reciprocal rank fusion": {"fusion": "rrf"},
        "blend 0.2 lexical": {"weight": 0.2},
        "blend 0.6 lexical": {"weight": 0.6},
    }
    print("variants, all questions:")
    print(f"{'variant':<48} {'mode':<9} {'r@1':>6} {'r@5':>6} {'MRR':>6}")
    for name, options in variants.items():
        weight = options.pop("weight", None)
        engine = Engine.build(**options)
        if weight is not None:
            engine.blend_weight = weight
        for mode in MODES:
            scores = metrics(ranks(engine, mode, questions))
            print(
                f"{name:<48} {mode:<9} {scores['recall@1']:>6.3f} {scores['recall@5']:>6.3f}"
                f" {scores['MRR']:>6.3f}"
            )
    print()


def print_misses(engine, mode: str, questions: list[dict]) -> None:
    found = ranks(engine, mode, questions)
    for question, rank in zip(questions, found, strict=True):
        if rank is None or rank > 5:
            top = [item.clause.ref for item in engine.rank(question["q"], mode, None, 3)]
            print(f"rank {rank}: {question['q']}\n   want {question['answers']}\n   got  {top}")


if __name__ == "__main__":
    sys.exit(main())
