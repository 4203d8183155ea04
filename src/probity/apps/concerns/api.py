"""The concerns part of the JSON API: a handler's open cases and one case, with the same need
to know as the pages (anyone else gets 404, never a hint), every opening audited. Read only:
reporting and handling happen on the pages, which ask for a second factor."""

from __future__ import annotations

import datetime

from ninja import Router, Schema, Status

from probity.api.schemas import NotFound, Unauthorized
from probity.apps.accounts.api_auth import TokenAuth
from probity.apps.audit.services import audit_view
from probity.apps.concerns import selectors
from probity.apps.concerns.models import Case, Treatment
from probity.apps.people.selectors import person_for_user

router = Router(tags=["concerns"])


class CaseSummary(Schema):
    id: int
    reference: str
    kind: str
    status: str
    received_on: datetime.date
    acknowledge_by: datetime.date
    feedback_by: datetime.date
    next_deadline: datetime.date | None
    overdue: bool


class Message(Schema):
    direction: str
    sent_on: datetime.date
    body: str


class CaseDetail(CaseSummary):
    treatment: str
    what: str
    triage: str
    decision: str
    messages: list[Message]


def _summary(case: Case, today: datetime.date) -> dict:
    return {
        "id": case.pk,
        "reference": case.reference,
        "kind": case.kind,
        "status": case.status,
        "received_on": case.received_on,
        "acknowledge_by": case.acknowledge_by,
        "feedback_by": case.feedback_by,
        "next_deadline": selectors.next_deadline(case),
        "overdue": selectors.deadline_state(case, today) == "overdue",
    }


@router.get(
    "/concerns/cases",
    auth=TokenAuth(),
    response={200: list[CaseSummary], 401: Unauthorized},
    summary="My open cases",
    operation_id="concerns_cases",
)
def cases(request):
    """Open cases the token's owner handles, was escalated or reviews, soonest deadline first
    (at most 500)."""
    person = person_for_user(user=request.auth)
    if person is None:
        return []
    today = datetime.date.today()
    return [_summary(c, today) for c in selectors.handler_queue(person=person)[:500]]


@router.get(
    "/concerns/cases/{case_id}",
    auth=TokenAuth(),
    response={200: CaseDetail, 401: Unauthorized, 404: NotFound},
    summary="One case",
    operation_id="concerns_case",
)
def case(request, case_id: int):
    """A case its handler, their managers or its reviewer may open; 404 for anyone else."""
    person = person_for_user(user=request.auth)
    found = Case.objects.filter(pk=case_id).first()
    if found is None or not selectors.can_open_case(found, person):
        return Status(404, {"detail": "No such case"})
    audit_view(request.auth, found, "case")
    return {
        **_summary(found, datetime.date.today()),
        "treatment": Treatment(found.treatment).value,
        "what": found.what,
        "triage": found.triage,
        "decision": found.decision,
        "messages": [
            {"direction": m.direction, "sent_on": m.sent_on, "body": m.body}
            for m in found.messages.all()
        ],
    }
