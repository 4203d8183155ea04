"""Writes: solve, repair and publish rosters, record sickness, swap shifts, and record each
person's night work (the Working Time Regulations' night worker, hazards, health assessment).

Each change: check permission → lock the row and move the state machine in a transaction →
audit_record → email after commit (registers' notify). Bad input raises BadInput naming the
field; a change the actor may not make raises PermissionDenied.

Solving runs the core's CP-SAT solver (probity.core.rostering.solver). A solve with a time
limit above PROBITY_ROSTER_INLINE_SECONDS (5 by default) is queued as a background task
(Django's tasks framework, run by `probity worker` on any machine) and the roster page shows
its progress; shorter ones finish within the request.
A swap is asked of the colleague first, who accepts or declines; only an accepted swap waits
for a manager. It is checked by the core checker on the roster as it would be, before it is
asked for and again before it is approved; a swap that would break a rule is refused, naming
the rule.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from django_tasks import task

from probity.apps.audit.services import audit_record
from probity.apps.people.models import Person
from probity.apps.registers.notifications import notify
from probity.apps.rostering import selectors
from probity.apps.rostering.models import (
    Absence,
    Assignment,
    Roster,
    RosteredTeam,
    RosterStatus,
    ShiftRequest,
    ShiftType,
    StaffDetails,
    SwapRequest,
    SwapStatus,
)
from probity.apps.rostering.problems import in_words, problem_for, roster_to_core
from probity.core.errors import BadInput
from probity.core.rostering.checker import RULES, check
from probity.core.rostering.solver import repair, solve
from probity.core.rostering.validate import validate_problem

__all__ = ["problem_for"]  # the core problem built from the database (problems.py)

logger = logging.getLogger(__name__)
DEFAULT_SECONDS = 10
MAX_SECONDS = 300


def inline_seconds() -> float:
    return float(getattr(settings, "PROBITY_ROSTER_INLINE_SECONDS", 5))


# --- solving and publishing ------------------------------------------------------------------


def roster_solve(
    *,
    team: RosteredTeam,
    start: datetime.date,
    weeks: int,
    actor: Any,
    seconds: int = DEFAULT_SECONDS,
    repairs: Roster | None = None,
    from_date: datetime.date | None = None,
) -> Roster:
    """A new version of the team's roster: solved from scratch, or (`repairs`) the published
    roster repaired from `from_date` on with as few changes as possible."""
    person = _person(actor)
    if not selectors.may_manage(person, team):
        raise PermissionDenied("Only the team's managers and planners can roster it.")
    if not 1 <= seconds <= MAX_SECONDS:
        raise BadInput("seconds", f"give the solver 1 to {MAX_SECONDS} seconds")
    if repairs is not None and (repairs.team_id, repairs.start) != (team.pk, start):
        raise BadInput("repairs", "repair a roster of the same team and weeks")
    found = problem_for(team, start, weeks)
    try:
        validate_problem(found.problem)  # bad data is refused before anything runs
    except BadInput as error:
        raise in_words(error, found) from None
    with transaction.atomic():
        RosteredTeam.objects.select_for_update().get(pk=team.pk)  # one new version at a time
        _fail_stalled(team)
        latest = Roster.objects.filter(team=team, start=start)
        version = max([r.version for r in latest] or [0]) + 1
        roster = Roster.objects.create(
            team=team,
            start=start,
            weeks=weeks,
            version=version,
            repairs=repairs,
            created_by=person,
            time_limit=seconds,
            repair_from=from_date,
        )
        audit_record(
            actor=person.user,
            action="roster.solve_started",
            obj=roster,
            details={"team": team.pk, "version": version, "repairs": repairs and repairs.pk},
        )
    if seconds <= inline_seconds():
        roster_run_solver(roster.pk)
        roster.refresh_from_db()
    else:
        transaction.on_commit(lambda: roster_solve_task.enqueue(roster.pk))
    return roster


@task()
def roster_solve_task(roster_pk: int) -> None:
    """A long solve, queued by Django's tasks framework and run by `probity worker`."""
    roster_run_solver(roster_pk)


def roster_run_solver(roster_pk: int) -> None:
    """Run the solver for a roster being worked out and store what it found."""
    roster = Roster.objects.select_related("team__establishment", "repairs").get(pk=roster_pk)
    if roster.status != RosterStatus.SOLVING:
        return
    found = problem_for(roster.team, roster.start, roster.weeks)
    try:
        if roster.repairs is not None:
            base = roster_to_core(found, roster.repairs)
            result = repair(
                found.problem,
                base,
                from_day=max(0, found.day(roster.repair_from or roster.start)),
                seconds=roster.time_limit,
            )
        else:
            result = solve(found.problem, seconds=roster.time_limit)
    except Exception as error:  # the roster says it failed; the web process carries on
        logger.exception("solving roster %s failed", roster_pk)
        _finish(roster_pk, None, found, failure=f"The solver stopped: {error}")
        return
    _finish(roster_pk, result, found)


def _finish(roster_pk, result, found, failure: str = "") -> None:
    with transaction.atomic():
        roster = Roster.objects.select_for_update().get(pk=roster_pk)
        if result is not None and result.roster is not None:
            Assignment.objects.bulk_create(
                Assignment(
                    roster=roster,
                    person=found.people[staff_id],
                    on=found.date(day),
                    shift=found.shifts[code],
                )
                for staff_id, days in result.roster.assignments.items()
                for day, code in enumerate(days)
                if code is not None
            )
            roster.solved()
        else:
            roster.fail()
        if result is not None:
            roster.solver_status = result.status
            roster.objective = result.objective
            roster.best_bound = result.best_bound
            roster.solve_seconds = result.seconds
            roster.changes = result.changes
            roster.conflicts = list(result.conflicts)
            if result.roster is None:
                failure = _no_roster(result)
        roster.failure = failure
        roster.save()
        audit_record(
            actor=None,
            action=f"roster.{'solved' if roster.status == RosterStatus.SOLVED else 'failed'}",
            obj=roster,
            details={"solver": roster.solver_status, "objective": roster.objective},
        )


def _fail_stalled(team: RosteredTeam) -> None:
    """Versions whose solver stopped without finishing (the web process restarted) fail, so
    that nobody waits for them."""
    for roster in Roster.objects.select_for_update().filter(team=team, status=RosterStatus.SOLVING):
        if selectors.roster_progress(roster)["stalled"]:
            roster.fail()
            roster.failure = "The solver stopped without finishing; it was worked out again."
            roster.save()
            audit_record(actor=None, action="roster.failed", obj=roster, details={"stalled": True})


def _no_roster(result) -> str:
    if result.status == "infeasible":
        return "No roster can meet every rule: the rules below conflict."
    return "The solver found no roster in the time allowed; give it longer."


def roster_publish(*, roster: Roster, actor: Any) -> Roster:
    """Publish a solved roster to the team (replacing any published version for the same
    weeks), once the core checker finds no rule broken on today's data."""
    person = _person(actor)
    with transaction.atomic():
        locked = Roster.objects.select_for_update().select_related("team").get(pk=roster.pk)
        if not selectors.may_manage(person, locked.team):
            raise PermissionDenied("Only the team's managers and planners can publish its roster.")
        found = problem_for(locked.team, locked.start, locked.weeks)
        verdict = check(found.problem, roster_to_core(found, locked))
        if verdict.violations:
            rules = sorted({v.rule for v in verdict.violations})
            raise BadInput(
                "roster",
                "This version breaks rules since it was worked out ("
                + "; ".join(RULES[rule] for rule in rules)
                + "): work it out again before publishing.",
            )
        _transition(locked, "publish", "published")
        replaced = []
        for other in Roster.objects.select_for_update().filter(
            team=locked.team, status=RosterStatus.PUBLISHED
        ):
            if other.start <= locked.end and other.end >= locked.start:
                other.supersede()
                _save(other, person.user)
                replaced.append(other.pk)
        locked.published_at, locked.published_by = timezone.now(), person
        _save(locked, person.user)
        audit_record(
            actor=person.user,
            action="roster.published",
            obj=locked,
            details={"version": locked.version, "replaces": replaced},
        )
        members = Person.objects.filter(team=locked.team.team, active=True)
        notify(
            template="rostering/email/published.txt",
            recipients=members,
            context={"roster": locked, "link": _site(reverse("rostering:my_shifts"))},
        )
    return locked


def sickness_record(
    *, person: Person, first_day: datetime.date, last_day: datetime.date, actor: Any
) -> Absence:
    """A manager records that someone is sick; the roster shows the gaps until repaired."""
    manager = _team_manager(actor, person, "record their sickness")
    if last_day < first_day:
        raise BadInput("last_day", "must be on or after the first day")
    with transaction.atomic():
        absence = Absence.objects.create(
            person=person,
            kind=Absence.Kind.SICK,
            first_day=first_day,
            last_day=last_day,
            recorded_by=manager,
        )
        audit_record(
            actor=manager.user,
            action="absence.recorded",
            obj=absence,
            details={"person": person.pk, "kind": "sick", "days": (last_day - first_day).days + 1},
        )
    return absence


def night_work_update(
    *,
    actor: Any,
    person: Person,
    night_worker: bool,
    hazardous_night_work: bool,
    night_assessment_offered: datetime.date | None,
    night_work_advised_against: bool,
) -> StaffDetails:
    """A team manager records someone's night work, which the next roster keeps to: a night
    worker (WTR reg. 2), hazardous night work (reg. 6(7)), when a free health assessment was
    last offered (reg. 7(1)) and medical advice against night work (reg. 7(6)). The audit
    entry names the fields changed, not their values (medical advice is health data)."""
    manager = _team_manager(actor, person, "change their night work")
    if night_assessment_offered is not None and night_assessment_offered > timezone.localdate():
        raise BadInput("night_assessment_offered", "The date offered must be today or in the past")
    wanted = {
        "night_worker": night_worker,
        "hazardous_night_work": hazardous_night_work,
        "night_assessment_offered": night_assessment_offered,
        "night_work_advised_against": night_work_advised_against,
    }
    with transaction.atomic():
        details = StaffDetails.objects.select_for_update().filter(person=person).first()
        if details is None:
            raise BadInput("person", f"{person.name} is not rostered")
        changed = sorted(name for name, value in wanted.items() if getattr(details, name) != value)
        if changed:
            for name in changed:
                setattr(details, name, wanted[name])
            _save(details, manager.user)
            audit_record(
                actor=manager.user,
                action="staff_details.night_work_changed",
                obj=details,
                details={"person": person.pk, "changed": changed},
            )
    return details


def shift_request_add(
    *, actor: Any, on: datetime.date, work: bool, shift: ShiftType | None = None
) -> ShiftRequest:
    """A member of staff asks to work (or to be off) a day or one shift that day; the next
    roster worked out meets it if it can (a soft goal, weighed against cover and fairness)."""
    person = _person(actor)
    team = selectors.team_of(person)
    if team is None or not hasattr(person, "rostering"):
        raise BadInput("person", "You are not on a rostered team")
    if on < timezone.localdate():
        raise BadInput("on", "Choose a day from today on")
    if shift is not None and shift.establishment_id != team.establishment_id:
        raise BadInput("shift", "Choose one of your establishment's shifts")
    with transaction.atomic():
        if ShiftRequest.objects.filter(person=person, on=on).exists():
            raise BadInput("on", "You have already asked about that day; withdraw that first")
        request = ShiftRequest.objects.create(person=person, on=on, shift=shift, work=work)
        audit_record(
            actor=person.user,
            action="shift_request.added",
            obj=request,
            details={"work": work, "shift": shift and shift.code},
        )
    return request


def shift_request_withdraw(*, actor: Any, request: ShiftRequest) -> None:
    person = _person(actor)
    with transaction.atomic():
        locked = ShiftRequest.objects.select_for_update().get(pk=request.pk)
        if locked.person_id != person.pk:
            raise PermissionDenied("Only the person who asked can withdraw it.")
        audit_record(actor=person.user, action="shift_request.withdrawn", obj=locked, details={})
        locked.delete()


# --- shift swaps ------------------------------------------------------------------------------


def swap_request(
    *,
    actor: Any,
    gives: datetime.date,
    colleague: Person,
    takes: datetime.date | None = None,
    reason: str = "",
) -> SwapRequest:
    """Ask a colleague to work one's shift on `gives` (and to give theirs on `takes`); it
    waits for the colleague's answer."""
    person = _person(actor)
    team = selectors.team_of(person)
    roster = team and selectors.published_roster(team, gives)
    if roster is None or selectors.shift_on(roster, person, gives) is None:
        raise BadInput("gives", "You have no published shift on that day to swap")
    if gives < timezone.localdate():
        raise BadInput("gives", "That shift has already been worked")
    if colleague.pk == person.pk or colleague.team_id != person.team_id:
        raise BadInput("colleague", "Choose a colleague from your team")
    if takes is not None and (takes < roster.start or takes > roster.end):
        raise BadInput("takes", "Choose a day on the same published roster")
    if takes is not None and selectors.shift_on(roster, colleague, takes) is None:
        raise BadInput("takes", f"{colleague.name} has no shift on that day to swap")
    if takes != gives:
        if selectors.shift_on(roster, colleague, gives) is not None:
            raise BadInput("colleague", f"{colleague.name} already works that day")
        if takes is not None and selectors.shift_on(roster, person, takes) is not None:
            raise BadInput("takes", "You already work that day")
    broken = swap_breaks(roster, person, colleague, gives, takes)
    if broken:
        raise BadInput("colleague", f"This swap would break a rule: {broken[0]['message']}")
    with transaction.atomic():
        swap = SwapRequest.objects.create(
            roster=roster,
            requester=person,
            colleague=colleague,
            gives=gives,
            takes=takes,
            reason=(reason or "").strip(),
        )
        audit_record(
            actor=person.user,
            action="swap.requested",
            obj=swap,
            details={"roster": roster.pk, "colleague": colleague.pk},
        )
        notify(
            template="rostering/email/swap_asked.txt",
            recipients=[colleague],
            context=_swap_context(swap),
        )
    return swap


def swap_accept(*, swap: SwapRequest, actor: Any) -> SwapRequest:
    """The colleague agrees to the swap; it now waits for a manager, who is told."""
    colleague = _person(actor)
    with transaction.atomic():
        locked = _lock_swap(swap)
        _check_answerer(colleague, locked)
        if locked.gives < timezone.localdate():
            raise BadInput("answer", "That shift has already been worked")
        _transition(locked, "accept", "accepted")
        locked.answered_at = timezone.now()
        _save(locked, colleague.user)
        audit_record(actor=colleague.user, action="swap.accepted", obj=locked, details={})
        notify(
            template="rostering/email/swap_accepted.txt",
            recipients=_managers(locked.roster.team),
            context=_swap_context(locked),
        )
    return locked


def swap_decline(*, swap: SwapRequest, actor: Any, reason: str = "") -> SwapRequest:
    """The colleague says no (a reason is optional); the requester is told, no manager is."""
    colleague = _person(actor)
    with transaction.atomic():
        locked = _lock_swap(swap)
        _check_answerer(colleague, locked)
        _transition(locked, "decline", "declined")
        locked.answered_at = timezone.now()
        locked.answer_reason = (reason or "").strip()
        _save(locked, colleague.user)
        audit_record(
            actor=colleague.user,
            action="swap.declined",
            obj=locked,
            details={"reason_given": bool(locked.answer_reason)},
        )
        notify(
            template="rostering/email/swap_declined.txt",
            recipients=[locked.requester],
            context=_swap_context(locked),
        )
    return locked


SWAP_RESPONSES = {"answer": ("accept", "decline"), "decision": ("approve", "refuse")}


def swap_respond(
    *, swap: SwapRequest, actor: Any, field: str, choice: str, reason: str = ""
) -> SwapRequest:
    """The colleague's `answer` (accept or decline) or a manager's `decision` (approve or
    refuse), by name, each with its own rules of who may give it and when."""
    if choice not in SWAP_RESPONSES[field]:
        raise BadInput(field, f"must be {' or '.join(SWAP_RESPONSES[field])}")
    if choice == "accept":
        return swap_accept(swap=swap, actor=actor)
    if choice == "approve":
        return swap_approve(swap=swap, actor=actor)
    say_no = swap_decline if choice == "decline" else swap_refuse
    return say_no(swap=swap, actor=actor, reason=reason)


def swap_approve(*, swap: SwapRequest, actor: Any) -> SwapRequest:
    """A manager approves: the core checker looks again at the roster as it now stands; a swap
    that would break a rule is refused with that rule, otherwise the shifts change hands."""
    manager = _person(actor)
    with transaction.atomic():
        locked = _lock_swap(swap)
        _check_decider(manager, locked)
        roster = Roster.objects.select_for_update().get(pk=locked.roster_id)
        replaced = roster.status != RosterStatus.PUBLISHED
        broken = [] if replaced else swap_breaks(
            roster, locked.requester, locked.colleague, locked.gives, locked.takes
        )  # fmt: skip
        if replaced:
            _transition(locked, "refuse", "refused")
            locked.decision_reason = "The roster was replaced since; ask again on the new one."
        elif broken:
            _transition(locked, "refuse", "refused")
            locked.broken_rules = broken
            locked.decision_reason = f"It would break a rule: {broken[0]['message']}"
        else:
            _exchange(roster, locked)
            _transition(locked, "approve", "approved")
        locked.decided_by, locked.decided_at = manager, timezone.now()
        _save(locked, manager.user)
        audit_record(
            actor=manager.user,
            action=f"swap.{locked.status}",
            obj=locked,
            details={"rules": [rule["rule"] for rule in broken]},
        )
        _notify_decision(locked)
    return locked


def swap_refuse(*, swap: SwapRequest, actor: Any, reason: str) -> SwapRequest:
    manager = _person(actor)
    reason = (reason or "").strip()
    if not reason:
        raise BadInput("reason", "Say why the swap is refused")
    with transaction.atomic():
        locked = _lock_swap(swap)
        _check_decider(manager, locked)
        _transition(locked, "refuse", "refused")
        locked.decided_by, locked.decided_at = manager, timezone.now()
        locked.decision_reason = reason
        _save(locked, manager.user)
        audit_record(actor=manager.user, action="swap.refused", obj=locked, details={})
        _notify_decision(locked)
    return locked


def swap_withdraw(*, swap: SwapRequest, actor: Any) -> SwapRequest:
    """The requester takes the swap back, while the colleague or a manager has yet to decide."""
    person = _person(actor)
    with transaction.atomic():
        locked = _lock_swap(swap)
        if locked.requester_id != person.pk:
            raise PermissionDenied("Only the person who asked can withdraw a swap.")
        _transition(locked, "withdraw", "withdrawn")
        _save(locked, person.user)
        audit_record(actor=person.user, action="swap.withdrawn", obj=locked, details={})
    return locked


def swap_breaks(roster: Roster, person, colleague, gives, takes) -> list[dict]:
    """The rules the roster would newly break after the swap (the core checker's words)."""
    found = problem_for(roster.team, roster.start, roster.weeks)
    before = roster_to_core(found, roster, without_sick=True)
    after = roster_to_core(found, roster, without_sick=True)
    rows, given = after.assignments, found.day(gives)
    mine, theirs = rows[str(person.pk)], rows[str(colleague.pk)]
    if takes is not None and found.day(takes) == given:  # the same day: trade shifts
        mine[given], theirs[given] = theirs[given], mine[given]
    else:
        theirs[given], mine[given] = mine[given], None
        if takes is not None:
            taken = found.day(takes)
            mine[taken], theirs[taken] = theirs[taken], None

    def key(violation):
        return (violation.rule, violation.staff, violation.day)

    known = {key(v) for v in check(found.problem, before).violations}
    return [
        {"rule": v.rule, "message": f"{RULES[v.rule]} — {v.message}"}
        for v in check(found.problem, after).violations
        if key(v) not in known
    ]


def _check_answerer(person: Person, swap: SwapRequest) -> None:
    if not selectors.may_answer_swap(person, swap):
        raise PermissionDenied("Only the colleague asked can accept or decline a swap.")


def _check_decider(manager: Person, swap: SwapRequest) -> None:
    if not selectors.may_decide_swap(manager, swap):
        raise PermissionDenied("Only the team's managers can decide a swap, never its parties.")
    if swap.status == SwapStatus.ASKED:
        raise BadInput(
            "status",
            f"{swap.colleague.name} has not accepted this swap yet: a manager decides it once "
            "they do.",
        )


def _exchange(roster: Roster, swap: SwapRequest) -> None:
    given = Assignment.objects.select_for_update().get(
        roster=roster, person=swap.requester, on=swap.gives
    )
    taken = None
    if swap.takes is not None:
        taken = Assignment.objects.select_for_update().get(
            roster=roster, person=swap.colleague, on=swap.takes
        )
        taken.delete()
    given.delete()
    Assignment.objects.create(
        roster=roster, person=swap.colleague, on=swap.gives, shift=given.shift
    )
    if taken is not None:
        Assignment.objects.create(
            roster=roster, person=swap.requester, on=swap.takes, shift=taken.shift
        )


# --- helpers ------------------------------------------------------------------------------------


def _managers(team: RosteredTeam) -> list[Person]:
    return list(Person.objects.filter(pk__in=selectors.team_manager_ids(team)))


def _team_manager(actor: Any, person: Person, doing: str) -> Person:
    """The actor, who must manage (or plan) the person's rostered team."""
    manager = _person(actor)
    team = selectors.team_of(person)
    if team is None or not selectors.may_manage(manager, team):
        raise PermissionDenied(f"Only the person's team managers can {doing}.")
    return manager


def _person(actor: Any) -> Person:
    if isinstance(actor, Person):
        return actor
    person = getattr(actor, "person", None) if getattr(actor, "is_authenticated", False) else None
    if person is None or not person.active:
        raise PermissionDenied("Your account is not linked to a person in any organisation.")
    return person


def _lock_swap(swap: SwapRequest) -> SwapRequest:
    return (
        SwapRequest.objects.select_for_update()
        .select_related("requester", "colleague", "roster__team")
        .get(pk=swap.pk)
    )


def _transition(obj, method: str, verb: str) -> None:
    try:
        getattr(obj, method)()
    except TransitionNotAllowed:
        raise BadInput(
            "status", f"This is {obj.get_status_display().lower()}: it cannot be {verb} now."
        ) from None


def _save(obj, user) -> None:
    obj._history_user = user
    try:
        obj.save()
    except ConcurrentTransition:
        raise BadInput(
            "status", "Someone else changed this at the same time; look again."
        ) from None


def _site(path: str) -> str:
    return getattr(settings, "PROBITY_SITE_URL", "").rstrip("/") + path


def _swap_context(swap: SwapRequest) -> dict:
    return {"swap": swap, "link": _site(reverse("rostering:swap", args=[swap.pk]))}


def _notify_decision(swap: SwapRequest) -> None:
    notify(
        template="rostering/email/swap_decided.txt",
        recipients=[swap.requester, swap.colleague],
        context=_swap_context(swap),
    )
