"""The "Can I…?" interview at /ask, page by page, as a browser without JavaScript sees it."""

import html
import re

import pytest
from django.test import Client

from probity.core.engine import decide

pytestmark = pytest.mark.django_db

ESSEX_EMPLOYEE = {"codes": ["essex-probation"], "role": "employee"}


def answer(client, url, data):
    """Post one page's answer and return where the interview goes next."""
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def begin(client, *, codes=("essex-probation",), role="employee", matter="gift"):
    """Start, say who you are and what it is about; returns the first question's address."""
    url = answer(client, "/ask/", {})
    assert url == "/ask/who"
    url = answer(client, url, {"codes": list(codes)})
    while url.startswith("/ask/who/"):
        url = answer(client, url, {"role": role})
    assert url == "/ask/about"
    return answer(client, url, {"matter": matter})


def outcome_url(client):
    page = client.get("/ask/check").content.decode()
    return html.unescape(re.search(r'href="(/ask/outcome\?[^"]*)"', page).group(1))


def text_of(response):
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def test_a_gift_from_a_service_user_under_essex_probation_must_be_refused_quoting_7_4(client):
    url = begin(client)
    asked = []
    answers = {"nominal": "no", "offered_by": "service-user"}
    while url.startswith("/ask/question/"):
        fact = url.rsplit("/", 1)[1]
        asked.append(fact)
        page = client.get(url)
        assert page.status_code == 200
        url = answer(client, url, {"answer": answers[fact]})
    assert url == "/ask/check"
    # Only what the engine needed: once a service user offered it, nothing else matters.
    assert asked == ["nominal", "offered_by"]
    outcome = client.get(outcome_url(client))
    assert outcome.status_code == 200
    page = text_of(outcome)
    assert '<h1 class="govuk-panel__title">You must not</h1>' in outcome.content.decode()
    assert "essex-probation:7.4" in page
    assert "On no account should gifts be accepted from service users" in page
    assert 'href="/codes/essex-probation/7.4"' in outcome.content.decode()
    assert "Decline the offer politely but firmly." in page
    assert "Your line manager" in page


def test_each_question_is_the_first_the_engine_still_lists(client):
    url = begin(client)
    situation = {"roles": {"essex-probation": "employee"}, "matter": "gift", "facts": {}}
    for fact, text, value in [("nominal", "no", False), ("offered_by", "colleague", "colleague")]:
        assert url == f"/ask/question/{decide(situation)['questions'][0]['fact']}"
        assert url == f"/ask/question/{fact}"
        url = answer(client, url, {"answer": text})
        situation["facts"][fact] = value
    assert url == "/ask/question/kind"


def test_a_question_page_offers_the_facts_answers_and_i_dont_know(client):
    url = begin(client)
    page = client.get(url).content.decode()
    assert url == "/ask/question/nominal"
    assert '<h1 class="govuk-fieldset__heading">Is it of token value' in page
    assert re.search(r'value="yes"[^>]*>\s*<label[^>]*>Yes</label>', page)
    assert re.search(r'value="no"[^>]*>\s*<label[^>]*>No</label>', page)
    assert '<div class="govuk-radios__divider">or</div>' in page
    assert "I don&#x27;t know</label>" in page
    assert 'class="govuk-back-link"' in page and 'href="/ask/about"' in page
    page = client.get("/ask/question/offered_by").content.decode()
    assert "Someone on probation or in custody that we work with (a service user)" in page


def test_i_dont_know_leaves_the_fact_unknown_and_the_outcome_says_what_could_change_it(client):
    url = begin(client)
    url = answer(client, url, {"answer": "dont-know"})  # nominal
    assert url == "/ask/question/offered_by"  # moves on, never asks nominal again
    url = answer(client, url, {"answer": "colleague"})
    assert url == "/ask/question/kind"
    url = answer(client, url, {"answer": "dont-know"})
    assert url == "/ask/check"
    check = text_of(client.get(url))
    assert check.count("I don't know") == 2
    shared = outcome_url(client)
    assert "nominal" not in shared and "kind" not in shared
    page = text_of(client.get(shared))
    assert "This could change if you know more" in page
    assert "What is it?" in page
    assert "Is it of token value" in page


def test_posting_nothing_shows_a_govuk_error_summary_on_every_kind_of_page(client):
    def assert_error(url, data, field, message):
        response = client.post(url, data)
        assert response.status_code == 200
        page = response.content.decode()
        assert "<title>Error: " in page
        assert '<div class="govuk-error-summary" data-module="govuk-error-summary">' in page
        assert f'<a href="#{field}">{message}</a>' in page
        assert f'id="{field}-error" class="govuk-error-message"' in page
        assert f'id="{field}"' in page  # the summary's link lands on the first input
        assert "govuk-form-group--error" in page

    client.post("/ask/", {})
    assert_error("/ask/who", {}, "codes", "Select the codes of conduct that bind you")
    client.post("/ask/who", {"codes": ["essex-probation"]})
    assert_error("/ask/who/essex-probation", {}, "role", "Select your role under Essex Probation")
    client.post("/ask/who/essex-probation", {"role": "employee"})
    assert_error("/ask/about", {}, "matter", "Select what your question is about")
    client.post("/ask/about", {"matter": "gift"})
    assert_error(
        "/ask/question/nominal", {}, "answer", "Select an answer, or select ‘I don&#x27;t know’"
    )
    assert_error(
        "/ask/question/value_gbp",
        {"answer": ""},
        "answer",
        "Enter an amount in pounds, like 25 or 12.50, or select ‘I don&#x27;t know’",
    )


@pytest.mark.parametrize(
    "data,message",
    [
        ({"answer": "maybe"}, "Select one of the answers listed"),
        ({"answer": "service-user"}, "Select one of the answers listed"),
    ],
)
def test_a_tampered_answer_is_a_govuk_error_not_a_crash(client, data, message):
    begin(client)
    response = client.post("/ask/question/nominal", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    response = client.post("/ask/who", {"codes": ["no-such-code"]})
    assert response.status_code == 200
    assert "Select the codes of conduct that bind you from the list" in response.content.decode()
    response = client.post("/ask/who/essex-probation", {"role": "overlord"})
    assert "Select your role under Essex Probation from the list" in response.content.decode()
    response = client.post("/ask/about", {"matter": "treason"})
    assert "Select what your question is about from the list" in response.content.decode()


@pytest.mark.parametrize(
    "typed,message",
    [
        ("lots", "Amount must be a number in pounds, like 25 or 12.50"),
        ("-5", "Amount must be £0 or more"),
        ("12.345", "Amount must not have more than 2 decimal places"),
        ("12345678901", "Amount must be less than £1,000,000,000"),
    ],
)
def test_an_amount_that_is_not_one_gets_a_clear_message(client, typed, message):
    begin(client)
    response = client.post("/ask/question/value_gbp", {"answer": typed})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'value="' + html.escape(typed) + '"' in response.content.decode()


def test_an_amount_is_asked_with_a_pound_prefix_and_kept_to_the_penny(client):
    url = begin(client)
    url = answer(client, url, {"answer": "no"})
    answer(client, url, {"answer": "service-user"})
    page = client.get("/ask/question/value_gbp").content.decode()
    assert '<div class="govuk-input__prefix" aria-hidden="true">£</div>' in page
    assert '<label class="govuk-label govuk-label--l" for="answer">' in page
    assert 'name="dont_know"' in page
    client.post("/ask/question/value_gbp", {"answer": "£1,234.50"})
    assert "£1,234.50" in text_of(client.get("/ask/check"))
    assert "value_gbp=1234.5" in outcome_url(client)
    client.post("/ask/question/value_gbp", {"answer": "", "dont_know": "1"})
    assert "value_gbp" not in outcome_url(client)


def test_check_your_answers_lists_every_answer_with_a_change_link(client):
    url = begin(client, codes=("essex-probation", "probation-institute"))
    url = answer(client, url, {"answer": "no"})
    url = answer(client, url, {"answer": "service-user"})
    page = client.get("/ask/check").content.decode()
    assert '<h1 class="govuk-heading-l">Check your answers</h1>' in page
    for href in [
        "/ask/who?change=1",
        "/ask/who/essex-probation?change=1",
        "/ask/about?change=1",
        "/ask/question/nominal?change=1",
        "/ask/question/offered_by?change=1",
    ]:
        assert f'href="{href}"' in page
    # The Probation Institute binds members only: choosing it says the role already.
    assert "/ask/who/probation-institute" not in page
    assert "The Probation Institute (I&#x27;m a member)" in page
    assert 'Change<span class="govuk-visually-hidden"> who offered it</span>' in page


def test_changing_an_answer_returns_to_check_your_answers(client):
    url = begin(client)
    url = answer(client, url, {"answer": "no"})
    url = answer(client, url, {"answer": "service-user"})
    change = client.get("/ask/question/nominal?change=1").content.decode()
    assert '<a href="/ask/check" class="govuk-back-link">Back</a>' in change
    assert re.search(r'value="no" checked', change)
    assert answer(client, "/ask/question/nominal?change=1", {"answer": "yes"}) == "/ask/check"
    assert "Yes" in text_of(client.get("/ask/check"))


def test_a_change_that_needs_another_answer_asks_it_before_check_your_answers(client):
    url = begin(client)
    url = answer(client, url, {"answer": "no"})
    url = answer(client, url, {"answer": "service-user"})
    url = answer(client, "/ask/question/offered_by?change=1", {"answer": "colleague"})
    assert url == "/ask/question/kind"
    assert answer(client, url, {"answer": "item"}) == "/ask/check"


def test_choosing_another_matter_forgets_the_old_matters_answers(client):
    url = begin(client)
    answer(client, url, {"answer": "no"})
    url = answer(client, "/ask/about?change=1", {"matter": "hospitality"})
    assert url.startswith("/ask/question/")
    assert "nominal" not in url


def test_a_role_outside_a_codes_scope_is_explained_on_the_outcome(client):
    begin(client, codes=("essex-probation", "moj-volunteers"), role="employee")
    url = "/ask/outcome?roles=essex-probation:employee,moj-volunteers:employee&matter=gift"
    page = text_of(client.get(url))
    assert "Does not apply to you as: Employee" in page
    assert "not directly employed by the MoJ (moj-volunteers:scope)" in page
    assert "Applies to you as: Employee" in page


def test_the_outcome_address_works_for_anyone_without_a_session():
    url = "/ask/outcome?roles=essex-probation:employee&matter=gift&offered_by=service-user"
    fresh = Client()
    response = fresh.get(url)
    assert response.status_code == 200
    assert "You must not" in response.content.decode()
    assert "essex-probation:7.4" in response.content.decode()
    assert "sessionid" not in response.cookies

    def without_nonce(response):
        return re.sub(r'nonce="[^"]*"', "", response.content.decode())

    assert without_nonce(Client().get(url)) == without_nonce(response)  # the same for everyone


def test_the_interviews_outcome_address_is_the_situation_and_nothing_else(client):
    url = begin(client)
    url = answer(client, url, {"answer": "no"})
    answer(client, url, {"answer": "service-user"})
    assert outcome_url(client) == (
        "/ask/outcome?roles=essex-probation:employee&matter=gift&offered_by=service-user&nominal=no"
    )
    assert Client().get(outcome_url(client)).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "",
        "roles=essex-probation:employee",
        "matter=gift",
        "roles=nowhere:employee&matter=gift",
        "roles=essex-probation:overlord&matter=gift",
        "roles=essex-probation&matter=gift",
        "roles=essex-probation:employee,essex-probation:member&matter=gift",
        "roles=essex-probation:employee&matter=bribery",
        "roles=essex-probation:employee&matter=gift&offered_by=alien",
        "roles=essex-probation:employee&matter=gift&nominal=maybe",
        "roles=essex-probation:employee&matter=gift&value_gbp=lots",
        "roles=essex-probation:employee&matter=gift&value_gbp=-1",
        "roles=essex-probation:employee&matter=gift&colour=red",
        "roles=essex-probation:employee&matter=gift&matter=hospitality",
        "roles=%00%ff&matter=%e2%82",
    ],
)
def test_a_tampered_outcome_address_is_a_clear_400_page(client, query):
    response = client.get(f"/ask/outcome?{query}")
    assert response.status_code == 400
    page = response.content.decode()
    assert "This link does not work" in page
    assert "What is wrong:" in page


def test_must_declare_or_needs_permission_offers_the_next_step_with_the_situation():
    query = "roles=essex-probation:employee&matter=gift&offered_by=colleague&kind=item&nominal=no"
    facts = {"offered_by": "colleague", "kind": "item", "nominal": False}
    situation = {"roles": {"essex-probation": "employee"}, "matter": "gift", "facts": facts}
    assert decide(situation)["decision"] == "needs-permission"
    page = Client().get(f"/ask/outcome?{query}").content.decode()
    assert "Only with permission first" in page
    assert f'href="/declarations/new?{html.escape(query)}"' in page
    assert ">Ask for permission</a>" in page
    refused = Client().get(
        "/ask/outcome?roles=essex-probation:employee&matter=gift&offered_by=service-user"
    )
    assert "/declarations/new" not in refused.content.decode()


def test_the_outcome_has_a_print_link_from_a_module_file_and_start_again(client):
    page = client.get(
        "/ask/outcome?roles=essex-probation:employee&matter=gift&offered_by=service-user"
    ).content.decode()
    assert '<script type="module" src="/static/ask/print-link.js"></script>' in page
    assert "data-probity-print hidden" in page  # shown only when the module runs
    assert "Print this page</a>" in page
    assert 'href="/ask/">Start again</a>' in page
    script = client.get("/static/ask/print-link.js")
    assert script.status_code == 200


def test_who_you_are_is_remembered_when_you_start_again(client):
    url = begin(client)
    answer(client, url, {"answer": "no"})
    start = text_of(client.get("/ask/"))
    assert "Who you are" in start
    assert "Essex Probation (Code of Conduct)" in start
    assert answer(client, "/ask/", {}) == "/ask/about"
    assert client.get("/ask/question/nominal").status_code == 302  # the old matter is gone


def test_pages_ahead_of_the_journey_send_you_to_the_page_you_need(client):
    assert client.get("/ask/about")["Location"] == "/ask/who"
    assert client.get("/ask/question/nominal")["Location"] == "/ask/who"
    assert client.get("/ask/check")["Location"] == "/ask/who"
    client.post("/ask/who", {"codes": ["essex-probation"]})
    assert client.get("/ask/check")["Location"] == "/ask/who/essex-probation"
    assert client.get("/ask/who/opcc")["Location"] == "/ask/who/essex-probation"


def test_unknown_codes_and_facts_are_not_found(client):
    assert client.get("/ask/who/nowhere").status_code == 404
    begin(client)
    assert client.get("/ask/question/purpose").status_code == 404  # a hospitality fact


def test_every_answer_needs_the_csrf_token():
    browser = Client(enforce_csrf_checks=True)
    assert browser.post("/ask/", {}).status_code == 403
    page = browser.get("/ask/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert browser.post("/ask/", {"csrfmiddlewaretoken": token}).status_code == 302
    assert browser.post("/ask/who", {"codes": ["essex-probation"]}).status_code == 403
    response = browser.post(
        "/ask/who", {"codes": ["essex-probation"], "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
