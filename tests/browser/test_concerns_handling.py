"""The handler's own pages in a real browser, checked with axe (WCAG 2.2 AA): linking the
person a concern is about (which moves the case away when the handler is that person) and
adding a named reviewer, with the errors a careful investigator would meet."""

import re

import pytest

from probity.apps.concerns.models import Case
from probity.apps.concerns.services import case_report
from tests.browser.conftest import assert_accessible
from tests.browser.test_concerns import handler_signs_in, new_page, with_device
from tests.concerns_people import make_people

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_handler_adds_a_reviewer_then_links_themselves_and_the_case_moves_on(
    browser, live_server
):
    people = make_people()
    handler = with_device(people.manager)
    case, _ = case_report(
        organisation=people.organisation,
        kind="impropriety",
        what="Overtime was claimed for shifts nobody worked.",
        subject_description="whoever signs off the rota",
        treatment="confidential",
        actor=people.worker,
    )
    office = new_page(browser, live_server)
    handler_signs_in(office, handler, f"/concerns/cases/{case.pk}")

    office.get_by_role("link", name="Add or remove a second handler or a named reviewer").click()
    office.get_by_role("button", name="Add to the case").click()  # nothing chosen
    assert office.title().startswith("Error: ")
    assert office.locator(".govuk-error-summary").get_by_text("Select the person").is_visible()
    assert_accessible(office)
    office.get_by_label("Person").select_option(label=str(people.hr))
    office.get_by_label("Named reviewer").check()
    office.get_by_role("button", name="Add to the case").click()
    office.get_by_role("button", name=re.compile(f"Take off the case.*{people.hr.name}")).wait_for()
    assert_accessible(office)

    office.goto(f"/concerns/cases/{case.pk}")
    office.get_by_role("link", name="Link the person it is about").click()
    assert office.get_by_text("whoever signs off the rota").is_visible()
    assert_accessible(office)
    office.get_by_label("Who the concern is about").select_option(label=str(people.manager))
    office.get_by_role("button", name="Save").click()
    office.wait_for_url("**/concerns/cases?moved=1")
    assert office.get_by_text("The case has gone to another handler").is_visible()
    assert_accessible(office)
    assert Case.objects.get().handler == people.monitoring
