"""Shapes of the API's answers (shared/spec/guidance.md), for validation and the OpenAPI document.

Outcome schemas allow extra fields: the spec may grow (new fields are additive), and the API
must pass on whatever `decide` returns rather than silently drop it.
"""

from __future__ import annotations

from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from probity.core.codes import code_ids
from probity.core.vocabulary import vocabulary


class _Open(Schema):
    model_config = ConfigDict(extra="allow")


class Action(_Open):
    do: str = Field(description="decline, return, hand-over, record, declare, report, …")
    where: str | None = Field(None, description="For `record`: where it is recorded")
    to: list[str] | None = Field(None, description="Who to declare, report or hand over to")
    text: str
    clauses: list[str] = Field(default_factory=list, description="The clauses that say so")


class Citation(_Open):
    clause: str = Field(description="CODE:CLAUSE", examples=["essex-probation:7.4"])
    text: str


class Question(_Open):
    fact: str
    text: str
    answers: list[bool | str] | None = Field(None, description="Allowed answers")
    type: Literal["number"] | None = Field(None, description="Given instead of answers")


class Outcome(_Open):
    decision: Literal["prohibited", "needs-permission", "must-declare", "permitted", "not-covered"]
    authority: list[str]
    actions: list[Action]
    citations: list[Citation]
    codes: dict[str, Literal["applies", "not-in-scope"]]
    why: dict[str, str] | None = Field(None, description="Why each not-in-scope code is")
    questions: list[Question]


class ErrorItem(Schema):
    loc: list[str | int] = Field(description="Where the bad input is, e.g. body, facts, value_gbp")
    msg: str
    type: str


class Error(Schema):
    detail: list[ErrorItem]


class NotFound(Schema):
    detail: str


class Unauthorized(Schema):
    detail: str = Field(examples=["Unauthorized"])


class SearchHit(Schema):
    clause: str = Field(description="CODE:CLAUSE", examples=["essex-probation:7.4"])
    score: float
    text: str
    heading: str


class CodeSummary(Schema):
    id: str
    title: str
    issuer: str
    revision: str
    kind: str
    roles: list[str] = Field(description="The roles the code binds")
    clause_count: int
    url: str = Field(description="The code's page on this site")


class ClauseOut(Schema):
    clause: str = Field(description="CODE:CLAUSE")
    id: str
    heading: str
    parent: str | None
    text: str
    url: str


class Group(Schema):
    title: str
    clauses: list[str]


class CodeDetail(CodeSummary):
    scope_clause: str
    groups: list[Group]
    clauses: list[ClauseOut]


class CitingRule(Schema):
    rule: str = Field(description="The rule's id within its code")
    matter: str
    decision: str
    roles: list[str]


class ClauseDetail(ClauseOut):
    code: str
    cited_by: list[CitingRule] = Field(description="The guidance rules that cite this clause")


def situation_schema() -> dict:
    """The request body of POST /advise, written out so the core alone checks the input.

    As exact as the core: each matter names its own facts (`oneOf`, one branch a matter), and
    each fact its values, so a body this schema allows is never refused and one it refuses
    never accepted (tests/test_api_schema.py holds the two to that).
    """
    vocab = vocabulary()
    return {
        "title": "Situation",
        "type": "object",
        "required": ["roles", "matter"],
        "additionalProperties": False,
        "properties": {
            "roles": {
                "type": "object",
                "description": "Every code that binds the person, mapped to their role under it.",
                "propertyNames": {"enum": code_ids()},
                "additionalProperties": {"type": "string", "enum": list(vocab.roles)},
                "minProperties": 1,
            },
            "matter": {"type": "string", "enum": list(vocab.matters)},
            "facts": {
                "type": ["object", "null"],
                "description": "The matter's facts (which ones depends on the matter); leave out "
                "or send null what you do not know. No `facts`, or null: none is known.",
            },
        },
        "oneOf": [
            {
                "title": f"Situation: {matter.id}",
                "properties": {
                    "matter": {"const": matter.id},
                    "facts": {
                        "type": ["object", "null"],
                        "properties": {
                            fact.name: _fact_schema(fact) for fact in matter.facts.values()
                        },
                        "additionalProperties": False,
                    },
                },
            }
            for matter in vocab.matters.values()
        ],
        "example": {
            "roles": {"essex-probation": "employee", "probation-institute": "member"},
            "matter": "gift",
            "facts": {"offered_by": "service-user", "kind": "item", "value_gbp": 10},
        },
    }


def _fact_schema(fact) -> dict:
    """A fact's values as the core checks them (situation._checked_value); null: unknown."""
    schema: dict = {"description": fact.question}
    if fact.type == "bool":
        schema["type"] = ["boolean", "null"]
    elif fact.type == "number":
        schema.update(type=["number", "null"], minimum=0)
    else:
        schema["enum"] = [*fact.answers, None]
    return schema
