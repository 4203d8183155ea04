"""The NRP benchmark reader (Curtois & Qu format, shared/benchmarks/nrp/README.md) and the
benchmark objective as the checker computes it."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from probity.core.errors import BadInput
from probity.core.rostering.checker import check
from probity.core.rostering.model import Roster
from probity.core.rostering.nrp import read_nrp
from probity.core.rostering.solver import solve

NRP = Path(__file__).resolve().parents[2] / "shared/benchmarks/nrp"
if not NRP.exists():
    NRP = Path("/work/shared/benchmarks/nrp")
pytestmark = pytest.mark.skipif(not NRP.exists(), reason="benchmark instances not present")
ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("name", "days", "staff", "shifts"),
    [
        ("Instance1", 14, 8, 1),
        ("Instance4", 28, 10, 2),
        ("Instance8", 28, 30, 4),
        ("Instance14", 42, 32, 4),
    ],
)
def test_each_instance_reads_with_the_size_best_known_csv_gives(name, days, staff, shifts):
    problem = read_nrp(NRP / f"{name}.txt")
    assert (problem.horizon, len(problem.staff), len(problem.shifts)) == (days, staff, shifts)
    assert problem.start.weekday() == 0  # every instance starts on a Monday
    assert len(problem.cover) == days * shifts


def test_instance1_sections_map_onto_the_model():
    problem = read_nrp(NRP / "Instance1.txt")
    a = problem.staff[0]
    assert a.id == "A"
    assert a.limits.max_shifts == {"D": 14}
    assert (a.limits.max_minutes, a.limits.min_minutes) == (4320, 3360)
    assert (a.limits.max_consecutive, a.limits.min_consecutive) == (5, 2)
    assert (a.limits.min_consecutive_off, a.limits.max_weekends) == (2, 1)
    assert a.days_off == {0}
    on = [r for r in problem.requests if r.on]
    assert (on[0].staff, on[0].day, on[0].shift, on[0].weight) == ("A", 2, "D", 2)
    assert problem.rules.daily_rest_minutes is None  # no start times in the format


def test_the_empty_roster_costs_every_under_cover_and_every_on_request():
    problem = read_nrp(NRP / "Instance1.txt")
    result = check(problem, Roster.empty(problem))
    under = sum(c.preferred * c.under_weight for c in problem.cover)
    wished = sum(r.weight for r in problem.requests if r.on)
    assert result.objective == under + wished
    assert "min-minutes" in {v.rule for v in result.violations}


def test_the_solver_reaches_the_proven_optimum_of_instance1():
    problem = read_nrp(NRP / "Instance1.txt")
    result = solve(problem, seconds=20)
    assert result.check.valid
    assert result.check.objective == 607  # best_known.csv: lower bound = solution = 607


def test_a_broken_instance_line_is_named(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("SECTION_HORIZON\n14\n\nSECTION_SHIFTS\nD,eight,\n")
    with pytest.raises(BadInput) as error:
        read_nrp(path)
    assert error.value.field == "bad.txt: line 5"


def test_probity_roster_solve_and_check_from_the_command_line(tmp_path):
    output = tmp_path / "roster.json"
    solved = _probity(
        "roster", "solve", "examples/roster-wing.yaml", "--seconds", "3", "--output", str(output)
    )
    assert solved.returncode == 0, solved.stderr
    assert "checker: valid" in solved.stdout
    assert len(json.loads(output.read_text())["staff"]) == 12
    check_it = ("roster", "check", "examples/roster-wing.yaml", "--roster", str(output))
    assert _probity(*check_it).returncode == 0
    roster = json.loads(output.read_text())
    roster["staff"]["s05"] = ["N"] * 14  # no nights, and far too many days
    output.write_text(json.dumps(roster))
    broken = _probity(*check_it)
    assert broken.returncode == 1
    assert "no-nights: Kim Lowe" in broken.stdout


def test_a_bad_problem_file_gets_one_line_naming_the_field(tmp_path):
    path = tmp_path / "wing.json"
    path.write_text(
        json.dumps(
            {
                "start": "2026-01-05",
                "shifts": [{"id": "E", "hours": 8}],
                "demand": [{"shift": "X", "minimum": 1}],
                "staff": [{"id": "a"}],
            }
        )
    )
    result = _probity("roster", "solve", str(path))
    assert result.returncode == 2
    assert "demand[0].shift: there is no shift type 'X'" in result.stderr
    assert "Traceback" not in result.stderr


def _probity(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "probity", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
