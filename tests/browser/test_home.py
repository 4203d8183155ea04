import pytest

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_page_is_styled_accessible_and_starts_the_interview(page):
    page.goto("/")
    assert page.title() == "Live by your code of conduct – Probity"
    skip_link = page.locator(".govuk-skip-link")
    assert skip_link.get_attribute("href") == "#main-content"
    # GOV.UK Frontend's script ran: the body is marked as supported
    assert "govuk-frontend-supported" in page.locator("body").get_attribute("class")
    assert_accessible(page)
    page.get_by_role("button", name="Start").click()
    page.wait_for_url("**/ask**")
