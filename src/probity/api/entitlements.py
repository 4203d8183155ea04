"""/api/entitlements: the HMPPS offer's calculators (probity.core.entitlements).

Each calculator has its own operation and request schema, built from the same questions the
CLI and the web pages ask; bad answers are 422 with `loc` naming the field.
"""

import datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Router, Schema, Status
from pydantic import BeforeValidator, Field, StrictInt, create_model

from probity.api.schemas import Error
from probity.core.entitlements import CALCULATORS, calculate
from probity.core.entitlements.inputs import (
    CHOICE,
    DATE,
    DATE_RANGES,
    DECIMAL,
    DECIMALS,
    LARGEST,
    WHOLE,
    Question,
)
from probity.core.errors import BadInput

router = Router(tags=["entitlements"])


def _text_only(value):
    """A date is YYYY-MM-DD text, as the schema says; pydantic would also take a timestamp."""
    if not isinstance(value, str | datetime.date):
        raise ValueError("must be a date as YYYY-MM-DD")
    return value


IsoDate = Annotated[datetime.date, BeforeValidator(_text_only)]


class BadBody(Schema):
    detail: str = Field(examples=["Cannot parse request body"])


class Period(Schema):
    first: IsoDate
    last: IsoDate


class ResultLine(Schema):
    key: str
    label: str
    value: str | int | None = Field(
        description="Money and other decimals as exact strings, dates as YYYY-MM-DD; null where "
        "the offer does not state the value (see not_stated)"
    )
    unit: str
    clause: str | None = Field(description="The offer section that states it, CODE:CLAUSE")
    quote: str = Field(description="The offer's own words")
    not_stated: str


class ResultNote(Schema):
    text: str
    clause: str | None
    quote: str


class EntitlementResult(Schema):
    calculator: str
    title: str
    rules_from: datetime.date | None = Field(description="The dated version of the rules used")
    lines: list[ResultLine]
    notes: list[ResultNote]


class QuestionInfo(Schema):
    name: str
    kind: str
    label: str
    hint: str
    required: bool
    choices: list[str]


class CalculatorInfo(Schema):
    name: str
    title: str
    clause: str
    summary: str
    url: str
    questions: list[QuestionInfo]


@router.get(
    "",
    response=list[CalculatorInfo],
    summary="List the entitlement calculators",
    operation_id="list_entitlements",
)
def calculators(request):
    return [
        {
            "name": found.name,
            "title": found.title,
            "clause": f"hmpps-offer:{found.section}",
            "summary": found.summary,
            "url": f"/api/entitlements/{found.name}",
            "questions": [
                {
                    "name": question.name,
                    "kind": question.kind,
                    "label": question.label,
                    "hint": question.hint,
                    "required": question.required and question.default is None,
                    "choices": question.choice_values,
                }
                for question in found.questions()
            ],
        }
        for found in CALCULATORS.values()
    ]


def _field_type(question: Question):
    limits = {"ge": 0, "lt": int(LARGEST)}
    if question.kind == DATE:
        return IsoDate, {}  # EARLIEST to LATEST: checked by the calculators' parser
    if question.kind == DECIMAL:
        return Decimal, limits
    if question.kind == WHOLE:
        return StrictInt, limits
    if question.kind == CHOICE:
        return Literal[tuple(question.choice_values)], {}
    if question.kind == DECIMALS:
        return list[Decimal], {}
    if question.kind == DATE_RANGES:
        return list[Period], {}
    raise ValueError(question.kind)


def _request_schema(found) -> type[Schema]:
    fields = {}
    for question in found.questions():
        kind, extra = _field_type(question)
        required = question.required and question.default is None
        description = f"{question.label} {question.hint}".strip()
        if required:
            fields[question.name] = (kind, Field(description=description, **extra))
        else:
            fields[question.name] = (kind | None, Field(None, description=description, **extra))
    model_name = "".join(part.title() for part in found.name.split("-")) + "Answers"
    return create_model(model_name, __base__=Schema, **fields)


def _operation(found):
    def operation(request, answers):
        given = answers.model_dump(exclude_none=True)
        try:
            result = calculate(found.name, given)
        except BadInput as error:
            message = {"loc": ["body", error.field], "msg": error.message, "type": "bad_input"}
            return Status(422, {"detail": [message]})
        return Status(200, result.as_dict())

    # ninja reads the body's schema from the annotation; each calculator has its own
    operation.__annotations__ = {"answers": _request_schema(found)}
    operation.__name__ = f"entitlement_{found.name.replace('-', '_')}"
    operation.__doc__ = f"{found.summary} Cites hmpps-offer:{found.section}."
    return operation


for _found in CALCULATORS.values():
    router.post(
        f"/{_found.name}",
        response={200: EntitlementResult, 400: BadBody, 422: Error},
        summary=_found.title,
        operation_id=f"entitlement_{_found.name.replace('-', '_')}",
    )(_operation(_found))
