"""/api/flexible-working: flexible-working requests (hmpps-offer:flexible-working) for a
personal API token's owner, with the same services and permissions as the pages.

The applicant lists, applies and withdraws; their line manager (or anyone above them) lists
what waits for a decision and decides. A request its reader may not see is 404, as on the
pages; one they may see but not change is 403; a request already decided or withdrawn is 409;
bad input is 422 with `loc` naming the field.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict, Field

from probity.api.entitlements import IsoDate
from probity.api.schemas import Error, NotFound, Unauthorized
from probity.apps.accounts.api_auth import TokenAuth
from probity.apps.offer import selectors, services
from probity.apps.offer.forms import REASON_LENGTH
from probity.apps.offer.models import FlexibleWorkingRequest
from probity.apps.offer.models import Status as RequestStatus
from probity.apps.people.models import Person
from probity.apps.people.selectors import person_for_user
from probity.core.errors import BadInput
from probity.core.flexible import WEEKDAYS, patterns

router = Router(auth=TokenAuth(), tags=["flexible working"])
LIST_LIMIT = 500
LISTED = ("person", "decider", "decided_by", "arrangement")  # what _out reads, one query a list

PatternId = Literal[tuple(patterns())]
Weekday = Literal[tuple(name for name, _label in WEEKDAYS)]
HOURS = {"gt": 0, "le": services.MAX_HOURS, "description": "Hours a week"}


class Refused(Schema):
    detail: str


class Arrangement(Schema):
    pattern: str
    hours_per_week: Decimal | None
    fixed_rest_days: list[str] = Field(description="Weekday names, Monday first")
    term_time: bool
    start_date: datetime.date
    end_date: datetime.date | None


class RequestOut(Arrangement):
    id: int
    pattern_title: str
    status: str = Field(
        description="submitted, approved, approved-with-changes, refused, withdrawn"
    )
    status_label: str
    applicant: str
    decider: str = Field(description="The line manager when the request was made")
    reason: str
    submitted_at: datetime.datetime
    decide_by: datetime.date = Field(description="The statutory time limit for the decision")
    decided_at: datetime.datetime | None
    decided_by: str | None
    decision_reason: str
    arrangement: Arrangement | None = Field(description="What an approval agreed")
    url: str = Field(description="The request's page on this site")


class _Strict(Schema):
    """A misspelt field is an error naming it, never silently dropped."""

    model_config = ConfigDict(extra="forbid")


class Application(_Strict):
    pattern: PatternId = Field(description="A pattern the offer lists")
    start_date: IsoDate
    end_date: IsoDate | None = Field(None, description="Leave out: no end date")
    hours_per_week: Decimal | None = Field(None, **HOURS)
    fixed_rest_days: list[Weekday] = Field(default_factory=list)
    term_time: bool = False
    reason: str = Field(
        description="How the pattern would work for you and your team",
        max_length=REASON_LENGTH,
    )


class Changes(_Strict):
    """The agreed pattern where it differs from the request: a field left out stays as asked;
    null clears the end date or the hours, and [] the fixed rest days."""

    # the default is never used (only the fields sent are read): it only makes each optional
    pattern: PatternId = None
    start_date: IsoDate = None
    end_date: IsoDate | None = None
    hours_per_week: Decimal | None = Field(None, **HOURS)
    fixed_rest_days: list[Weekday] = None
    term_time: bool = None


class Decision(_Strict):
    decision: Literal[tuple(services.DECISIONS)]
    reason: str = Field(
        "", description="Needed to refuse or to approve with changes", max_length=REASON_LENGTH
    )
    changes: Changes | None = Field(None, description="Only with approve-with-changes")


def _out(found: FlexibleWorkingRequest) -> dict:
    agreed = getattr(found, "arrangement", None)  # none while nothing is agreed
    return {
        **_pattern(found),
        "id": found.pk,
        "pattern_title": patterns()[found.pattern].title,
        "status": found.status,
        "status_label": found.get_status_display(),
        "applicant": found.person.name,
        "decider": found.decider.name,
        "reason": found.reason,
        "submitted_at": found.submitted_at,
        "decide_by": found.decide_by,
        "decided_at": found.decided_at,
        "decided_by": found.decided_by.name if found.decided_by else None,
        "decision_reason": found.decision_reason,
        "arrangement": _pattern(agreed) if agreed else None,
        "url": reverse("offer:flexible_request", args=[found.pk]),
    }


def _pattern(row) -> dict:
    return {name: getattr(row, name) for name in Arrangement.model_fields}


def _person(request) -> Person:
    """The token owner's active staff record, as the pages require (signed_in)."""
    person = person_for_user(user=request.auth)
    if person is None or not person.active:
        raise HttpError(403, "Your account is not linked to a person in any organisation.")
    return person


def _visible(person: Person, pk: int) -> FlexibleWorkingRequest:
    """A request the person may see, else 404 as on the pages: it tells nothing."""
    try:
        return selectors.request_for(person, pk)
    except (BadInput, PermissionDenied):
        raise HttpError(404, "No such request") from None


def _waiting(person: Person, pk: int) -> FlexibleWorkingRequest:
    found = _visible(person, pk)
    if found.status != RequestStatus.SUBMITTED:
        raise HttpError(409, f"This request is {found.get_status_display().lower()}.")
    return found


def _bad(error: BadInput, *bodies: tuple[list[str], type[Schema]]) -> Status:
    """422 with `loc` as django-ninja gives it for the body's own fields, e.g. ["body",
    "application", "end_date"], and ["body", "person"] for what is not a field."""
    path = next(
        ([*where, error.field] for where, schema in bodies if error.field in schema.model_fields),
        [error.field],
    )
    problem = {"loc": ["body", *path], "msg": error.message, "type": "bad_input"}
    return Status(422, {"detail": [problem]})


RESPONSES = {401: Unauthorized, 403: Refused, 404: NotFound}


@router.get(
    "/flexible-working/requests",
    response={200: list[RequestOut], **RESPONSES},
    summary="My flexible working requests",
    operation_id="flexible_working_mine",
)
def mine(request):
    """The token owner's requests, newest first (at most 500)."""
    found = selectors.requests_of(_person(request)).select_related(*LISTED)
    return [_out(item) for item in found[:LIST_LIMIT]]


@router.post(
    "/flexible-working/requests",
    response={201: RequestOut, 422: Error, **RESPONSES},
    summary="Ask for flexible working",
    operation_id="flexible_working_apply",
)
def apply(request, application: Application):
    """Ask the line manager for one of the patterns the offer lists; they decide by
    `decide_by`, the statutory time limit."""
    person = _person(request)
    try:
        created = services.flexible_working_apply(person=person, **application.model_dump())
    except BadInput as error:
        return _bad(error, (["application"], Application))
    return Status(201, _out(created))


@router.get(
    "/flexible-working/to-decide",
    response={200: list[RequestOut], **RESPONSES},
    summary="Requests waiting for my decision",
    operation_id="flexible_working_to_decide",
)
def to_decide(request):
    """Requests the token owner is the decider of and that wait for a decision, soonest time
    limit first (at most 500)."""
    found = selectors.requests_to_decide(_person(request)).select_related(*LISTED)
    return [_out(item) for item in found[:LIST_LIMIT]]


@router.get(
    "/flexible-working/requests/{request_id}",
    response={200: RequestOut, **RESPONSES},
    summary="One flexible working request",
    operation_id="flexible_working_request",
)
def one(request, request_id: int):
    """A request its applicant or a manager who may decide it can see; 404 for anyone else."""
    return _out(_visible(_person(request), request_id))


@router.post(
    "/flexible-working/requests/{request_id}/decision",
    response={200: RequestOut, 409: Refused, 422: Error, **RESPONSES},
    summary="Decide a flexible working request",
    operation_id="flexible_working_decide",
)
def decide(request, request_id: int, decision: Decision):
    """Approve, approve with changes (`changes`: what differs from the request) or refuse
    with a reason. Only the applicant's line manager, or someone above them, decides."""
    person = _person(request)
    found = _waiting(person, request_id)
    try:
        if decision.changes is not None and decision.decision != "approve-with-changes":
            raise BadInput("changes", "only go with the decision approve-with-changes")
        decided = services.flexible_working_decide(
            request=found,
            actor=person,
            decision=decision.decision,
            reason=decision.reason,
            changes=decision.changes.model_dump(exclude_unset=True) if decision.changes else {},
        )
    except PermissionDenied as error:
        raise HttpError(403, str(error)) from None
    except BadInput as error:
        return _bad(error, (["decision"], Decision), (["decision", "changes"], Changes))
    return _out(decided)


@router.post(
    "/flexible-working/requests/{request_id}/withdraw",
    response={200: RequestOut, 409: Refused, **RESPONSES},
    summary="Withdraw my flexible working request",
    operation_id="flexible_working_withdraw",
)
def withdraw(request, request_id: int):
    """The applicant withdraws a request that waits for a decision."""
    person = _person(request)
    found = _waiting(person, request_id)
    try:
        withdrawn = services.flexible_working_withdraw(request=found, actor=person)
    except PermissionDenied as error:
        raise HttpError(403, str(error)) from None
    except BadInput as error:  # someone changed it at the same moment
        raise HttpError(409, error.message) from None
    return _out(withdrawn)
