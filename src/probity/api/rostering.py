"""The rostering part of the JSON API, with the pages' permissions (rostering.selectors): my
shifts, a team's roster for a week (members see the published one, managers any version), and
shift swaps (mine, those asked of me and those to decide; ask for one; accept or decline one
asked of me; decide one my colleague accepted). Personal tokens only
(TokenAuth): no cookie is read, so no CSRF applies. Anyone without the right gets 404."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from ninja import Router, Schema, Status

from probity.api.schemas import NotFound, Unauthorized
from probity.apps.accounts.api_auth import TokenAuth
from probity.apps.people.models import Person
from probity.apps.people.selectors import person_for_user
from probity.apps.rostering import selectors, services
from probity.apps.rostering.models import RosteredTeam, RosterStatus, SwapRequest
from probity.core.errors import BadInput

router = Router(tags=["rostering"], auth=TokenAuth())


class ShiftOut(Schema):
    date: datetime.date
    shift: str
    name: str
    starts: datetime.datetime
    ends: datetime.datetime
    team: str


class RosterRow(Schema):
    person: str
    staff_number: str
    grade: str
    shifts: list[str | None]


class CoverOut(Schema):
    date: datetime.date
    shift: str
    skill: str
    staff: int
    minimum: int
    preferred: int


class RosterOut(Schema):
    id: int
    team: str
    version: int
    status: str
    week: datetime.date
    days: list[datetime.date]
    rows: list[RosterRow]
    cover: list[CoverOut]
    violations: list[str]


class SwapOut(Schema):
    id: int
    status: str
    requester: str
    colleague: str
    gives: datetime.date
    takes: datetime.date | None
    answer_reason: str
    decision_reason: str
    broken_rules: list[str]


class SwapsOut(Schema):
    mine: list[SwapOut]
    to_answer: list[SwapOut]
    to_decide: list[SwapOut]


class SwapIn(Schema):
    gives: datetime.date
    colleague_staff_number: str
    takes: datetime.date | None = None
    reason: str = ""


class AnswerIn(Schema):
    answer: str
    reason: str = ""


class DecisionIn(Schema):
    decision: str
    reason: str = ""


class Problem(Schema):
    field: str
    message: str


def _me(request) -> Person | None:
    person = person_for_user(user=request.auth)
    return person if person is not None and person.active else None


def _shift(shift: selectors.Shift) -> dict:
    return {
        "date": shift.on,
        "shift": shift.code,
        "name": shift.name,
        "starts": shift.starts,
        "ends": shift.ends,
        "team": shift.team,
    }


def _swap(swap: SwapRequest) -> dict:
    return {
        "id": swap.pk,
        "status": swap.status,
        "requester": swap.requester.name,
        "colleague": swap.colleague.name,
        "gives": swap.gives,
        "takes": swap.takes,
        "answer_reason": swap.answer_reason,
        "decision_reason": swap.decision_reason,
        "broken_rules": [rule["rule"] for rule in swap.broken_rules],
    }


@router.get(
    "/rostering/my-shifts",
    response={200: list[ShiftOut], 401: Unauthorized},
    summary="My shifts",
    operation_id="rostering_my_shifts",
)
def my_shifts(request):
    """The token owner's shifts on published rosters for the next 8 weeks, soonest first."""
    person = _me(request)
    return [] if person is None else [_shift(s) for s in selectors.my_shifts(person)]


@router.get(
    "/rostering/teams/{team_id}/weeks/{week}",
    response={200: RosterOut, 401: Unauthorized, 404: NotFound},
    summary="A team's roster for a week",
    operation_id="rostering_team_week",
)
def team_week(request, team_id: int, week: datetime.date, version: int | None = None):
    """The published roster (managers: any version, by id in `version`) for the week that
    contains `week`, with the cover against demand and the rules the checker finds broken."""
    person = _me(request)
    team = RosteredTeam.objects.filter(pk=team_id).select_related("team").first()
    if team is None or not selectors.may_see_published(person, team):
        return Status(404, {"detail": "No such team"})
    monday = selectors.week_start(week)
    manager = selectors.may_manage(person, team)
    versions = selectors.rosters_covering(team, monday, published_only=not manager)
    chosen = next((r for r in versions if r.pk == version), None) if version else None
    if chosen is None:
        published = [r for r in versions if r.status == RosterStatus.PUBLISHED]
        chosen = (published or versions or [None])[0]
    if chosen is None:
        return Status(404, {"detail": "No roster for that week"})
    grid = selectors.roster_grid(chosen, monday)
    return {
        "id": chosen.pk,
        "team": str(team),
        "version": chosen.version,
        "status": chosen.status,
        "week": monday,
        "days": grid.days,
        "rows": [
            {
                "person": row.person.name,
                "staff_number": row.person.staff_number,
                "grade": row.person.rostering.grade,
                "shifts": [cell.code or None for cell in row.cells],
            }
            for row in grid.rows
        ],
        "cover": [
            {
                "date": grid.days[index],
                "shift": line.shift,
                "skill": line.skill,
                "staff": cell["count"],
                "minimum": cell["minimum"],
                "preferred": cell["preferred"],
            }
            for line in grid.cover
            for index, cell in enumerate(line.cells)
            if cell
        ],
        "violations": [v.message for v in grid.violations],
    }


@router.get(
    "/rostering/swaps",
    response={200: SwapsOut, 401: Unauthorized},
    summary="My shift swaps and those waiting for my answer or decision",
    operation_id="rostering_swaps",
)
def swaps(request):
    person = _me(request)
    if person is None:
        return {"mine": [], "to_answer": [], "to_decide": []}
    return {
        "mine": [_swap(s) for s in selectors.swaps_of(person)[:200]],
        "to_answer": [_swap(s) for s in selectors.swaps_to_answer(person)],
        "to_decide": [_swap(s) for s in selectors.swaps_to_decide(person)],
    }


@router.post(
    "/rostering/swaps",
    response={201: SwapOut, 401: Unauthorized, 422: Problem},
    summary="Ask to swap a shift",
    operation_id="rostering_swap_request",
)
def swap_request(request, body: SwapIn):
    """Ask a colleague of my team to work my shift on `gives` (and give me theirs on `takes`);
    it waits for their answer. A swap that would break a rule is refused with 422 naming it."""
    person = _me(request)
    if person is None:
        return Status(422, {"field": "person", "message": "Your account has no staff record"})
    colleague = Person.objects.filter(
        organisation=person.organisation, staff_number=body.colleague_staff_number
    ).first()
    if colleague is None:
        return Status(422, {"field": "colleague_staff_number", "message": "No such colleague"})
    try:
        swap = services.swap_request(
            actor=person, gives=body.gives, colleague=colleague, takes=body.takes,
            reason=body.reason,
        )  # fmt: skip
    except BadInput as problem:
        return Status(422, {"field": problem.field, "message": problem.message})
    return Status(201, _swap(swap))


@router.post(
    "/rostering/swaps/{swap_id}/answer",
    response={200: SwapOut, 401: Unauthorized, 404: NotFound, 422: Problem},
    summary="Accept or decline a shift swap asked of me",
    operation_id="rostering_swap_answer",
)
def swap_answer(request, swap_id: int, body: AnswerIn):
    """`accept` (it then waits for a manager) or `decline`, with an optional reason. The
    colleague asked only."""
    return _swap_response(request, swap_id, selectors.may_answer_swap, "answer", body)


@router.post(
    "/rostering/swaps/{swap_id}/decision",
    response={200: SwapOut, 401: Unauthorized, 404: NotFound, 422: Problem},
    summary="Approve or refuse a shift swap",
    operation_id="rostering_swap_decide",
)
def swap_decide(request, swap_id: int, body: DecisionIn):
    """`approve` (the checker looks again: a swap that would break a rule comes back refused,
    naming it in `broken_rules`) or `refuse` with a reason, once the colleague accepted.
    Managers of the team only."""
    return _swap_response(request, swap_id, selectors.may_decide_swap, "decision", body)


def _swap_response(request, swap_id: int, may, field: str, body) -> Status:
    person = _me(request)
    swap = SwapRequest.objects.filter(pk=swap_id).select_related("colleague", "roster__team")
    swap = swap.first()
    if swap is None or not may(person, swap):
        return Status(404, {"detail": "No such swap"})
    try:
        swap = services.swap_respond(
            swap=swap, actor=person, field=field, choice=getattr(body, field), reason=body.reason
        )
    except PermissionDenied:
        return Status(404, {"detail": "No such swap"})
    except BadInput as problem:
        return Status(422, {"field": problem.field, "message": problem.message})
    return Status(200, _swap(swap))
