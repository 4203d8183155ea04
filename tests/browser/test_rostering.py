"""Rostering in a real browser, checked with axe (WCAG 2.2 AA): the manager sees the week's
grid with a gap left by sickness, an officer on a phone sees their shifts, next first, and
asks to swap one; the colleague accepts, the manager approves and the shift changes hands."""

import pytest

from probity.apps.rostering import services
from probity.apps.rostering.models import Assignment, Demand
from tests.browser.conftest import assert_accessible
from tests.browser.test_offer import PHONE, _sign_in
from tests.rostering_web_helpers import MONDAY, day, published, wing

pytestmark = pytest.mark.django_db(transaction=True)


def test_grid_gap_then_a_swap_asked_on_a_phone_accepted_and_approved(page, live_server):
    team, people = wing()
    Demand.objects.filter(team=team).update(minimum=1)
    roster = published(team, people["manager"], {
        people["a"]: "E E E E E - -",
        people["b"]: "L L - - - E E",
        people["c"]: "- - L L L L L",
    })  # fmt: skip
    services.sickness_record(
        person=people["c"], first_day=day(4), last_day=day(4), actor=people["manager"]
    )

    _sign_in(page, live_server, people["manager"].user)
    page.goto(f"/rostering/teams/{team.pk}/weeks/{MONDAY}")
    assert page.get_by_role("table", name="Shifts, version 1 (published)").is_visible()
    assert page.get_by_role("cell", name="Sick (was Late)").is_visible()
    cover = page.get_by_role("table", name="Cover")
    assert cover.get_by_text("Gap: 1 below minimum").count() == 1
    assert page.get_by_text("has 0 staff, at least 1 needed").is_visible()
    assert_accessible(page)

    _sign_in(page, live_server, people["a"].user)
    page.set_viewport_size(PHONE)
    page.goto("/rostering/my-shifts")
    assert page.get_by_role("heading", name="Next shift").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name=f"Ask to swap your Early shift on {day(4):%A %-d %B}").click()
    page.get_by_label("Who would work your shift").select_option(label="B")
    page.get_by_role("button", name="Ask for the swap").click()
    assert page.get_by_text("Waiting for B").is_visible()
    assert_accessible(page)
    swap_url = page.url

    _sign_in(page, live_server, people["b"].user)
    page.goto(swap_url)
    page.get_by_role("button", name="Send answer").click()
    assert page.get_by_role("alert").is_visible()  # the error summary: nothing chosen
    assert_accessible(page)
    page.get_by_label("Accept the swap").check()
    page.get_by_role("button", name="Send answer").click()
    assert page.get_by_text("Waiting for a manager").is_visible()

    _sign_in(page, live_server, people["manager"].user)
    page.goto(swap_url)
    page.get_by_label("Approve the swap").check()
    page.get_by_role("button", name="Send decision").click()
    assert page.get_by_text("Approved", exact=True).is_visible()
    assert_accessible(page)
    assert Assignment.objects.get(roster=roster, on=day(4), shift__code="E").person == people["b"]


def test_solving_sickness_and_request_pages_are_accessible(page, live_server):
    team, people = wing()
    roster = published(team, people["manager"], {people["a"]: "E - - - - - -"})
    _sign_in(page, live_server, people["manager"].user)
    page.goto(f"/rostering/teams/{team.pk}/solve")
    page.get_by_label("How many weeks").fill("0")
    page.get_by_role("button", name="Work out the roster").click()
    assert page.get_by_role("alert").is_visible()  # the error summary
    assert_accessible(page)
    page.get_by_label("How many weeks").fill("1")
    page.get_by_label("Time the solver may take, in seconds").fill("1")
    page.get_by_role("button", name="Work out the roster").click()
    assert page.get_by_text("Ready to review").is_visible()
    assert_accessible(page)
    page.goto(f"/rostering/teams/{team.pk}/sickness")
    assert_accessible(page)
    page.goto(f"/rostering/rosters/{roster.pk}")
    assert_accessible(page)

    _sign_in(page, live_server, people["a"].user)
    page.set_viewport_size(PHONE)
    page.goto("/rostering/requests")
    page.get_by_label("I would like it off").check()
    page.get_by_role("button", name="Send request").click()
    assert page.get_by_role("button", name="Withdraw").is_visible()
    assert_accessible(page)
    page.goto("/rostering/swaps")
    assert_accessible(page)


def test_the_night_work_pages_are_accessible_with_an_error_then_saved(page, live_server):
    team, people = wing()
    _sign_in(page, live_server, people["manager"].user)
    page.goto(f"/rostering/teams/{team.pk}/night-work")
    assert_accessible(page)
    page.get_by_role("link", name="Change A's night work").click()
    page.get_by_label("Night worker", exact=False).check()
    page.get_by_label("Day", exact=True).fill("31")
    page.get_by_label("Month", exact=True).fill("2")
    page.get_by_label("Year", exact=True).fill("2026")
    page.get_by_role("button", name="Save night work").click()
    assert page.get_by_role("alert").is_visible()  # the error summary
    assert_accessible(page)
    page.get_by_label("Day", exact=True).fill("3")
    page.get_by_role("button", name="Save night work").click()
    assert page.get_by_text("3 February 2026").is_visible()
    assert_accessible(page)
