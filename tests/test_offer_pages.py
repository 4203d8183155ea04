"""The employee offer's pages: navigator grouped as the source's contents, contacts as links,
search within the offer, and a calculator's question pages (hmpps-offer)."""

import pytest

from probity.core.codes import load_code

pytestmark = pytest.mark.django_db


def test_navigator_groups_sections_as_the_source_contents(client):
    page = client.get("/offer").content.decode()
    titles = [title for title, _ids in load_code("hmpps-offer").groups]
    assert titles[0] == "Your Development"  # the source's contents list, in order
    positions = [page.index(title) for title in titles if "’" not in title]
    assert positions == sorted(positions)
    assert 'href="/offer/sections/annual-leave-and-toil"' in page


def test_contacts_are_links(client):
    page = client.get("/offer/sections/tackling-unacceptable-behaviours-unit").content.decode()
    assert '<a class="govuk-link" href="tel:+443001310052">0300 131 0052</a>' in page
    page = client.get("/offer/sections/flexible-working").content.decode()
    assert 'href="mailto:shapinganewemployeeoffer@justice.gov.uk"' in page
    index = client.get("/offer").content.decode()
    assert 'href="tel:+448000198988"' in index  # the EAP helpline, in the contacts list


def test_unknown_section_is_404(client):
    assert client.get("/offer/sections/free-lunch").status_code == 404


def test_search_within_the_offer(client):
    page = client.get("/offer/search", {"q": "time off in lieu"}).content.decode()
    assert 'href="/offer/sections/annual-leave-and-toil"' in page
    assert "/codes/essex-probation" not in page


def test_search_with_no_words_says_so(client):
    page = client.get("/offer/search", {"q": " "}).content.decode()
    assert "There is a problem" in page


def _answer(client, path, data):
    return client.post(f"/offer/calculators/annual-leave/{path}", data)


def test_annual_leave_question_pages_to_a_result_citing_the_section(client):
    assert client.get("/offer/calculators/annual-leave").status_code == 200
    answer = _answer(
        client,
        "service_start",
        {"service_start-day": "1", "service_start-month": "4", "service_start-year": "2015"},
    )
    assert answer.url == "/offer/calculators/annual-leave/leave_year_start"
    _answer(
        client,
        "leave_year_start",
        {
            "leave_year_start-day": "1",
            "leave_year_start-month": "4",
            "leave_year_start-year": "2025",
        },
    )
    _answer(client, "weekly_hours", {"weekly_hours": "37"})
    answer = _answer(client, "leaving_date", {})
    assert answer.url == "/offer/calculators/annual-leave/check"
    check = client.get(answer.url).content.decode()
    assert "Check your answers" in check and "2015-04-01" in check
    assert client.post(answer.url).url == "/offer/calculators/annual-leave/result"
    result = client.get("/offer/calculators/annual-leave/result").content.decode()
    assert "39.00 days" in result  # 30 + 8 + 1 after exactly 10 years
    assert 'href="/offer/sections/annual-leave-and-toil"' in result


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"weekly_hours": "-4"}, "Weekly hours cannot be negative"),
        ({"weekly_hours": "lots"}, "Weekly hours must be a number"),
    ],
)
def test_a_bad_answer_is_shown_on_its_page(client, data, message):
    answer = _answer(client, "weekly_hours", data)
    assert answer.status_code == 422
    page = answer.content.decode()
    assert "There is a problem" in page and message in page


def test_an_incomplete_date_names_what_is_missing(client):
    answer = _answer(
        client, "service_start", {"service_start-day": "1", "service_start-year": "2015"}
    )
    assert "Service start date must include a month" in answer.content.decode()


def test_answers_that_conflict_are_shown_on_check_your_answers(client):
    _answer(
        client,
        "service_start",
        {"service_start-day": "1", "service_start-month": "4", "service_start-year": "2015"},
    )
    _answer(
        client,
        "leave_year_start",
        {
            "leave_year_start-day": "1",
            "leave_year_start-month": "4",
            "leave_year_start-year": "2025",
        },
    )
    _answer(
        client,
        "leaving_date",
        {"leaving_date-day": "1", "leaving_date-month": "1", "leaving_date-year": "2025"},
    )
    answer = client.post("/offer/calculators/annual-leave/check")
    assert answer.status_code == 422
    assert "Last day of service is before this leave year starts" in answer.content.decode()


def test_family_leave_asks_weeks_taken_only_for_shared_parental_leave(client):
    base = "/offer/calculators/family-leave/"
    answer = client.post(base + "kind", {"kind": "maternity"})
    assert answer.url == base + "expected_date"
    client.post(
        base + "expected_date",
        {"expected_date-day": "2", "expected_date-month": "6", "expected_date-year": "2025"},
    )
    answer = client.post(base + "leave_start", {})
    assert answer.url == base + "leave_year_start"  # weeks_taken skipped
    client.post(base + "leave_year_start", {})
    result = client.get(base + "result").content.decode()
    assert "Not stated in the offer" in result  # pay after the 26 weeks
