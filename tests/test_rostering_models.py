"""Fixed shift, TBSR and DLFR on the same demand and staff: every model's roster keeps every
rule (the checker counts 0 violations) and the metrics a governor compares are all there."""

import dataclasses

from probity.core.rostering.compare import compare, self_rostered_choices
from probity.core.rostering.generate import prison_establishment
from probity.core.rostering.model import night_work_barred
from probity.core.rostering.report import METRIC_LABELS, format_comparison


def test_three_models_side_by_side_each_with_no_rule_broken():
    problem = prison_establishment(staff=24, weeks=2, seed=3)
    outcomes = compare(problem, seconds=2)
    assert [o.model for o in outcomes] == ["fixed", "tbsr", "dlfr"]
    for outcome in outcomes:
        assert outcome.result.check.valid, outcome.result.check.violations[:3]
        assert outcome.metrics["rule_violations"] == 0
        assert set(METRIC_LABELS) <= set(outcome.metrics)
    table = format_comparison(outcomes)
    assert "Demand-led flexible rostering" in table
    assert "Requests met (%)" in table


def test_self_rostered_choices_honour_leave_and_wishes_for_days_off():
    problem = prison_establishment(staff=24, weeks=2, seed=3)
    choices = self_rostered_choices(problem)
    off = {(r.staff, r.day) for r in problem.requests if not r.on}
    for person in problem.staff:
        for day, shift in enumerate(choices.assignments[person.id]):
            if shift is not None:
                assert day not in person.leave_days
                assert (person.id, day) not in off


def test_self_rostered_choices_keep_off_nights_reg_7_bars():
    # Night workers never offered a free health assessment, and one advised against nights.
    problem = prison_establishment(staff=24, weeks=2, seed=3)
    barred = [
        dataclasses.replace(p, night_assessment_offered=None) if p.night_worker else p
        for p in problem.staff
    ]
    barred[0] = dataclasses.replace(barred[0], night_work_advised_against=True)
    problem = dataclasses.replace(problem, staff=tuple(barred))
    choices = self_rostered_choices(problem)
    for person in problem.staff:
        for day, shift in enumerate(choices.assignments[person.id]):
            if shift is not None and problem.shift(shift).night:
                assert not night_work_barred(problem, person, day), (person.id, day)
