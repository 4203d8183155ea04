"""The "Can I…?" interview in a real browser: labels clicked, answers changed, axe on every page."""

import re

import pytest

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def continue_(page):
    page.get_by_role("button", name="Continue").click()


def test_the_interview_from_start_to_outcome_with_a_changed_answer(page):
    page.goto("/")
    page.get_by_role("button", name="Start").click()
    page.wait_for_url("**/ask/")
    assert page.title() == "Can I…? – Probity"
    assert_accessible(page)
    page.get_by_role("button", name="Start now").click()

    # Who you are: nothing chosen is an error, shown the GOV.UK way
    page.wait_for_url("**/ask/who")
    assert_accessible(page)
    continue_(page)
    assert page.title().startswith("Error: ")
    summary = page.locator(".govuk-error-summary")
    assert "Select the codes of conduct that bind you" in summary.inner_text()
    # GOV.UK Frontend moves focus to the summary, whose link moves it to the first checkbox
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    assert_accessible(page)
    summary.get_by_role("link").click()
    assert page.evaluate("document.activeElement.id") == "codes"
    page.get_by_label("Essex Probation (Code of Conduct)").check()
    continue_(page)

    page.wait_for_url("**/ask/who/essex-probation")
    assert (
        page.get_by_role("heading", level=1)
        .inner_text()
        .endswith("What is your role under Essex Probation?")
    )
    assert_accessible(page)
    page.get_by_label("Employee").check()
    continue_(page)

    page.wait_for_url("**/ask/about")
    assert_accessible(page)
    page.get_by_label("I've been offered a gift").check()
    continue_(page)

    # Only the questions the engine still needs, each with "I don't know"
    page.wait_for_url("**/ask/question/nominal")
    assert_accessible(page)
    continue_(page)
    assert "Select an answer" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("I don't know").check()
    continue_(page)

    page.wait_for_url("**/ask/question/offered_by")
    assert_accessible(page)
    page.get_by_label("Someone on probation or in custody that we work with").check()
    continue_(page)

    # Check your answers, then change one and come straight back
    page.wait_for_url("**/ask/check")
    assert page.title() == "Check your answers – Probity"
    assert_accessible(page)
    rows = page.locator(".govuk-summary-list__row")
    token = rows.filter(has_text="Is it of token value")
    assert "I don't know" in token.inner_text()
    token.get_by_role("link", name=re.compile("^Change")).click()
    page.wait_for_url("**/ask/question/nominal?change=1")
    assert page.get_by_label("I don't know").is_checked()
    page.get_by_label("No", exact=True).check()
    continue_(page)
    page.wait_for_url("**/ask/check")
    assert "No" in rows.filter(has_text="Is it of token value").inner_text()

    page.get_by_role("button", name="See the answer").click()
    page.wait_for_url("**/ask/outcome?**")
    assert page.locator(".govuk-panel__title").inner_text() == "You must not"
    assert "essex-probation:7.4" in page.locator("main").inner_text()
    # the print link is shown by its module file; printing itself is the browser's
    assert page.get_by_role("link", name="Print this page").is_visible()
    assert_accessible(page)

    # The same address, opened by someone else with no session, gives the same answer
    shared = page.url
    other = page.context.browser.new_context()
    try:
        stranger = other.new_page()
        stranger.goto(shared)
        assert stranger.locator(".govuk-panel__title").inner_text() == "You must not"
    finally:
        other.close()

    page.get_by_role("link", name="Start again").click()
    page.wait_for_url("**/ask/")
    assert "Essex Probation (Code of Conduct)" in page.locator("main").inner_text()


def test_an_amount_question_and_a_broken_link_are_accessible(page):
    page.goto("/ask/")
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("The Probation Institute (I'm a member)").check()
    continue_(page)
    page.get_by_label("I've been offered a gift").check()
    continue_(page)
    page.goto("/ask/question/value_gbp")
    assert_accessible(page)
    page.get_by_label("Roughly how much is it worth, in pounds?").fill("lots")
    continue_(page)
    assert "Amount must be a number" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Roughly how much is it worth, in pounds?").fill("£12.50")
    continue_(page)
    assert "/ask/question/value_gbp" not in page.url

    response = page.goto("/ask/outcome?roles=essex-probation:overlord&matter=gift")
    assert response.status == 400
    assert page.get_by_role("heading", level=1).inner_text() == "This link does not work"
    assert_accessible(page)
