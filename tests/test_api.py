"""The JSON API: the guidance contract over HTTP, search and the codes, with OpenAPI docs."""

import json
import re
from pathlib import Path

import pytest
from django.test import Client

from probity.core.engine import decide

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

# shared/spec/guidance.md: the situation of the spec and the outcome it shows.
SPEC_SITUATION = {
    "roles": {"essex-probation": "employee", "probation-institute": "member"},
    "matter": "gift",
    "facts": {"offered_by": "service-user", "kind": "item", "value_gbp": 10},
}


def advise(client, body):
    payload = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post("/api/advise", payload, content_type="application/json")


def test_the_api_answers_the_spec_example_with_the_spec_outcome(client):
    response = advise(client, SPEC_SITUATION)
    assert response.status_code == 200
    outcome = response.json()
    assert outcome["decision"] == "prohibited"
    assert outcome["authority"] == ["line-manager"]
    assert [a["do"] for a in outcome["actions"]][:2] == ["decline", "record"]
    assert outcome["actions"][1]["where"] == "contact-log"
    assert outcome["citations"][0]["clause"] == "essex-probation:7.4"
    assert outcome["citations"][0]["text"].startswith("Employees should be aware")
    assert outcome["codes"] == {"essex-probation": "applies", "probation-institute": "applies"}
    assert outcome["questions"] == []


@pytest.mark.parametrize(
    "situation",
    [
        SPEC_SITUATION,
        {"roles": {"essex-probation": "employee"}, "matter": "gift"},  # questions to answer
        {"roles": {"moj-volunteers": "employee", "opcc": "employee"}, "matter": "gift"},  # why
        {"roles": {"essex-probation": "board-member"}, "matter": "interest"},
        {"roles": {"opcc": "employee"}, "matter": "misrepresentation", "facts": {}},
        *(json.loads(path.read_text()) for path in sorted(EXAMPLES.glob("*.json"))),
    ],
)
def test_the_outcome_is_exactly_what_the_engine_decides(client, situation):
    assert advise(client, situation).json() == decide(situation)


@pytest.mark.parametrize(
    ("situation", "loc"),
    [
        ({"roles": {"essex-probation": "employee"}, "matter": "bribe"}, ["body", "matter"]),
        (
            {"roles": {"essex-probation": "wizard"}, "matter": "gift"},
            ["body", "roles", "essex-probation"],
        ),
        ({"roles": {"nowhere": "employee"}, "matter": "gift"}, ["body", "roles", "nowhere"]),
        ({"roles": {}, "matter": "gift"}, ["body", "roles"]),
        (
            {"roles": {"opcc": "employee"}, "matter": "gift", "facts": {"offered_by": "a-friend"}},
            ["body", "facts", "offered_by"],
        ),
        (
            {"roles": {"opcc": "employee"}, "matter": "gift", "facts": {"value_gbp": "ten"}},
            ["body", "facts", "value_gbp"],
        ),
        (
            {"roles": {"opcc": "employee"}, "matter": "gift", "facts": {"colour": "red"}},
            ["body", "facts", "colour"],
        ),
        ({"roles": {"opcc": "employee"}, "matter": "gift", "mood": "calm"}, ["body", "mood"]),
        ([1, 2, 3], ["body"]),
    ],
)
def test_a_bad_situation_is_422_naming_the_field(client, situation, loc):
    response = advise(client, situation)
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == loc
    assert error["msg"]


@pytest.mark.parametrize("body", ["{not json", "", b"\xff\xfe", "{'roles': {}}"])
def test_a_body_that_is_not_json_is_400_never_500(client, body):
    response = advise(client, body)
    assert response.status_code == 400
    assert response.json()["detail"][0]["loc"] == ["body"]


def test_advise_needs_no_csrf_token_because_it_reads_no_cookies(client):
    strict = Client(enforce_csrf_checks=True)
    assert advise(strict, SPEC_SITUATION).status_code == 200


def test_advise_only_answers_post(client):
    assert client.get("/api/advise").status_code == 405


# --- search ------------------------------------------------------------------------------------


def test_search_returns_clauses_with_score_text_and_heading_best_first(client):
    response = client.get("/api/search", {"q": "gift from a service user", "limit": 5})
    assert response.status_code == 200
    hits = response.json()
    assert 0 < len(hits) <= 5
    assert set(hits[0]) == {"clause", "score", "text", "heading"}
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    assert "essex-probation:7.4" in [h["clause"] for h in hits]


def test_search_keeps_to_one_code(client):
    hits = client.get("/api/search", {"q": "gift", "code": "opcc"}).json()
    assert hits and all(h["clause"].startswith("opcc:") for h in hits)


@pytest.mark.parametrize(
    ("params", "loc"),
    [
        ({"q": ""}, ["query", "q"]),
        ({"q": "gift " * 100}, ["query", "q"]),
        ({"q": "gift", "code": "nowhere"}, ["query", "code"]),
        ({"q": "gift", "limit": 0}, ["query", "limit"]),
        ({"q": "gift", "limit": "many"}, ["query", "limit"]),
    ],
)
def test_bad_search_input_is_422_naming_the_parameter(client, params, loc):
    response = client.get("/api/search", params)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == loc


# --- codes -------------------------------------------------------------------------------------


def test_the_codes_are_listed_with_their_size_and_page(client):
    codes = {code["id"]: code for code in client.get("/api/codes").json()}
    assert set(codes) == {
        "essex-probation", "hmpps-offer", "moj-volunteers", "opcc", "probation-institute"
    }  # fmt: skip
    assert codes["essex-probation"]["clause_count"] == 60
    assert codes["probation-institute"]["revision"] == "2020-12"
    assert codes["opcc"]["url"] == "/codes/opcc"


def test_a_code_comes_with_its_clauses_in_order_and_its_groups(client):
    code = client.get("/api/codes/hmpps-offer").json()
    assert code["clauses"][0]["clause"] == "hmpps-offer:foreword"
    assert code["groups"][0]["title"] == "Your Development"
    assert client.get("/api/codes/essex-probation").json()["scope_clause"] == "1.1"


def test_a_clause_says_which_rules_cite_it(client):
    clause = client.get("/api/codes/essex-probation/7.4").json()
    assert clause["clause"] == "essex-probation:7.4"
    assert clause["url"] == "/codes/essex-probation/7.4"
    assert {
        "rule": "gift-from-service-user",
        "matter": "gift",
        "decision": "prohibited",
    }.items() <= (clause["cited_by"][0].items())
    board = client.get("/api/codes/essex-probation/board.2.vi").json()
    assert board["parent"] == "board.2"


@pytest.mark.parametrize("url", ["/api/codes/nowhere", "/api/codes/opcc/1.5"])
def test_an_unknown_code_or_clause_is_a_json_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response.json()["detail"]


# --- OpenAPI and docs --------------------------------------------------------------------------


def test_the_openapi_document_lists_every_endpoint(client):
    document = client.get("/api/openapi.json").json()
    endpoints = ["advise", "search", "codes", "codes/{code}", "codes/{code}/{clause}"]
    assert document["paths"].keys() >= {f"/api/{endpoint}" for endpoint in endpoints}
    advise_op = document["paths"]["/api/advise"]["post"]
    body = advise_op["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["matter"]["enum"][0] == "gift"
    assert {"200", "400", "422"} <= advise_op["responses"].keys()


def test_the_docs_page_loads_no_external_script_and_keeps_the_strict_policy(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    page = response.content.decode()
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page)
    assert sources and all(source.startswith("/static/") for source in sources)
    assert "swagger-ui-bundle.js" in page
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_swagger_ui_is_served_from_the_site_itself(client):
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200
