"""Reading the codes in the browser: the list of codes, a whole code, one clause and its rules."""

import html
import re

import pytest

from probity.core.codes import load_code, load_codes

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    """The page as a reader sees it: tags dropped, entities decoded, spaces collapsed."""
    page = response.content.decode()
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


# --- /codes ------------------------------------------------------------------------------------


def test_the_codes_page_lists_every_code_with_its_issuer_revision_cover_and_size(client):
    response = client.get("/codes")
    assert response.status_code == 200
    words = text_of(response)
    for code in load_codes().values():
        assert f'href="/codes/{code.id}"' in response.content.decode()
        assert code.title in words
        assert code.issuer in words
    assert "2020-12" in words  # the Probation Institute's revision
    assert "Member of a professional body" in words  # whom the Code of Ethics covers
    assert re.search(r"Clauses 60\b", words)  # Essex Probation: 60 clauses


# --- /codes/<code> -----------------------------------------------------------------------------


def test_a_code_page_shows_its_headings_and_every_clause_under_a_stable_anchor(client):
    response = client.get("/codes/essex-probation")
    assert response.status_code == 200
    page = response.content.decode()
    words = text_of(response)
    assert "Conflict of Interest / Professional Performance" in words
    for clause in load_code("essex-probation").clauses.values():
        assert f'id="clause-{clause.id}"' in page
        assert f'href="/codes/essex-probation/{clause.id}"' in page
    assert "On no account should gifts be accepted from service users" in words


def test_the_employee_offer_is_shown_in_its_own_groups(client):
    words = text_of(client.get("/codes/hmpps-offer"))
    wellbeing = words.index("Your Wellbeing")
    assert words.index("Foreword") < wellbeing
    assert wellbeing < words.index("Occupational Health") < words.index("Staff safety")


def test_associated_principles_sit_under_their_value(client):
    page = client.get("/codes/probation-institute").content.decode()
    value_9 = page.index('id="clause-value.9"')
    assert value_9 < page.index('id="clause-value.9.5"') < page.index("</section>", value_9)


# --- /codes/<code>/<clause> --------------------------------------------------------------------


def test_a_clause_page_quotes_the_clause_and_links_to_its_code(client):
    response = client.get("/codes/essex-probation/7.4")
    assert response.status_code == 200
    page, words = response.content.decode(), text_of(response)
    assert "<h1" in page and "Clause 7.4" in words
    assert load_code("essex-probation").clauses["7.4"].text in words
    assert 'href="/codes/essex-probation"' in page
    assert 'href="/codes/essex-probation#clause-7.4"' in page  # its place in the whole code
    assert "essex-probation:7.4" in words  # the reference to cite
    assert 'class="govuk-breadcrumbs"' in page


def test_a_clause_page_says_which_guidance_cites_it_and_what_it_decides(client):
    words = text_of(client.get("/codes/essex-probation/7.4"))
    gifts = words.index("I've been offered a gift")
    assert "You must not" in words[gifts:]
    assert "Decline the offer politely but firmly." in words
    assert "Who offered it?" in words


def test_a_board_principle_sits_under_its_parent_and_binds_board_members_only(client):
    response = client.get("/codes/essex-probation/board.2.vi")
    page, words = response.content.decode(), text_of(response)
    assert "Holders of public office have a duty to declare any private interests" in words
    breadcrumbs = page[
        page.index("govuk-breadcrumbs") : page.index("</nav>", page.index("govuk-breadcrumbs"))
    ]
    assert 'href="/codes/essex-probation/board.2"' in breadcrumbs
    assert "Applies to Board member" in words


def test_a_named_section_is_titled_by_its_heading(client):
    words = text_of(client.get("/codes/hmpps-offer/pension"))
    assert "Pension benefits" in words or "Pension" in words
    assert "Clause pension" not in words


def test_a_clause_no_rule_cites_says_so(client):
    words = text_of(client.get("/codes/hmpps-offer/blue-light-card"))
    assert "No guidance in Probity quotes this section yet." in words


@pytest.mark.parametrize(
    "ref",
    [
        "essex-probation:7.4",
        "essex-probation:board.2.vi",
        "moj-volunteers:must-not.4",
        "opcc:1.6",
        "probation-institute:value.9.5",
        "hmpps-offer:professional-standards-and-behaviours",
    ],
)
def test_a_deep_link_to_a_clause_id_from_the_spec_is_stable(client, ref):
    code, clause = ref.split(":")
    response = client.get(f"/codes/{code}/{clause}")
    assert response.status_code == 200
    assert load_code(code).clauses[clause].text.split("\n")[0] in text_of(response)


def test_every_stored_clause_has_a_page(client):
    for code in load_codes().values():
        for clause_id in code.clauses:
            assert client.get(f"/codes/{code.id}/{clause_id}").status_code == 200, clause_id


def test_clause_pages_lead_on_to_the_next_clause(client):
    page = client.get("/codes/opcc/15.4").content.decode()
    assert 'href="/codes/opcc/15.3" rel="prev"' in page
    assert 'href="/codes/opcc/15.5" rel="next"' in page


# --- not found ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/codes/no-such-code", "/codes/essex-probation/99.9", "/codes/opcc/1.5", "/codes/x/y"]
)
def test_an_unknown_code_or_clause_is_a_gov_uk_page_not_found(client, url):
    response = client.get(url)
    assert response.status_code == 404
    words = text_of(response)
    assert "Page not found" in words
    assert "govuk-footer" in response.content.decode()  # the site's own page, not Django's


def test_pages_answer_head_requests_for_link_checkers(client):
    assert client.head("/codes/essex-probation/7.4").status_code == 200
    assert client.post("/codes/essex-probation/7.4").status_code == 405
