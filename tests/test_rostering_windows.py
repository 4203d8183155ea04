"""Improving a roster a window of days at a time (core/rostering/windows.py): every roster it
returns keeps every rule and costs what the checker says, and it never makes one dearer."""

import time

from probity.core.rostering import windows
from probity.core.rostering.checker import check
from probity.core.rostering.model import Limits, Roster
from probity.core.rostering.solver import _RosterModel
from probity.core.rostering.windows import improve_in_windows
from tests.rostering_helpers import need, person, problem, wants


def _fortnight():
    """Four people, two weeks of earlies and lates wanted (none required), a request each."""
    staff = [person(name) for name in ("ann", "bob", "cat", "dev")]
    cover = [need(day, shift, minimum=0, preferred=1) for day in range(14) for shift in "EL"]
    requests = [wants("ann", 3, "L", weight=5), wants("dev", 10, "E", weight=5)]
    return problem(staff, cover, requests, days=14)


def _built(ward):
    built = _RosterModel(ward)
    built.add_objective()
    built.minimize()
    return built


def test_an_empty_roster_is_filled_in_windows_and_every_rule_kept():
    ward = _fortnight()
    empty = Roster.empty(ward)
    before = check(ward, empty).objective
    roster, cost = improve_in_windows(_built(ward), empty, before, time.monotonic() + 20, floor=0)
    verdict = check(ward, roster)
    assert verdict.valid, verdict.violations
    assert verdict.objective == cost < before
    assert roster.assignments["ann"][3] == "L" and roster.assignments["dev"][10] == "E"


def test_a_roster_already_at_the_bound_is_returned_as_it_is():
    ward = _fortnight()
    empty = Roster.empty(ward)
    cost = check(ward, empty).objective
    roster, found = improve_in_windows(_built(ward), empty, cost, time.monotonic() + 20, cost)
    assert (roster, found) == (empty, cost)


def test_a_shift_is_moved_from_a_day_over_cover_to_a_day_short_three_weeks_away():
    # Ann may work one shift in four weeks; it is on day 25, where nobody is wanted, while
    # day 1 is short. No one window of two weeks holds both days: two half windows do.
    ann = person("ann", limits=Limits(max_minutes=480))
    cover = [need(1, "E", minimum=0, preferred=1), need(25, "E", minimum=0, preferred=0)]
    ward = problem([ann], cover, days=28)
    start = Roster.empty(ward)
    start.assignments["ann"][25] = "E"
    cost = check(ward, start).objective
    roster, found = improve_in_windows(_built(ward), start, cost, time.monotonic() + 20, floor=0)
    assert found == 0 and check(ward, roster).valid
    assert roster.assignments["ann"][1] == "E" and roster.assignments["ann"][25] is None


def test_with_the_lp_roster_the_cells_it_disagrees_with_are_set_free(monkeypatch):
    # Every try frees just the cells where the roster and the LP's roster disagree, days
    # apart: ann's day 1 (the LP has her early) and day 25 (the LP has her off).
    monkeypatch.setattr(windows, "RELAXED_SHARE", 1.0)
    ann = person("ann", limits=Limits(max_minutes=480))
    ward = problem([ann], [need(1, "E", minimum=0, preferred=1)], days=28)
    start = Roster.empty(ward)
    start.assignments["ann"][25] = "E"
    lp = {(0, day, None): 1.0 for day in range(28) if day != 1} | {(0, 1, "E"): 1.0}
    cost = check(ward, start).objective
    roster, found = improve_in_windows(
        _built(ward), start, cost, time.monotonic() + 20, floor=0, relaxed=lp
    )
    assert found == 0 and roster.assignments["ann"][1] == "E"
    assert roster.assignments["ann"][25] is None and check(ward, roster).valid
