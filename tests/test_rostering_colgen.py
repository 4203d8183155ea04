"""Column generation (core/rostering/colgen.py): its start roster keeps every rule, its bound
never passes the true optimum, and the cuts it gives CP-SAT never cut the optimum off."""

from pathlib import Path

import pytest

from probity.core.rostering.checker import check
from probity.core.rostering.colgen import generate
from probity.core.rostering.nrp import read_nrp
from probity.core.rostering.solver import solve
from tests.rostering_helpers import arrangement, every_day, need, person, problem, wants

NRP = Path(__file__).resolve().parents[2] / "shared/benchmarks/nrp"
if not NRP.exists():
    NRP = Path("/work/shared/benchmarks/nrp")


def _ward():
    """Five people, a week of earlies and lates, requests that pull against the cover."""
    staff = [person(name) for name in ("ann", "bob", "cat", "dev", "eve")]
    cover = [need(day, shift, minimum=0, preferred=1) for day in range(7) for shift in "EL"]
    requests = [wants("ann", 5, weight=30), wants("bob", 6, "L", weight=20)]
    return problem(staff, cover, requests)


def test_the_start_roster_keeps_every_rule_and_the_bound_is_below_its_cost():
    ward = _ward()
    generation = generate(ward, seconds=10)
    verdict = check(ward, generation.roster)
    assert verdict.valid, verdict.violations
    assert generation.bound is not None
    assert generation.bound <= verdict.objective + 1e-6


def test_the_lp_roster_gives_each_person_one_whole_choice_a_day():
    ward = _ward()
    relaxed = generate(ward, seconds=10).relaxed
    for e in range(len(ward.staff)):
        for day in range(ward.horizon):
            weights = [relaxed.get((e, day, shift), 0.0) for shift in (None, "E", "L", "N")]
            assert sum(weights) == pytest.approx(1.0)


def test_with_columns_the_solver_proves_the_same_optimum_as_cp_sat_alone():
    ward = _ward()
    alone = solve(ward, seconds=20, columns_share=0)
    with_columns = solve(ward, seconds=20)
    assert alone.status == with_columns.status == "optimal"
    assert with_columns.check.objective == alone.check.objective


def test_job_share_partners_never_work_the_same_day_in_the_start_roster():
    staff = [
        person("ann", arrangement=arrangement(job_share_with="bob")),
        person("bob", arrangement=arrangement(job_share_with="ann")),
        person("cat"),
    ]
    ward = problem(staff, every_day("E", minimum=1) + every_day("L", minimum=0))
    generation = generate(ward, seconds=10)
    ann, bob = generation.roster.assignments["ann"], generation.roster.assignments["bob"]
    assert not any(a and b for a, b in zip(ann, bob, strict=True))


def test_hard_cover_minimums_leave_the_solve_to_cp_sat_alone(monkeypatch):
    # The dive seldom ends in a valid roster when cover has hard minimums.
    def no_columns(*args, **kwargs):
        raise AssertionError("column generation ran")

    monkeypatch.setattr("probity.core.rostering.solver.generate", no_columns)
    ward = problem([person("ann"), person("bob")], every_day("E"))
    result = solve(ward, seconds=10)
    assert result.check.valid


@pytest.mark.skipif(not NRP.exists(), reason="benchmark instances not present")
def test_instance4_is_proven_optimal_within_seconds():
    instance = read_nrp(NRP / "Instance4.txt")
    result = solve(instance, seconds=30)
    assert result.status == "optimal"
    assert result.check.valid and result.check.objective == 1716  # best_known.csv
