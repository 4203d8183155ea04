"""The employee offer in a real browser on a phone-sized screen, checked with axe (WCAG 2.2
AA): a prison officer works out their annual leave one question a page, and asks for flexible
working which their line manager approves."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from probity.apps.offer.models import FlexibleWorkingRequest, Status
from probity.apps.offer.selectors import agreed_arrangements
from probity.apps.people.models import Organisation, Person
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def _continue(page):
    page.get_by_role("button", name="Continue").click()


def test_annual_leave_on_a_phone(page):
    page.set_viewport_size(PHONE)
    page.goto("/offer")
    assert_accessible(page)
    page.get_by_role("link", name="Annual leave", exact=True).first.click()
    assert_accessible(page)
    page.get_by_role("button", name="Start now").click()

    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("4")
    page.get_by_label("Year").fill("2015")
    _continue(page)
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("4")
    page.get_by_label("Year").fill("2025")
    _continue(page)

    page.get_by_label("How many hours a week").fill("-30")
    _continue(page)
    assert page.get_by_role("alert").is_visible()  # the error summary
    assert_accessible(page)
    page.get_by_label("How many hours a week").fill("18.5")
    _continue(page)
    _continue(page)  # no leaving date

    assert page.get_by_role("heading", name="Check your answers").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Change how many hours a week").click()
    page.get_by_label("How many hours a week").fill("37")
    _continue(page)
    page.get_by_role("button", name="Work it out").click()

    assert page.get_by_role("heading", name="Your result").is_visible()
    total = page.locator('[data-key="total_days"]')
    assert "39.00 days" in total.inner_text()  # 30 after exactly 10 years + 8 + 1
    assert total.get_by_role("link", name="Source: hmpps-offer:annual-leave-and-toil").is_visible()
    assert page.get_by_role("link", name="Print this result").is_visible()  # its module ran
    with page.expect_download() as saved:
        page.get_by_role("link", name="Save this result as a text file").click()
    assert saved.value.suggested_filename == "annual-leave-result.txt"
    assert_accessible(page)


def _sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def test_flexible_working_request_approved(page, live_server):
    org = Organisation.objects.create(name="HMP Example", slug="hmp-example")
    users = get_user_model().objects
    manager = Person.objects.create(
        organisation=org,
        user=users.create_user("manager"),
        name="Mo Manager",
        email="mo@example.test",
        staff_number="M1",
    )
    officer = Person.objects.create(
        organisation=org,
        user=users.create_user("officer"),
        name="Oli Officer",
        email="oli@example.test",
        staff_number="O1",
        line_manager=manager,
    )
    page.set_viewport_size(PHONE)
    _sign_in(page, live_server, officer.user)

    page.goto("/offer/sections/flexible-working")
    assert_accessible(page)
    page.get_by_role("link", name="Ask for flexible working").click()  # the first question
    page.get_by_label("Fixed rest days").check()
    _continue(page)
    _continue(page)  # keep current hours
    page.get_by_label("Saturday").check()
    page.get_by_label("Sunday").check()
    assert_accessible(page)
    _continue(page)
    page.get_by_label("No").check()
    _continue(page)
    page.get_by_label("Day").fill("5")
    page.get_by_label("Month").fill("1")
    page.get_by_label("Year").fill("2026")
    _continue(page)
    _continue(page)  # no end date
    page.get_by_label("How would the pattern work").fill("Weekends with my children")
    _continue(page)
    assert_accessible(page)
    page.get_by_role("button", name="Send request to your line manager").click()
    assert page.locator("#status").inner_text() == "Waiting for a decision"
    assert_accessible(page)

    _sign_in(page, live_server, manager.user)
    page.goto("/flexible-working/to-decide")
    assert_accessible(page)
    page.get_by_role("link", name="Oli Officer").click()
    page.get_by_role("link", name="Decide on this request").click()
    page.get_by_label("Approve the request as asked").check()
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    assert page.locator("#status").inner_text() == "Approved"
    current = page.get_by_role("navigation", name="Menu").locator('[aria-current="true"]')
    assert "Employee offer" in current.inner_text()
    assert_accessible(page)

    request = FlexibleWorkingRequest.objects.get()
    assert request.status == Status.APPROVED
    [arrangement] = agreed_arrangements(officer, on=request.start_date)
    assert arrangement.fixed_rest_weekdays == [6, 7]

    _sign_in(page, live_server, officer.user)
    page.goto("/offer/sections/flexible-working")
    page.get_by_role("link", name="Your flexible working requests and agreed arrangements").click()
    assert page.get_by_role("heading", name="Your agreed arrangements").is_visible()
    assert_accessible(page)
