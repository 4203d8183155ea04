"""Reading the codes and searching them in a real browser, checked with axe (WCAG 2.2 AA)."""

import pytest

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

WATCH_POLICY = (
    "window.__cspViolations = [];"
    "document.addEventListener('securitypolicyviolation',"
    " e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
)


@pytest.fixture(scope="module", autouse=True)
def search_index_ready(search_index):
    """Every page here may search: the index is built before the first one waits on it."""


def test_browse_from_the_codes_to_a_code_to_a_clause(page):
    page.goto("/codes")
    assert page.title() == "Codes of conduct – Probity"
    assert_accessible(page)

    page.get_by_role("link", name="Code of Conduct", exact=True).click()
    page.wait_for_url("**/codes/essex-probation")
    assert page.get_by_role("heading", level=1).inner_text() == "Code of Conduct"
    assert_accessible(page)

    page.get_by_role("link", name="Clause 7.4", exact=True).click()
    page.wait_for_url("**/codes/essex-probation/7.4")
    assert page.get_by_role("heading", level=1).inner_text() == "Clause 7.4"
    assert "On no account should gifts be accepted" in page.locator("blockquote").inner_text()
    assert page.get_by_text("You must not").first.is_visible()
    assert_accessible(page)

    breadcrumbs = page.get_by_role("navigation", name="Breadcrumb")
    breadcrumbs.get_by_role("link", name="Code of Conduct").click()
    page.wait_for_url("**/codes/essex-probation")


def test_a_board_principle_and_the_employee_offer_are_accessible(page):
    page.goto("/codes/essex-probation/board.2.vi")
    assert page.get_by_role("heading", level=1).inner_text() == "Clause board.2.vi"
    assert_accessible(page)
    page.goto("/codes/hmpps-offer")
    assert page.get_by_role("heading", name="Your Wellbeing").is_visible()
    assert_accessible(page)


def test_search_from_the_search_page_and_open_a_result(page):
    page.goto("/search")
    assert_accessible(page)
    page.get_by_label("Search the codes of conduct").fill("gift from a service user")
    page.get_by_label("Search in").select_option(label="All codes")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/search?q=gift+from+a+service+user**")
    results = page.locator(".probity-result")
    assert results.count() > 0
    assert page.locator(".probity-result mark").first.is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Clause 7.4: Conflict of Interest", exact=False).click()
    page.wait_for_url("**/codes/essex-probation/7.4")


@pytest.mark.parametrize(
    ("code", "expected", "within"),
    [
        ("All codes", {"essex-probation:4.8", "opcc:7.1"}, 5),
        ("Essex Probation", {"essex-probation:4.8"}, 1),
    ],
)
def test_search_finds_a_clause_from_a_paraphrase(page, code, expected, within):
    """No clause says "Uber" or "weekends": the second-job clauses are found from the meaning."""
    page.goto("/search")
    page.get_by_label("Search the codes of conduct").fill("can I do uber driving at weekends")
    page.get_by_label("Search in").select_option(label=code)
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/search?q=can+I+do+uber+driving+at+weekends**")
    assert page.get_by_text("Showing word matches only").count() == 0
    first = page.locator(".probity-result code").all_inner_texts()[:within]
    assert expected & set(first), f"{sorted(expected)} not in the first {within}: {first}"
    assert_accessible(page)


def test_an_over_long_search_shows_an_accessible_error_summary(page):
    page.goto("/search")
    page.get_by_label("Search the codes of conduct").fill("gift " * 60)
    page.get_by_role("button", name="Search").click()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "q"


def test_page_not_found_is_accessible(page):
    response = page.goto("/codes/essex-probation/99")
    assert response.status == 404
    assert page.get_by_role("heading", name="Page not found").is_visible()
    assert_accessible(page)


def test_the_api_docs_run_under_the_strict_policy_from_the_site_alone(page, live_server):
    outside = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith((live_server.url, "data:"))
            else None
        ),
    )
    page.add_init_script(WATCH_POLICY)
    page.goto("/api/docs")
    page.locator("#operations-guidance-advise").wait_for()
    page.locator("#operations-guidance-advise .opblock-summary-control").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    page.locator(".live-responses-table .response-col_status").first.wait_for()
    assert "200" in page.locator(".live-responses-table .response-col_status").all_inner_texts()
    assert page.evaluate("window.__cspViolations") == []
    assert outside == []
