"""Concerns in a real browser, checked with axe (WCAG 2.2 AA) on every kind of page: an
anonymous volunteer reports a visitor passing items to a prisoner, gets a receipt code, the
handler replies and the reporter reads the reply with code and passphrase; a volunteer is
stood down, replies, asks for a review, and their responsible manager's manager decides it."""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from probity.apps.concerns.models import Case, Status
from probity.apps.concerns.services import case_report
from tests.browser.conftest import assert_accessible
from tests.browser.test_registers import sign_in
from tests.concerns_people import make_people

pytestmark = pytest.mark.django_db(transaction=True)

PASSPHRASE = "blue kettle under the stairs"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def new_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def with_device(person):
    TOTPDevice.objects.create(user=person.user, name="Phone", confirmed=True)
    return person


def handler_signs_in(page, person, path):
    page.goto(path)
    sign_in(page, person.user.username, code_of=person.user)
    page.wait_for_url(f"**{path}")


def test_an_anonymous_volunteer_reports_a_visitor_and_reads_the_handlers_reply(
    browser, live_server
):
    people = make_people()
    handler = with_device(people.volunteers)

    reporter = new_page(browser, live_server)
    reporter.goto("/concerns")
    assert reporter.get_by_text("we do not record your internet address").is_visible()
    assert_accessible(reporter)
    reporter.get_by_role("button", name="Start now").click()
    reporter.get_by_label(people.organisation.name).check()
    reporter.get_by_role("button", name="Continue").click()
    reporter.get_by_role("button", name="Continue").click()  # nothing chosen: an error
    assert reporter.title().startswith("Error: ")
    assert_accessible(reporter)
    reporter.get_by_label(re.compile("items passed to a prisoner")).check()
    reporter.get_by_role("button", name="Continue").click()
    reporter.get_by_label("What happened?").fill(
        "A visitor passed a small package to a prisoner under the table in the visits hall."
    )
    reporter.get_by_role("button", name="Continue").click()
    reporter.get_by_label("When did it happen?").fill("Friday afternoon visits")
    reporter.get_by_role("button", name="Continue").click()
    reporter.get_by_label("Who was involved?").fill("A visitor at table 4")
    reporter.get_by_role("button", name="Continue").click()
    reporter.set_input_files(
        "#evidence", files=[{"name": "table.png", "mimeType": "image/png", "buffer": PNG}]
    )
    reporter.get_by_role("button", name="Continue").click()
    assert reporter.get_by_text("table.png (72 bytes)").is_visible()
    assert_accessible(reporter)
    reporter.get_by_role("button", name="Continue").click()
    reporter.get_by_label("Anonymous").check()
    reporter.get_by_role("button", name="Continue").click()
    reporter.get_by_label("Passphrase", exact=True).fill(PASSPHRASE)
    reporter.get_by_label("Passphrase again").fill(PASSPHRASE)
    reporter.get_by_role("button", name="Continue").click()
    assert reporter.title().startswith("Check your answers")
    assert_accessible(reporter)
    reporter.get_by_role("button", name="Send the report").click()
    code = reporter.locator("#receipt-code").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code)
    assert_accessible(reporter)
    case = Case.objects.get()
    assert (case.reporter, case.handler) == (None, handler)

    office = new_page(browser, live_server)
    handler_signs_in(office, handler, "/concerns/cases")
    assert_accessible(office)
    office.get_by_role("link", name=case.reference).click()
    assert office.get_by_text("Anonymous", exact=True).is_visible()
    assert_accessible(office)
    office.get_by_role("link", name="Write to the reporter").click()
    office.get_by_label("Message to the reporter").fill(
        "Thank you. Security staff will watch the visits hall. Did you see the visitor's face?"
    )
    assert_accessible(office)
    office.get_by_role("button", name="Send the message").click()
    office.wait_for_url(f"**/concerns/cases/{case.pk}")

    reporter.goto("/concerns/follow-up")
    reporter.get_by_label("Receipt code").fill(code)
    reporter.get_by_label("Passphrase").fill("the wrong passphrase")
    reporter.get_by_role("button", name="Continue").click()
    assert reporter.title().startswith("Error: ")
    assert_accessible(reporter)
    reporter.get_by_label("Receipt code").fill(code.lower())
    reporter.get_by_label("Passphrase").fill(PASSPHRASE)
    reporter.get_by_role("button", name="Continue").click()
    assert reporter.get_by_text("Security staff will watch the visits hall").is_visible()
    assert_accessible(reporter)
    reporter.get_by_label("Your message").fill("No, she wore a hood.")
    reporter.get_by_role("button", name="Send").click()
    assert reporter.get_by_text("Your information has been sent").is_visible()


def test_a_volunteer_is_stood_down_replies_and_the_managers_manager_decides_the_review(
    browser, live_server
):
    people = make_people()
    handler = with_device(people.volunteers)
    reviewer = with_device(people.senior)
    case, _ = case_report(
        organisation=people.organisation,
        kind="volunteer-behaviour",
        what="The volunteer shouted at a prisoner's child in the visitors' centre.",
        treatment="named",
        actor=people.worker,
        subject=people.volunteer,
    )

    office = new_page(browser, live_server)
    handler_signs_in(office, handler, f"/concerns/cases/{case.pk}")

    def act(link, fill=(), check=(), button=None):
        office.get_by_role("link", name=link).click()
        for label in check:
            office.get_by_label(label, exact=True).check()
        for label, text in fill:
            office.get_by_label(label).fill(text)
        office.get_by_role("button", name=button or link).click()
        office.wait_for_url(f"**/concerns/cases/{case.pk}")

    act("Acknowledge the concern", button="Acknowledge")
    act("Assess the concern", check=["Investigation"], fill=[("Reasons", "Serious.")],
        button="Save the assessment")  # fmt: skip
    act(
        "Start the investigation",
        fill=[("What is put to the person it is about", "You shouted at a child on 2 November.")],
    )
    office.get_by_role("link", name="Decide").click()
    office.get_by_label("Stood down from the role").check()
    office.get_by_label("Reasons").fill("Shouting at a child.")
    office.get_by_role("button", name="Record the decision").click()
    summary = office.locator(".govuk-error-summary")
    assert summary.get_by_text("Record the person's right of reply").is_visible()
    assert_accessible(office)

    volunteer = new_page(browser, live_server)
    volunteer.goto("/concerns/mine")
    sign_in(volunteer, people.volunteer.user.username)
    volunteer.get_by_role("link", name=f"Case {case.reference}").click()
    assert volunteer.get_by_text("You shouted at a child on 2 November.").is_visible()
    assert people.worker.name not in volunteer.content()
    assert_accessible(volunteer)
    volunteer.get_by_label("Your reply").fill("I raised my voice because the child ran off.")
    volunteer.get_by_role("button", name="Send your reply").click()
    assert volunteer.get_by_text("Your reply has been recorded").is_visible()

    office.goto(f"/concerns/cases/{case.pk}/decide")
    office.get_by_label("Stood down from the role").check()
    office.get_by_label("Reasons").fill("Shouting at a child.")
    office.get_by_role("button", name="Record the decision").click()
    office.wait_for_url(f"**/concerns/cases/{case.pk}")
    assert Case.objects.get().status == Status.DECIDED

    volunteer.reload()
    assert volunteer.get_by_text("Stood down from the role").is_visible()
    volunteer.get_by_label("Why do you want the decision reviewed?").fill("It was one moment.")
    volunteer.get_by_role("button", name="Ask for a review").click()
    assert volunteer.get_by_text("Your responsible manager's manager will decide it").is_visible()
    assert_accessible(volunteer)

    review = new_page(browser, live_server)
    handler_signs_in(review, reviewer, f"/concerns/cases/{case.pk}")
    assert review.get_by_text("I raised my voice because the child ran off.").is_visible()
    review.get_by_role("link", name="Decide the review").click()
    review.get_by_label("Decision overturned").check()
    review.get_by_label("Reasons").fill("A first lapse: advice is enough.")
    assert_accessible(review)
    review.get_by_role("button", name="Record the review decision").click()
    review.wait_for_url(f"**/concerns/cases/{case.pk}")
    case.refresh_from_db()
    assert (case.status, case.review_outcome, case.reviewer) == (
        Status.REVIEW_DECIDED,
        "overturned",
        people.senior,
    )
