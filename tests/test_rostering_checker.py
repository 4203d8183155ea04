"""The roster checker: every hard rule it enforces, on hand-made rosters, and the score."""

import datetime

import pytest

from probity.core.rostering.checker import check, roster_metrics
from probity.core.rostering.model import Limits, Roster, ShiftType
from tests.rostering_helpers import (
    ASSESSED,
    EARLY,
    LATE,
    NIGHT,
    arrangement,
    need,
    person,
    problem,
    roster,
    wants,
    with_rules,
)


def rules_broken(the_problem, the_roster) -> set[str]:
    return {violation.rule for violation in check(the_problem, the_roster).violations}


# Each case: a problem, a roster that breaks exactly one rule, and that rule's name.
CASES = {
    "cover-minimum": (
        problem([person("a")], cover=[need(0, "E", 1)]),
        roster(a="- - - - - - -"),
    ),
    "skill cover (a Band 4 supervisor)": (
        problem([person("a"), person("b", grade="B4")], cover=[need(0, "E", 1, skill="B4")]),
        roster(a="E - - - - - -", b="- - - - - - -"),
    ),
    "leave": (problem([person("a", leave_days=frozenset({2}))]), roster(a="- - E - - - -")),
    "toil": (problem([person("a", toil_days=frozenset({2}))]), roster(a="- - E - - - -")),
    "days-off": (problem([person("a", days_off=frozenset({1}))]), roster(a="- E - - - - -")),
    "fixed-rest-day": (
        problem([person("a", arrangement=arrangement(fixed_rest_weekdays=frozenset({2})))]),
        roster(a="- - E - - - -"),
    ),
    "arrangement-unavailable": (
        problem([person("a", arrangement=arrangement(unavailable_days=frozenset({4})))]),
        roster(a="- - - - E - -"),
    ),
    "no-nights": (
        problem([person("a", arrangement=arrangement(no_nights=True))]),
        roster(a="N - - - - - -"),
    ),
    "arrangement-shifts": (
        problem([person("a", arrangement=arrangement(shifts=frozenset({"E"})))]),
        roster(a="L - - - - - -"),
    ),
    "arrangement-days-a-week": (
        problem([person("a", arrangement=arrangement(max_days_per_week=3))]),
        roster(a="E E - E E - -"),
    ),
    "arrangement-hours-a-week": (
        problem([person("a", arrangement=arrangement(min_minutes_per_week=16 * 60))]),
        roster(a="E - - - - - -"),
    ),
    "job-share": (
        problem(
            [
                person("a", arrangement=arrangement(job_share_with="b")),
                person("b", arrangement=arrangement(job_share_with="a")),
            ]
        ),
        roster(a="E - - - - - -", b="L - - - - - -"),
    ),
    "forbidden-succession": (
        problem(
            [person("a")],
            shifts=[EARLY.__class__("E", 480, start=None, forbidden_next=frozenset({"E"}))],
        ),
        roster(a="E E - - - - -"),
    ),
    "daily-rest": (problem([person("a")]), roster(a="L E - - - - -")),
    "weekly-rest": (problem([person("a", opted_out_48h=True)]), roster(a="E E E E E E E")),
    "average-48h": (
        problem([person("a")], days=7),
        roster(a="N N N N N - -"),  # 50 hours in one week
    ),
    "night-average": (  # WTR reg. 6: 50 hours in 6 counted days is over 8 in each 24
        problem(
            [person("a", opted_out_48h=True, night_worker=True, night_assessment_offered=ASSESSED)],
            days=7,
        ),
        roster(a="N N N N N - -"),
    ),
    "night-hazard": (  # WTR reg. 6(7): a 10-hour night is over 8 hours of hazardous night work
        problem([person("a", hazardous_night_work=True)]),
        roster(a="N - - - - - -"),
    ),
    "night-assessment": (  # WTR reg. 7(1): a night worker never offered a health assessment
        problem([person("a", night_worker=True)]),
        roster(a="N - - - - - -"),
    ),
    "max-shifts": (
        problem([person("a", limits=Limits(max_shifts={"N": 1}))]),
        roster(a="N N - - - - -"),
    ),
    "max-minutes": (
        problem([person("a", limits=Limits(max_minutes=960))]),
        roster(a="E E E - - - -"),
    ),
    "min-minutes": (
        problem([person("a", limits=Limits(min_minutes=960))]),
        roster(a="E - - - - - -"),
    ),
    "max-consecutive": (
        problem([person("a", limits=Limits(max_consecutive=3))]),
        roster(a="E E E E - - -"),
    ),
    "min-consecutive": (
        problem([person("a", limits=Limits(min_consecutive=2))]),
        roster(a="E E - E - E E"),
    ),
    "min-consecutive-off": (
        problem([person("a", limits=Limits(min_consecutive_off=2))]),
        roster(a="E - E E - - E"),
    ),
    "max-weekends": (
        problem([person("a", limits=Limits(max_weekends=1))], days=14),
        roster(a="- - - - - E - - - - - - - E"),
    ),
}


@pytest.mark.parametrize("rule", CASES)
def test_each_hard_rule_is_reported_by_name_when_broken(rule):
    the_problem, the_roster = CASES[rule]
    name = "cover-minimum" if rule.startswith("skill") else rule
    assert rules_broken(the_problem, the_roster) == {name}


def test_the_48_hour_average_does_not_bind_someone_who_opted_out():
    the_problem = problem([person("a", opted_out_48h=True)])
    assert rules_broken(the_problem, roster(a="N N N N N - -")) == set()


def test_the_night_average_says_how_many_hours_in_each_24_a_night_worker_averaged():
    the_problem = problem(
        [person("a", opted_out_48h=True, night_worker=True, night_assessment_offered=ASSESSED)]
    )
    (violation,) = check(the_problem, roster(a="N N N N N - -")).violations
    assert "averages 8.3 hours in each 24" in violation.message
    assert "night worker" in violation.message


def test_hazardous_night_work_counts_any_24_hours_with_a_night_in_them():
    # Reg. 6(7): an 8-hour night 22:00-06:00, then 17:00-21:00 the next day (11 hours' rest):
    # the 24 hours from 22:00 hold 12 hours' work. A day between them keeps within 8.
    night = ShiftType("N", 480, start=22 * 60, night=True)
    evening = ShiftType("V", 240, start=17 * 60)
    the_problem = problem([person("a", hazardous_night_work=True)], shifts=(evening, night))
    (violation,) = check(the_problem, roster(a="N V - - - - -")).violations
    assert violation.rule == "night-hazard" and "12 hours in 24" in violation.message
    assert rules_broken(the_problem, roster(a="N - V - - - -")) == set()
    assert rules_broken(the_problem, roster(a="N N N - - - -")) == set()  # 8 hours in any 24


def night_assessment_messages(the_person, the_roster, **rules) -> list[str]:
    the_problem = with_rules(problem([the_person]), **rules)
    return [v.message for v in check(the_problem, the_roster).violations]


@pytest.mark.parametrize(
    ("the_person", "reason"),
    [
        (person("a", night_worker=True), "no free health assessment offered within 12 months"),
        (  # offered 12 months and a day before the night
            person("a", night_worker=True, night_assessment_offered=datetime.date(2025, 1, 6)),
            "no free health assessment offered within 12 months before 2026-01-07 (reg. 7)",
        ),
        (  # reg. 7(6) keeps anyone so advised off nights, night worker or not
            person("a", night_work_advised_against=True, night_assessment_offered=ASSESSED),
            "a registered medical practitioner advised against night work (reg. 7(6))",
        ),
    ],
    ids=["never offered", "overdue", "medical advice"],
)
def test_a_night_without_a_recent_health_assessment_or_against_medical_advice_is_refused(
    the_person, reason
):
    (message,) = night_assessment_messages(the_person, roster(a="- - N - - - -"))
    assert message.startswith("A: Night on Wed 07 Jan 2026: ")
    assert reason in message


def test_the_health_assessment_counts_at_the_date_of_each_night():
    # Offered 7 January 2025: in date for a night on 7 January 2026, not on the 8th.
    offered = person("a", night_worker=True, night_assessment_offered=datetime.date(2025, 1, 7))
    (message,) = night_assessment_messages(offered, roster(a="- - N N - - -"))
    assert "Thu 08 Jan 2026" in message and "before 2026-01-08" in message


def test_the_health_assessment_does_not_bind_when_offered_recently_or_for_day_shifts():
    assessed = person("a", night_worker=True, night_assessment_offered=ASSESSED)
    assert night_assessment_messages(assessed, roster(a="N - - N - - -")) == []
    never = person("a", night_worker=True)
    assert night_assessment_messages(never, roster(a="E - - L - - -")) == []


def test_the_health_assessment_binds_night_workers_only_and_can_be_switched_off():
    # Reg. 7(1) is about work that makes someone a night worker (reg. 2): a day worker's
    # occasional night is outside it. The NRP rules switch the interval off.
    assert night_assessment_messages(person("a"), roster(a="N - - - - - -")) == []
    never = person("a", night_worker=True)
    night = roster(a="N - - - - - -")
    assert night_assessment_messages(never, night, night_assessment_months=None) == []
    assert night_assessment_messages(never, night, night_assessment_months=6) != []


def test_a_run_of_days_cut_by_the_roster_edge_is_not_too_short():
    # NRP convention: the run may continue outside the horizon.
    the_problem = problem([person("a", limits=Limits(min_consecutive=2))])
    assert rules_broken(the_problem, roster(a="E - - - - - E")) == set()


def test_a_good_roster_breaks_no_rule_and_scores_cover_and_requests():
    the_problem = problem(
        [person("a"), person("b")],
        cover=[need(0, "E", 1, preferred=2), need(1, "L", 1)],
        requests=[wants("a", 3, "E", weight=4)],
    )
    result = check(the_problem, roster(a="E L - - - - -", b="- - - - - - -"))
    assert result.valid
    assert result.penalties["cover-under"] == 10  # one short of preferred, weight 10
    assert result.penalties["requests"] == 4
    assert result.objective == 14


def test_a_roster_of_the_wrong_shape_is_refused_not_crashed():
    the_problem = problem([person("a")])
    result = check(the_problem, Roster({"a": ["E"], "ghost": ["X"] * 7}))
    assert {v.rule for v in result.violations} == {"roster-shape"}
    assert not result.valid


def test_metrics_count_shortfall_requests_and_the_spread_of_nights():
    the_problem = problem(
        [person("a"), person("b")],
        cover=[need(0, "N", 2)],
        requests=[wants("a", 0, "N"), wants("b", 1, "E")],
    )
    metrics = roster_metrics(the_problem, roster(a="N - - - - - -", b="- - - - - - -"))
    assert metrics["shortfall_below_minimum"] == 1
    assert metrics["requests_met_percent"] == 50
    assert metrics["nights_per_fte_range"] == 1
    assert metrics["rule_violations"] == 1


def test_shift_types_without_start_times_skip_the_daily_rest_rule():
    untimed = [EARLY.__class__("E", 480), LATE.__class__("L", 480), NIGHT]
    the_problem = problem([person("a")], shifts=untimed)
    assert rules_broken(the_problem, roster(a="L E - - - - -")) == set()
