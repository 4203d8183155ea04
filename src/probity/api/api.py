"""Probity's JSON API, served under /api/ with its OpenAPI document and docs (no CDN).

Every answer comes from `probity.core` or the codes app's selectors; this module only turns
requests into calls and `BadInput` into 4xx answers that name the field at fault.

CSRF: django-ninja exempts its views from Django's CSRF check unless an authentication method
uses cookies. None does here: the API reads no cookie or session and changes nothing, so a
cross-site request can gain nothing that any other client could not. Keep it that way, or add
CSRF back, if an endpoint ever acts on behalf of a signed-in person.

Operations that act as a person authenticate with `probity.apps.accounts.api_auth.TokenAuth`: a
personal token sent as `Authorization: Bearer`, which a browser never adds by itself, so CSRF
cannot apply to them either (GET /api/me shows whose token it is).
"""

from __future__ import annotations

import json

from django.urls import reverse
from ninja import NinjaAPI, Query, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from probity.api import schemas
from probity.api.entitlements import router as entitlements_router
from probity.api.rostering import router as rostering_router
from probity.apps.accounts.api import router as accounts_router
from probity.apps.codes import selectors
from probity.apps.concerns.api import router as concerns_router
from probity.apps.offer.api import router as flexible_working_router
from probity.core.codes import code_ids
from probity.core.engine import decide
from probity.core.errors import BadInput
from probity.core.search.api import MAX_LIMIT

# /api/docs is Swagger UI from django-ninja's own static files ("ninja" in INSTALLED_APPS), never
# a CDN. It runs under the site's strict Content-Security-Policy unchanged: its scripts are
# files, its settings a JSON data block, and React sets styles through the DOM, which CSP allows
# (tests/browser/test_codes_and_search.py watches the page for policy violations).
api = NinjaAPI(
    title="Probity",
    version="1",
    description=(
        "Codes of conduct for the justice sector as data. `POST /api/advise` takes a situation "
        "and returns the outcome of the guidance contract (shared/spec/guidance.md); the "
        "other endpoints search and read the codes clause by clause."
    ),
    urls_namespace="api",
)


def _errors(where: str, error: BadInput, rename: dict[str, str] | None = None) -> dict:
    """The 422 body: one error whose loc is the field's path, e.g. ["body", "facts", "kind"]."""
    field = (rename or {}).get(error.field, error.field)
    path = [] if field == "situation" else field.split(".", 1)
    return {"detail": [{"loc": [where, *path], "msg": error.message, "type": "bad_input"}]}


@api.post(
    "/advise",
    response={200: schemas.Outcome, 400: schemas.Error, 422: schemas.Error},
    exclude_unset=True,
    summary="Decide a situation",
    operation_id="advise",
    tags=["guidance"],
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": schemas.situation_schema()}},
        }
    },
)
def advise(request):
    """The outcome for a situation, exactly as the guidance engine gives it.

    Bad input (an unknown code, role, matter or fact, or a value of the wrong type) is 422 with
    `loc` naming the field; a body that is not JSON is 400.
    """
    try:
        situation = json.loads(request.body)
    except (ValueError, UnicodeDecodeError) as error:
        message = f"The body is not valid JSON: {error}"
        return Status(400, {"detail": [{"loc": ["body"], "msg": message, "type": "json_invalid"}]})
    try:
        return Status(200, decide(situation))
    except BadInput as error:
        return Status(422, _errors("body", error))


def _one_of_the_codes(schema: dict) -> None:
    """A code id, or empty for every code (in a query string it is never null)."""
    schema.pop("anyOf", None)
    schema.update(type="string", enum=[*code_ids(), ""])


class SearchParams(Schema):
    """The search's own limits, written out: it checks them itself, with its own messages."""

    q: str = Field(
        description="Words to search for",
        max_length=10_000,  # read no further; the search refuses more than QUERY_MAX_LENGTH
        json_schema_extra={
            "minLength": 1,
            "maxLength": selectors.QUERY_MAX_LENGTH,
            "pattern": r"\S",  # not only spaces
        },
    )
    code: str | None = Field(
        None,
        description="Only this code's clauses (empty or left out: every code's)",
        json_schema_extra=_one_of_the_codes,
    )
    limit: int = Field(
        10, description="How many results", json_schema_extra={"minimum": 1, "maximum": MAX_LIMIT}
    )


@api.get(
    "/search",
    response={200: list[schemas.SearchHit], 422: schemas.Error},
    summary="Search clauses",
    operation_id="search",
    tags=["search"],
)
def search(request, params: Query[SearchParams]):
    """Clauses that answer a free-text question, best first."""
    try:
        result = selectors.clause_search(
            query=params.q, code_id=params.code or None, limit=params.limit
        )
    except BadInput as error:
        return Status(422, _errors("query", error, rename={"query": "q"}))
    return Status(
        200,
        [
            {"clause": hit.clause, "score": hit.score, "text": hit.text, "heading": hit.heading}
            for hit in result.hits
        ],
    )


@api.get(
    "/codes",
    response=list[schemas.CodeSummary],
    summary="List the codes",
    operation_id="list_codes",
    tags=["codes"],
)
def codes(request):
    return [_code_summary(summary) for summary in selectors.code_list()]


@api.get(
    "/codes/{code}",
    response={200: schemas.CodeDetail, 404: schemas.NotFound},
    summary="A code and its clauses",
    operation_id="get_code",
    tags=["codes"],
)
def code(request, code: str):
    try:
        page = selectors.code_page(code_id=code)
    except BadInput as error:
        raise HttpError(404, error.message) from None
    found = page.summary.code
    return {
        **_code_summary(page.summary),
        "scope_clause": found.scope_clause,
        "groups": [{"title": title, "clauses": list(ids)} for title, ids in found.groups],
        "clauses": [_clause(clause) for clause in found.clauses.values()],
    }


@api.get(
    "/codes/{code}/{clause}",
    response={200: schemas.ClauseDetail, 404: schemas.NotFound},
    summary="One clause and the rules that cite it",
    operation_id="get_clause",
    tags=["codes"],
)
def clause(request, code: str, clause: str):
    try:
        found = selectors.clause_get(code_id=code, clause_id=clause)
    except BadInput as error:
        raise HttpError(404, error.message) from None
    cited_by = [
        {
            "rule": citing.rule.id,
            "matter": citing.rule.matter,
            "decision": citing.rule.decision,
            "roles": sorted(citing.rule.roles),
        }
        for matter in selectors.rules_citing_clause(clause=found)
        for citing in matter.rules
    ]
    return {**_clause(found), "code": found.code, "cited_by": cited_by}


def _code_summary(summary: selectors.CodeSummary) -> dict:
    found = summary.code
    return {
        "id": found.id,
        "title": found.title,
        "issuer": found.issuer,
        "revision": found.revision,
        "kind": found.kind,
        "roles": sorted(found.roles),
        "clause_count": summary.clause_count,
        "url": reverse("codes:code", args=[found.id]),
    }


def _clause(found) -> dict:
    return {
        "clause": found.ref,
        "id": found.id,
        "heading": found.heading,
        "parent": found.parent,
        "text": found.text,
        "url": reverse("codes:clause", args=[found.code, found.id]),
    }


api.add_router("", accounts_router)  # GET /api/me (probity.apps.accounts.api)
api.add_router("", concerns_router)  # GET /api/concerns/cases… (probity.apps.concerns.api)
api.add_router("/entitlements", entitlements_router)  # the HMPPS offer's calculators
api.add_router("", rostering_router)  # /api/rostering/… (probity.api.rostering)
api.add_router("", flexible_working_router)  # /api/flexible-working… (probity.apps.offer.api)
