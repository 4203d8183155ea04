"""The CP-SAT roster solver: each hard rule binds (the solver would break it for the soft goals
if it could), infeasibility is explained, and repair changes as little as possible."""

import dataclasses

import pytest

from probity.core.errors import BadInput
from probity.core.rostering.greedy import greedy_roster
from probity.core.rostering.model import Limits, ShiftType
from probity.core.rostering.problem_file import load_problem
from probity.core.rostering.solver import repair, solve
from tests.rostering_helpers import (
    ASSESSED,
    MONDAY,
    arrangement,
    every_day,
    need,
    person,
    problem,
    rather_off,
    wants,
    with_rules,
)

SECONDS = 5


def solved(the_problem):
    result = solve(the_problem, seconds=SECONDS)
    assert result.status == "optimal", result.conflicts
    assert result.check.valid, result.check.violations
    return result


def every_day_wanted(staff_id, shift, days=7):
    return [wants(staff_id, day, shift) for day in range(days)]


# An 8-hour night 22:00-06:00, and 17:00-21:00 (11 hours' rest after the night).
HAZARD_SHIFTS = (ShiftType("N", 480, start=22 * 60, night=True), ShiftType("V", 240, start=17 * 60))

# Each case: a problem whose requests (weight 100 each) push against one rule, the same
# problem without the rule, and what the roster must then show.
BINDING = {
    "leave": (
        problem([person("a", leave_days=frozenset({2}))], requests=[wants("a", 2, "E")]),
        problem([person("a")], requests=[wants("a", 2, "E")]),
        lambda r: r.shift_on("a", 2) is None,
    ),
    "toil": (
        problem([person("a", toil_days=frozenset({2}))], requests=[wants("a", 2, "E")]),
        problem([person("a")], requests=[wants("a", 2, "E")]),
        lambda r: r.shift_on("a", 2) is None,
    ),
    "fixed rest day": (
        problem(
            [person("a", arrangement=arrangement(fixed_rest_weekdays=frozenset({0})))],
            requests=[wants("a", 0, "E")],
        ),
        problem([person("a")], requests=[wants("a", 0, "E")]),
        lambda r: r.shift_on("a", 0) is None,
    ),
    "term-time": (
        problem(
            [person("a", arrangement=arrangement(unavailable_days=frozenset({3})))],
            requests=[wants("a", 3, "E")],
        ),
        problem([person("a")], requests=[wants("a", 3, "E")]),
        lambda r: r.shift_on("a", 3) is None,
    ),
    "no nights": (
        problem([person("a", arrangement=arrangement(no_nights=True))], cover=[need(0, "N", 0, 1)]),
        problem([person("a")], cover=[need(0, "N", 0, 1)]),
        lambda r: r.shift_on("a", 0) is None,
    ),
    "compressed hours: long days only": (
        problem(
            [person("a", arrangement=arrangement(shifts=frozenset({"N"})))],
            requests=[wants("a", 1, "E")],
        ),
        problem([person("a")], requests=[wants("a", 1, "E")]),
        lambda r: r.shift_on("a", 1) != "E",
    ),
    "days a week": (
        problem(
            [person("a", arrangement=arrangement(max_days_per_week=3))],
            requests=every_day_wanted("a", "E", 5),
        ),
        problem([person("a")], requests=every_day_wanted("a", "E", 5)),
        lambda r: sum(1 for s in r.assignments["a"] if s) == 3,
    ),
    "hours a week (minimum-hours contract)": (
        problem(
            [person("a", arrangement=arrangement(min_minutes_per_week=16 * 60))],
            requests=[rather_off("a", day, 100) for day in range(7)],
        ),
        problem([person("a")], requests=[rather_off("a", day, 100) for day in range(7)]),
        lambda r: sum(1 for s in r.assignments["a"] if s) == 2,
    ),
    "job share": (
        problem(
            [
                person("a", arrangement=arrangement(job_share_with="b")),
                person("b", arrangement=arrangement(job_share_with="a")),
            ],
            requests=[wants("a", 0, "E"), wants("b", 0, "L", weight=50)],
        ),
        problem([person("a"), person("b")], requests=[wants("a", 0, "E"), wants("b", 0, "L")]),
        lambda r: r.shift_on("b", 0) is None,
    ),
    "daily rest (11 hours)": (
        problem([person("a")], requests=[wants("a", 0, "L"), wants("a", 1, "E", weight=50)]),
        with_rules(
            problem([person("a")], requests=[wants("a", 0, "L"), wants("a", 1, "E")]),
            daily_rest_minutes=None,
        ),
        lambda r: r.shift_on("a", 1) != "E",
    ),
    "weekly rest": (
        problem([person("a", opted_out_48h=True)], requests=every_day_wanted("a", "E")),
        with_rules(
            problem([person("a", opted_out_48h=True)], requests=every_day_wanted("a", "E")),
            weekly_rest=False,
        ),
        lambda r: sum(1 for s in r.assignments["a"] if s) == 6,
    ),
    "48-hour average": (
        problem([person("a")], requests=every_day_wanted("a", "N", 6)),
        problem([person("a", opted_out_48h=True)], requests=every_day_wanted("a", "N", 6)),
        lambda r: sum(1 for s in r.assignments["a"] if s) == 4,  # 40 hours of nights
    ),
    "night average for a night worker, opted out or not (WTR reg. 6)": (
        problem(
            [person("a", opted_out_48h=True, night_worker=True, night_assessment_offered=ASSESSED)],
            requests=every_day_wanted("a", "N", 6),
        ),
        problem([person("a", opted_out_48h=True)], requests=every_day_wanted("a", "N", 6)),
        lambda r: sum(1 for s in r.assignments["a"] if s) == 4,  # 40 hours of nights
    ),
    "hazardous night work: no 10-hour nights (WTR reg. 6(7))": (
        problem([person("a", hazardous_night_work=True)], requests=every_day_wanted("a", "N", 3)),
        problem([person("a")], requests=every_day_wanted("a", "N", 3)),
        lambda r: "N" not in r.assignments["a"],
    ),
    "hazardous night work: 8 hours in any 24 with a night in them (WTR reg. 6(7))": (
        problem(
            [person("a", hazardous_night_work=True)],
            requests=[wants("a", 0, "N"), wants("a", 1, "V", weight=50)],
            shifts=HAZARD_SHIFTS,
        ),
        problem(
            [person("a")],
            requests=[wants("a", 0, "N"), wants("a", 1, "V")],
            shifts=HAZARD_SHIFTS,
        ),
        lambda r: r.shift_on("a", 0) == "N" and r.shift_on("a", 1) is None,
    ),
    "max shifts of a type": (
        problem(
            [person("a", limits=Limits(max_shifts={"E": 2}))],
            requests=every_day_wanted("a", "E", 4),
        ),
        problem([person("a")], requests=every_day_wanted("a", "E", 4)),
        lambda r: r.assignments["a"].count("E") == 2,
    ),
    "max minutes": (
        problem(
            [person("a", limits=Limits(max_minutes=960))], requests=every_day_wanted("a", "E", 4)
        ),
        problem([person("a")], requests=every_day_wanted("a", "E", 4)),
        lambda r: sum(1 for s in r.assignments["a"] if s) == 2,
    ),
    "min minutes": (
        problem(
            [person("a", limits=Limits(min_minutes=960))],
            requests=[rather_off("a", day, 100) for day in range(7)],
        ),
        problem([person("a")], requests=[rather_off("a", day, 100) for day in range(7)]),
        lambda r: sum(1 for s in r.assignments["a"] if s) == 2,
    ),
    "max consecutive": (
        problem(
            [person("a", limits=Limits(max_consecutive=3))], requests=every_day_wanted("a", "E", 5)
        ),
        problem([person("a")], requests=every_day_wanted("a", "E", 5)),
        lambda r: sum(1 for s in r.assignments["a"][:5] if s) == 4,
    ),
    "min consecutive": (
        problem(
            [person("a", limits=Limits(min_consecutive=3))],
            requests=[wants("a", 3, "E"), rather_off("a", 2), rather_off("a", 4)],
        ),
        problem([person("a")], requests=[wants("a", 3, "E")]),
        lambda r: sum(1 for s in r.assignments["a"] if s) == 3,
    ),
    "min consecutive days off": (
        problem(
            [person("a", limits=Limits(min_consecutive_off=2))],
            requests=[wants("a", 1, "E"), wants("a", 3, "E"), rather_off("a", 2)],
        ),
        problem([person("a")], requests=[wants("a", 1, "E"), wants("a", 3, "E")]),
        lambda r: r.shift_on("a", 2) is not None,
    ),
    "max weekends": (
        problem(
            [person("a", limits=Limits(max_weekends=1))],
            requests=[wants("a", 5, "E"), wants("a", 12, "E", weight=50)],
            days=14,
        ),
        problem([person("a")], requests=[wants("a", 5, "E"), wants("a", 12, "E")], days=14),
        lambda r: r.shift_on("a", 12) is None,
    ),
}


@pytest.mark.parametrize("rule", BINDING)
def test_each_hard_rule_binds_the_solver(rule):
    with_rule, without_rule, shows = BINDING[rule]
    bound = solved(with_rule)
    free = solved(without_rule)
    assert bound.objective > free.objective  # the rule cost the soft goals something
    assert shows(bound.roster)


def test_cover_minimum_with_a_skill_puts_the_band_4_supervisor_on():
    staff = [person("a"), person("b", grade="B4")]
    the_problem = problem(
        staff,
        cover=[need(0, "E", 1, skill="B4")],
        requests=[wants("b", 0, None, weight=5) for _ in range(1)],
    )
    off_request = dataclasses.replace(the_problem.requests[0], on=False)
    result = solved(dataclasses.replace(the_problem, requests=(off_request,)))
    assert result.roster.shift_on("b", 0) == "E"  # despite asking for the day off
    assert result.objective == 5


def test_forbidden_succession_from_the_shift_type_binds():
    shifts = [ShiftType("E", 480), ShiftType("L", 480, forbidden_next=frozenset({"E"}))]
    requests = [wants("a", 0, "L"), wants("a", 1, "E", weight=50)]
    result = solved(problem([person("a")], requests=requests, shifts=shifts))
    assert result.roster.shift_on("a", 1) != "E"
    assert result.objective == 50


def test_soft_goals_share_nights_fairly_and_keep_hours_near_contract():
    staff = [person(name, contracted_minutes=20 * 60) for name in "abc"]
    rules = dataclasses.replace(problem([]).rules, hours_weight=1, night_fairness_weight=10)
    the_problem = problem(staff, cover=every_day("N", 6, minimum=1), rules=rules, days=6)
    result = solved(dataclasses.replace(the_problem, rules=rules))
    nights = [result.roster.assignments[name].count("N") for name in "abc"]
    assert nights == [2, 2, 2]


def test_demand_for_an_unknown_shift_is_refused_naming_the_field():
    with pytest.raises(BadInput) as error:
        solve(problem([person("a")], cover=[need(0, "X")]))
    assert error.value.field == "demand[0].shift"
    assert "no shift type 'X'" in error.value.message


def test_staff_with_negative_hours_are_refused_naming_the_field():
    data = {
        "start": "2026-01-05",
        "weeks": 1,
        "shifts": [{"id": "E", "start": "07:00", "hours": 8}],
        "demand": [],
        "staff": [{"id": "a"}, {"id": "b", "contracted_hours": -37}],
    }
    with pytest.raises(BadInput) as error:
        load_problem(data)
    assert error.value.field == "staff[1] (b).contracted_hours"


def test_a_night_average_of_no_hours_is_refused_naming_the_field():
    data = {
        "start": "2026-01-05",
        "weeks": 1,
        "shifts": [{"id": "N", "start": "21:00", "hours": 10, "night": True}],
        "demand": [{"shift": "N", "days": "every day", "minimum": 0, "preferred": 1}],
        "staff": [{"id": "a", "night_worker": True}],
        "rules": {"night_average_hours": 0},
    }
    with pytest.raises(BadInput) as error:
        solve(load_problem(data))
    assert error.value.field == "rules.night_average_hours"


def test_a_fixed_rest_day_the_demand_makes_impossible_is_explained():
    supervisor = person(
        "sam",
        grade="B4",
        arrangement=arrangement(fixed_rest_weekdays=frozenset({0}), description="Caring"),
    )
    the_problem = problem([person("a"), supervisor], cover=[need(0, "E", 1, skill="B4")])
    result = solve(the_problem, seconds=SECONDS)
    assert result.status == "infeasible"
    assert result.roster is None
    assert len(result.conflicts) == 2
    joined = " | ".join(result.conflicts)
    assert "cover minimum: at least 1 B4 staff on Early, Mon 05 Jan 2026" in joined
    assert "Sam: no shifts on an agreed fixed rest day (Monday)" in joined


def test_too_few_staff_for_the_week_is_explained_by_weekly_rest_and_cover():
    the_problem = problem([person("a", opted_out_48h=True)], cover=every_day("E", minimum=1))
    result = solve(the_problem, seconds=SECONDS)
    assert result.status == "infeasible"
    assert any("24 hours' uninterrupted rest" in c for c in result.conflicts)
    assert sum("cover minimum" in c for c in result.conflicts) == 7


def test_repair_after_sickness_changes_few_days_and_keeps_the_past():
    staff = [person(name, contracted_minutes=24 * 60) for name in "abcd"]
    cover = every_day("E", 14, minimum=1) + every_day("L", 14, minimum=1)
    the_problem = problem(staff, cover=cover, days=14)
    first = solved(the_problem)
    sick_from = 3
    worker = next(p for p in "abcd" if first.roster.shift_on(p, sick_from))
    sick = [
        dataclasses.replace(p, leave_days=frozenset({3, 4})) if p.id == worker else p for p in staff
    ]
    changed = dataclasses.replace(the_problem, staff=tuple(sick))
    result = repair(changed, first.roster, from_day=sick_from, seconds=SECONDS)
    assert result.check.valid
    assert result.roster.shift_on(worker, 3) is None
    for p in "abcd":
        assert result.roster.assignments[p][:sick_from] == first.roster.assignments[p][:sick_from]
    assert 1 <= result.changes <= 6


def test_a_problem_file_round_trips_into_a_valid_roster(tmp_path):
    path = tmp_path / "wing.yaml"
    path.write_text(
        """
start: 2026-01-05
weeks: 1
shifts:
  - {id: E, start: '07:00', hours: 8}
  - {id: N, start: '21:00', hours: 10, night: true}
demand:
  - {shift: E, days: weekdays, minimum: 1}
  - {shift: N, days: every day, minimum: 1}
staff:
  - id: a
    contracted_hours: 37
    arrangement: {no_nights: true, fixed_rest_days: [Saturday, Sunday]}
  - {id: b, contracted_hours: 37}
  - id: c
    contracted_hours: 37
    night_worker: true
    opted_out_48h: true
    night_assessment_offered: 2025-10-05
requests:
  - {staff: b, day: 2026-01-07, 'on': false, weight: 2}
"""
    )
    the_problem = load_problem(path)
    assert the_problem.start == MONDAY
    result = solve(the_problem, seconds=SECONDS)
    assert result.check.valid
    assert all(s in (None, "E") for s in result.roster.assignments["a"])
    assert the_problem.staff[2].night_worker


@pytest.mark.parametrize(
    "barred",
    [
        person("a", night_worker=True),  # never offered a free health assessment (reg. 7(1))
        person("a", night_work_advised_against=True),  # medical advice (reg. 7(6))
    ],
    ids=["never offered", "medical advice"],
)
def test_the_health_assessment_keeps_the_solver_and_greedy_from_giving_nights(barred):
    covering = person("b", night_worker=True, night_assessment_offered=ASSESSED)
    the_problem = problem(
        [barred, covering],
        cover=[need(day, "N", 1) for day in (0, 3)],
        requests=[wants("a", 0, "N"), wants("a", 3, "N")],
    )
    result = solved(the_problem)
    assert "N" not in result.roster.assignments["a"]
    assert [result.roster.shift_on("b", day) for day in (0, 3)] == ["N", "N"]
    assert "N" not in greedy_roster(the_problem).assignments["a"]


def test_a_night_nobody_assessed_may_work_is_explained():
    the_problem = problem([person("a", night_worker=True)], cover=[need(0, "N", 1)])
    result = solve(the_problem, seconds=SECONDS)
    assert result.status == "infeasible"
    assert any(
        "A: no night work without a recent free health assessment" in c for c in result.conflicts
    )


def test_a_problem_file_reads_the_health_assessment_and_medical_advice():
    the_problem = load_problem(
        {
            "start": "2026-01-05",
            "weeks": 1,
            "shifts": [{"id": "N", "start": "21:00", "hours": 10, "night": True}],
            "demand": [],
            "staff": [
                {"id": "a", "night_worker": True, "night_assessment_offered": "2025-10-05"},
                {"id": "b", "night_work_advised_against": True},
            ],
            "rules": {"night_assessment_months": 6},
        }
    )
    first, second = the_problem.staff
    assert first.night_assessment_offered == ASSESSED and not first.night_work_advised_against
    assert second.night_assessment_offered is None and second.night_work_advised_against
    assert the_problem.rules.night_assessment_months == 6


def test_the_health_assessment_interval_defaults_to_12_months_and_null_switches_it_off():
    data = {"start": "2026-01-05", "weeks": 1, "shifts": [{"id": "E", "hours": 8}], "demand": []}
    assert load_problem({**data, "staff": [{"id": "a"}]}).rules.night_assessment_months == 12
    off = load_problem({**data, "staff": [{"id": "a"}], "rules": {"night_assessment_months": None}})
    assert off.rules.night_assessment_months is None


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"staff": [{"id": "a", "night_assessment_offered": "2025-13-01"}]},
            "staff[0] (a).night_assessment_offered",
            "is not a date",
        ),
        ({"rules": {"night_assessment_months": 0}}, "rules.night_assessment_months", "more than 0"),
        (
            {"rules": {"night_assessment_months": "a year"}},
            "rules.night_assessment_months",
            "not a whole number",
        ),
    ],
    ids=["bad date", "no months", "not a number"],
)
def test_bad_health_assessment_values_are_refused_naming_the_field(change, field, message):
    data = {
        "start": "2026-01-05",
        "weeks": 1,
        "shifts": [{"id": "N", "hours": 10, "night": True}],
        "demand": [],
        "staff": [{"id": "a"}],
        **change,
    }
    with pytest.raises(BadInput) as error:
        load_problem(data)
    assert error.value.field == field
    assert message in error.value.message


def test_a_leave_day_between_a_night_and_an_early_is_not_weekly_rest():
    # Night ends 07:00, leave, Early starts 07:00 two days on: exactly 24 hours is rest,
    # but a 20:45 night of 11 hours leaves 23h15m, which is not.
    night = ShiftType("N", 660, start=20 * 60 + 45, night=True)
    early = ShiftType("E", 480, start=7 * 60)
    staff = [person("a", opted_out_48h=True, leave_days=frozenset({3}))]
    wanted = [wants("a", day, "N" if day < 3 else "E") for day in range(8)]
    result = solved(problem(staff, requests=wanted, shifts=[early, night], days=8))
    days = result.roster.assignments["a"]
    assert not (days[2] == "N" and days[4] == "E" and all(days[d] for d in (0, 1, 5, 6)))
