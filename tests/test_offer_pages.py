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
    assert "Check your answers" in check and "1 April 2015" in check
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


# Answers as a person types them on each calculator's pages (dates in day, month, year boxes).
EXAMPLES = {
    "toil": {"banked": "7.4\n3", "taken": "2"},
    "sick-pay": {
        "terms": "modernised",
        "service_start": ("3", "6", "2019"),
        "absences": "2024-01-08 to 2024-01-19",
        "on": ("1", "6", "2025"),
    },
    "family-leave": {
        "kind": "shared-parental",
        "expected_date": ("2", "6", "2025"),
        "leave_start": None,
        "weeks_taken": "10",
        "leave_year_start": ("1", "4", "2025"),
    },
    "pay-progression": {
        "pay_year": "2023/24",
        "role": "prison-officer",
        "years_in_role": "2",
        "weekly_hours": "18.5",
    },
    "pension": {"annual_salary": "30902", "avc_monthly": "50"},
    "cycle-to-work": {"price": "1000", "tax_band": "higher", "on": ("1", "6", "2024")},
}
EXPECTED = {
    "toil": "8.4 hours",
    "sick-pay": "at most 10 months less 12 days",
    "family-leave": "42 weeks",
    "pay-progression": "£16,269.50",  # half of £32,539, pro rata for 18.5 hours
    "pension": "£10,365.03",
    "cycle-to-work": "£420.00",
}


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_calculator_one_question_a_page(client, name):
    base = f"/offer/calculators/{name}/"
    url = client.get(f"/offer/calculators/{name}").content.decode()
    assert "Start now" in url
    for question, answer in EXAMPLES[name].items():
        if isinstance(answer, tuple):
            data = dict(
                zip(
                    (f"{question}-day", f"{question}-month", f"{question}-year"),
                    answer,
                    strict=True,
                )
            )
        else:
            data = {question: answer} if answer is not None else {}
        page = client.get(base + question)
        assert page.status_code == 200, question
        client.post(base + question, data)
    assert client.post(base + "check").url == base + "result"
    result = client.get(base + "result").content.decode()
    assert EXPECTED[name] in result


def test_clear_my_answers_forgets_them(client):
    _answer(client, "weekly_hours", {"weekly_hours": "30"})
    assert client.post("/offer/calculators/annual-leave/clear").url == (
        "/offer/calculators/annual-leave"
    )
    assert (
        'value="30"'
        not in client.get("/offer/calculators/annual-leave/weekly_hours").content.decode()
    )


def test_the_flexible_working_section_leads_to_the_requests(client):
    page = client.get("/offer/sections/flexible-working").content.decode()
    assert 'href="/flexible-working/new/pattern"' in page  # ask
    assert 'href="/flexible-working"' in page  # my requests and arrangements
    assert 'href="/flexible-working/to-decide"' in page  # a line manager's decisions


def test_employee_offer_is_the_current_section_on_flexible_working_pages(admin_client):
    page = admin_client.get("/flexible-working").content.decode()
    current = page.split('aria-current="true"', 1)[1].split("</a>", 1)[0]
    assert "Employee offer" in current


def _toil_answered(client):
    base = "/offer/calculators/toil/"
    client.post(base + "banked", {"banked": "7.4, 3"})
    client.post(base + "taken", {"taken": "2"})
    return base


def test_a_result_can_be_printed_or_saved_on_a_phone(client):
    base = _toil_answered(client)
    response = client.get(base + "result")
    page = response.content.decode()
    assert '<script type="module" src="/static/ask/print-link.js"></script>' in page
    assert "data-probity-print hidden" in page  # shown only where the module can print
    assert f'href="{base}result.txt" download' in page
    assert "no-store" in response["Cache-Control"]  # answers can be health data
    saved = client.get(base + "result.txt")
    assert saved["Content-Type"] == "text/plain; charset=utf-8"
    assert saved["Content-Disposition"] == 'attachment; filename="toil-result.txt"'
    text = saved.content.decode()
    assert "Hours you can take: 8.4 hours  [hmpps-offer:annual-leave-and-toil]" in text
    assert "Your answers:" in text and "7.4" in text
    assert "not a decision" in text


def test_saving_a_result_before_answering_goes_to_the_questions(client):
    answer = client.get("/offer/calculators/toil/result.txt")
    assert answer.status_code == 302
