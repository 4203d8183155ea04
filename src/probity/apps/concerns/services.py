"""Writes: reporting a concern and handling the case it becomes.

Every state change is one function: check permission → lock the case (`select_for_update`)
in a transaction → move the state machine and record a CaseEvent → audit_record → notify
(email, after commit, to named people only: an anonymous reporter has no address, and no
email carries what was reported or who reported it).

`actor` is a signed-in user or their Person; None only for the system (scheduled jobs) and
for an anonymous reporter, who is never linked to an account.

Errors: CaseStateError (not possible from where the case stands), CasePermissionError (a
PermissionDenied), ValidationError by field for bad input.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from functools import cache as cache_function
from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_fsm import ConcurrentTransition, can_proceed

from probity.apps.audit.services import audit_record
from probity.apps.concerns import attachments as files
from probity.apps.concerns.models import (
    OPEN_STATUSES,
    AnonymousAccess,
    Case,
    CaseAttachment,
    CaseDeadlines,
    CaseEvent,
    CaseMember,
    CaseMessage,
    CaseNote,
    CaseRetention,
    ReceivedVia,
    ReviewOutcome,
    SiteAccessWithdrawal,
    Status,
    Treatment,
)
from probity.apps.concerns.notifications import notify
from probity.apps.concerns.selectors import (
    ESCALATION,
    HANDLERS,
    HANDLING,
    NAMED_REVIEWER,
    REVIEWER,
    SUBJECT,
    case_roles,
)
from probity.apps.people.models import Organisation, Person
from probity.apps.people.selectors import (
    authority_resolve,
    office_holders,
    person_managers,
    user_of,
)
from probity.core.concerns import (
    Deadlines,
    concern_kind,
    decisions,
    default_deadlines,
    due_dates,
    passphrase_problem,
    receipt_code_new,
    receipt_code_normalise,
    route_candidates,
    triage_outcomes,
    unrouted_assigners,
)
from probity.core.errors import BadInput

MAX_TEXT = 20_000
LOCK_AFTER_FAILURES = 5
LOCK_MINUTES = 15
FAILURES_PER_MINUTE = 60


class CaseError(Exception):
    """Something about a case that cannot be done."""


class CaseStateError(CaseError):
    """The case is not in a state that allows this."""


class CasePermissionError(CaseError, PermissionDenied):
    """The actor may not do this to this case."""


@dataclass(frozen=True)
class Evidence:
    """An uploaded file: the name the sender gave and its bytes."""

    name: str
    content: bytes


@dataclass(frozen=True)
class Route:
    handler: Person | None
    note: str


# --- reporting --------------------------------------------------------------------------------


def case_report(
    *,
    organisation: Organisation,
    kind: str,
    what: str,
    treatment: str,
    actor: Any | None,
    happened: str = "",
    subject_description: str = "",
    subject: Person | None = None,
    passphrase: str = "",
    passphrase_hash: str = "",
    evidence: list[Evidence] = (),
    received_via: str = ReceivedVia.ONLINE,
    reporter: Person | None = None,
    reporter_contact: str = "",
    today: datetime.date | None = None,
) -> tuple[Case, str]:
    """A concern reported online by `actor` (their own, named or confidential), anonymously
    (actor None: nothing links it to anyone), or logged by a handler (`actor`) for someone
    who phoned, wrote or came in (`reporter` or `reporter_contact`; `received_via`).
    Returns the case and, for an anonymous report, the receipt code (shown once, never
    stored). The pages pass the passphrase already hashed (`passphrase_hash`), so that the
    plain passphrase never waits in a session."""
    today = today or timezone.localdate()
    actor_person = _person_of(actor)
    errors = {}
    try:
        kind_obj = concern_kind(kind)
    except BadInput as error:
        errors["kind"] = error.message
    what = _text(what, "what", errors, required="Tell us what happened")
    happened = _text(happened, "happened", errors)
    subject_description = _text(subject_description, "who", errors)
    reporter_contact = _text(reporter_contact, "reporter_contact", errors)
    if treatment not in Treatment.values:
        errors["treatment"] = "Select how you want us to treat your identity"
    if received_via not in ReceivedVia.values:
        errors["received_via"] = "Select how the concern was received"
    logged = received_via != ReceivedVia.ONLINE
    if treatment == Treatment.ANONYMOUS:
        reporter, reporter_contact = None, ""
        if not passphrase_hash and (problem := passphrase_problem(passphrase)):
            errors["passphrase"] = problem
    elif not logged:
        reporter = actor_person
        if reporter is None:
            errors["treatment"] = "Sign in to report in your name, or report anonymously"
    elif reporter is None and not reporter_contact:
        errors["reporter_contact"] = "Enter the reporter's name and how to reach them"
    if logged and actor_person is None:
        raise CasePermissionError("Only a member of staff may log a concern for someone.")
    if subject is not None and subject.organisation_id != organisation.pk:
        errors["who"] = "That person does not work for this organisation"
    kinds_of_evidence = []
    for item in evidence:
        try:
            kinds_of_evidence.append(files.check_upload(item.name, item.content))
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError({k: v if isinstance(v, list) else [v] for k, v in errors.items()})
    if subject is None and subject_description:
        subject = subject_match(organisation, subject_description)

    route = route_concern(organisation=organisation, kind=kind, reporter=reporter, subject=subject)
    acknowledge_by, feedback_by = due_dates(today, organisation_deadlines(organisation))
    stored = []
    with transaction.atomic():
        case = Case(
            organisation=organisation,
            kind=kind,
            clauses=list(kind_obj.clauses),
            treatment=treatment,
            received_via=received_via,
            reporter=reporter,
            reporter_contact=reporter_contact,
            subject=subject,
            subject_description=subject_description,
            what=what,
            happened=happened,
            handler=route.handler,
            routing_note=route.note,
            logged_by=actor_person if logged else None,
            received_on=today,
            acknowledge_by=acknowledge_by,
            feedback_by=feedback_by,
        )
        case.save()
        code = ""
        if treatment == Treatment.ANONYMOUS:
            code = receipt_code_new()
            AnonymousAccess.objects.create(
                case=case,
                code_digest=_digest(code),
                passphrase_hash=passphrase_hash or make_password(passphrase),
            )
        for item, content_type in zip(evidence, kinds_of_evidence, strict=True):
            stored.append(_attach(case, None, item, content_type, today))
        _event(case, actor_person if logged else None, "received", "", Status.RECEIVED, today)
        details = {
            "kind": kind,
            "treatment": treatment,
            "received_via": received_via,
            "handler": route.handler.pk if route.handler else None,
            "attachments": len(stored),
        }
        if logged:  # the member of staff who logged it acts, not the reporter
            audit_record(actor=user_of(actor), action="case.received", obj=case, details=details)
        else:
            audit_reporter(case, actor, "case.received", details)
        notify(template="new_case", recipients=[route.handler], case=case)
    return case, code


def audit_reporter(case: Case, actor: Any | None, action: str, details: dict | None = None):
    """Audit what the reporter did on their own report. Only a named reporter is recorded by
    account: a confidential reporter is known only to the case handler, so anyone reading
    the trail sees "the reporter of case C000123" (no account, no name), as for an anonymous
    one. The hash chain is the same; the handler's own actions are recorded by account."""
    details = dict(details or {})
    if case.treatment == Treatment.NAMED and actor is not None:
        return audit_record(actor=user_of(actor), action=action, obj=case, details=details)
    details["by"] = reporter_pseudonym(case)
    return audit_record(actor=None, action=action, obj=case, details=details)


def reporter_pseudonym(case: Case) -> str:
    return f"the reporter of case {case.reference}"


def subject_match(organisation: Organisation, description: str) -> Person | None:
    """The one person of the organisation whose name the reporter gave, if exactly one."""
    name = description.strip().splitlines()[0].strip() if description.strip() else ""
    if not name:
        return None
    matches = list(Person.objects.filter(organisation=organisation, name__iexact=name)[:2])
    return matches[0] if len(matches) == 1 else None


def route_concern(
    *, organisation: Organisation, kind: str, reporter: Person | None, subject: Person | None
) -> Route:
    """Who handles a concern: the first authority of the kind's route (data/concerns.yaml)
    that resolves to someone other than the subject and the reporter, and, for a manager
    found through the line (a line or responsible manager), not someone the subject manages."""
    passed = []
    for step in route_candidates(
        kind, reporter_known=reporter is not None, subject_known=subject is not None
    ):
        for candidate in _candidates(organisation, step, reporter, subject):
            if candidate is None or not candidate.active:
                continue
            if subject is not None and candidate.pk == subject.pk:
                passed.append(f"not {step.authority}: they are the person it is about")
                continue
            if reporter is not None and candidate.pk == reporter.pk:
                continue
            if step.of and subject is not None and subject in person_managers(candidate):
                # a manager never investigates someone above them in their own line; the
                # offices (monitoring officer, board secretary) are independent by design
                passed.append(f"not {step.authority}: they report to the person it is about")
                continue
            note = f"Routed to the {step.authority.replace('-', ' ')}"
            if passed:
                note += " (" + "; ".join(passed) + ")"
            return Route(candidate, note + ".")
        passed.append(f"no {step.authority}")
    return Route(
        None,
        "Nobody could be found to handle this concern: "
        + "; ".join(passed)
        + ". It waits for the "
        + " or the ".join(office.replace("-", " ") for office in unrouted_assigners())
        + " to assign a handler.",
    )


def _candidates(organisation, step, reporter, subject):
    if step.of == "reporter":
        return [authority_resolve(person=reporter, authority=step.authority).person]
    if step.of == "subject":
        return [authority_resolve(person=subject, authority=step.authority).person]
    return office_holders(organisation=organisation, office=step.authority)


# Before anything is put to the subject: after that, changing who it is about would undo
# their right of reply (MoJ problem.3).
SUBJECT_CHANGEABLE = (Status.RECEIVED, Status.ACKNOWLEDGED, Status.ASSESSED)


def case_link_subject(
    *, case: Case, actor: Any, subject: Person | None, today: datetime.date | None = None
) -> Case:
    """The handler links the person the concern is about, chosen from the organisation's
    people (the reporter's words rarely match a name exactly), or unlinks a wrong match
    (`subject` None). If the handler is then in a relation the routing forbids (the subject
    themselves, or below the subject in their line), the case is routed again by the same
    rules and leaves them."""
    today = today or timezone.localdate()
    actor_person = _person_of(actor)
    with transaction.atomic():
        locked = _lock(case)
        _require(locked, actor_person, {HANDLING}, "change who the concern is about")
        if locked.status not in SUBJECT_CHANGEABLE:
            raise CaseStateError(
                "Once the investigation has started, who the concern is about cannot change: "
                "close this case and open a new one."
            )
        if subject is not None and (
            subject.organisation_id != locked.organisation_id or not subject.active
        ):
            raise ValidationError({"subject": ["Choose someone who works for the organisation"]})
        if subject is not None and subject.pk == locked.reporter_id:
            raise ValidationError(
                {
                    "subject": [
                        "The person who reported the concern cannot be the person it is about"
                    ]
                }
            )
        was = locked.subject_id
        if was == (subject.pk if subject else None):
            return locked
        locked.subject = subject
        conflict = handler_conflict(locked)
        if conflict:
            route = route_concern(
                organisation=locked.organisation,
                kind=locked.kind,
                reporter=locked.reporter,
                subject=subject,
            )
            locked.handler = route.handler
            locked.routing_note = f"Routed again: the handler {conflict}. {route.note}"
        _save(locked)
        # nobody stays on a case about themselves or someone above them; nor is the handler
        # also a member
        taken_off = [
            member.person_id
            for member in locked.members.select_related("person")
            if handler_conflict(locked, member.person) or member.person_id == locked.handler_id
        ]
        CaseMember.objects.filter(case=locked, person_id__in=taken_off).delete()
        _event(
            locked, actor_person, "subject-linked" if subject else "subject-unlinked", "", "", today
        )
        if conflict:
            _event(locked, None, "rerouted", "", "", today)
        audit_record(
            actor=user_of(actor),
            action="case.subject_linked" if subject else "case.subject_unlinked",
            obj=locked,
            details={
                "from": was,
                "to": subject.pk if subject else None,
                **({"rerouted_to": locked.handler_id} if conflict else {}),
                **({"taken_off": taken_off} if taken_off else {}),
            },
        )
        if conflict:
            notify(template="new_case", recipients=[locked.handler], case=locked)
    return locked


def case_add_member(
    *, case: Case, actor: Any, person: Person, role: str, today: datetime.date | None = None
) -> CaseMember:
    """The handler adds a second handler or a named reviewer from the organisation, who then
    needs to know and may open the case: never the person it is about, never its reporter
    (of a named or confidential report), never the handler themselves."""
    today = today or timezone.localdate()
    actor_person = _person_of(actor)
    if role not in CaseMember.Role.values:
        raise ValidationError({"role": ["Select whether they handle or review the case"]})
    with transaction.atomic():
        locked = _lock(case)
        _require(locked, actor_person, {HANDLING}, "add people to the case")
        if locked.content_deleted_on:
            raise CaseStateError("This case's content has been deleted: there is nothing to read.")
        if not person.active or person.organisation_id != locked.organisation_id:
            raise ValidationError({"person": ["Choose someone who works for the organisation"]})
        if person.pk in (locked.subject_id, locked.reporter_id, locked.handler_id):
            raise ValidationError(
                {"person": ["Not the person it is about, who reported it, or its handler"]}
            )
        if handler_conflict(locked, person):
            raise ValidationError(
                {
                    "person": [
                        f"{person.name} reports to the person it is about: choose someone else"
                    ]
                }
            )
        if CaseMember.objects.filter(case=locked, person=person).exists():
            raise ValidationError({"person": [f"{person.name} is already on this case"]})
        member = CaseMember.objects.create(
            case=locked, person=person, role=role, added_by=actor_person, added_on=today
        )
        _event(locked, actor_person, "member-added", "", "", today)
        audit_record(
            actor=user_of(actor),
            action="case.member_added",
            obj=locked,
            details={"person": person.pk, "role": role},
        )
        notify(template="added_to_case", recipients=[person], case=locked)
    return member


def case_remove_member(
    *, case: Case, actor: Any, person: Person, today: datetime.date | None = None
) -> None:
    """The handler takes someone off the case: they can no longer open it."""
    today = today or timezone.localdate()
    actor_person = _person_of(actor)
    with transaction.atomic():
        locked = _lock(case)
        _require(locked, actor_person, {HANDLING}, "take people off the case")
        removed, _ = CaseMember.objects.filter(case=locked, person=person).delete()
        if not removed:
            raise ValidationError({"person": [f"{person.name} is not on this case"]})
        _event(locked, actor_person, "member-removed", "", "", today)
        audit_record(
            actor=user_of(actor),
            action="case.member_removed",
            obj=locked,
            details={"person": person.pk},
        )


def handler_conflict(case: Case, person: Person | None = None) -> str:
    """Why the case's handler (or `person`, to be added to it) may not handle it now that its
    subject is known, or empty: the routing rules of route_concern applied to someone
    already chosen."""
    person = person or case.handler
    subject = case.subject
    if person is None or subject is None:
        return ""
    if person.pk == subject.pk:
        return "is the person it is about"
    if subject in person_managers(person) and not _holds_route_office(case, person):
        return "reports to the person it is about"
    return ""


def _holds_route_office(case: Case, person: Person) -> bool:
    """An office of the kind's route (monitoring officer, board secretary, ...) is independent
    by design, even of someone above its holder."""
    return any(
        person in office_holders(organisation=case.organisation, office=step.authority)
        for step in concern_kind(case.kind).route
        if not step.of
    )


def organisation_deadlines(organisation: Organisation) -> Deadlines:
    own = CaseDeadlines.objects.filter(organisation=organisation).first()
    if own is None:
        return default_deadlines()
    return Deadlines(own.acknowledge_days, own.feedback_months)


# --- anonymous reporters coming back ----------------------------------------------------------


class FollowUpRefused(CaseError):
    """Receipt code or passphrase wrong, or too many tries: one message for every case."""

    MESSAGE = (
        "We could not find a report with that receipt code and passphrase. Check both and try "
        "again. After 5 wrong tries you must wait 15 minutes."
    )


def anonymous_open(*, code: str, passphrase: str, now: datetime.datetime | None = None) -> Case:
    """The anonymous reporter's case, if the code and passphrase match; else FollowUpRefused,
    the same whatever was wrong (an unknown code costs the same password check)."""
    now = now or timezone.now()
    normalised = receipt_code_normalise(code)
    if _failures_this_minute(now) >= FAILURES_PER_MINUTE:
        raise FollowUpRefused(FollowUpRefused.MESSAGE)
    with transaction.atomic():
        access = (
            AnonymousAccess.objects.select_for_update()
            .select_related("case")
            .filter(code_digest=_digest(normalised))
            .first()
            if normalised
            else None
        )
        if access is None:
            check_password(passphrase, _dummy_hash())  # take as long as a real check
            _count_failure(now)
            raise FollowUpRefused(FollowUpRefused.MESSAGE)
        if access.locked_until and access.locked_until > now:
            raise FollowUpRefused(FollowUpRefused.MESSAGE)
        if not check_password(passphrase, access.passphrase_hash):
            _count_failure(now)
            access.failed_attempts += 1
            if access.failed_attempts >= LOCK_AFTER_FAILURES:
                access.locked_until = now + datetime.timedelta(minutes=LOCK_MINUTES)
                access.failed_attempts = 0
            access.save(update_fields=["failed_attempts", "locked_until"])
        else:
            if access.failed_attempts or access.locked_until:
                access.failed_attempts, access.locked_until = 0, None
                access.save(update_fields=["failed_attempts", "locked_until"])
            return access.case
    raise FollowUpRefused(FollowUpRefused.MESSAGE)


@cache_function
def _dummy_hash() -> str:
    return make_password("not a passphrase anyone has")


def _failure_key(now: datetime.datetime) -> str:
    return f"concerns:follow-up-failures:{now:%Y%m%d%H%M}"


def _failures_this_minute(now: datetime.datetime) -> int:
    """Wrong tries this minute across every code: guessing codes wholesale is throttled
    without remembering who guessed (no address is kept)."""
    return cache.get(_failure_key(now), 0)


def _count_failure(now: datetime.datetime) -> None:
    key = _failure_key(now)
    cache.add(key, 0, timeout=120)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=120)


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


# --- messages and notes -----------------------------------------------------------------------


def message_to_reporter(
    *, case: Case, actor: Any, body: str, today: datetime.date | None = None
) -> CaseMessage:
    """The handler writes to the reporter; the first message is their feedback."""
    today = today or timezone.localdate()
    actor_person = _person_of(actor)
    body = _required_text(body, "body", "Enter your message")
    with transaction.atomic():
        locked = _lock(case)
        _require(locked, actor_person, HANDLERS, "write to the reporter")
        if locked.reporter_id is None and not locked.is_anonymous and not locked.reporter_contact:
            raise CaseStateError("This case has no reporter to write to.")
        message = CaseMessage.objects.create(
            case=locked,
            direction=CaseMessage.Direction.TO_REPORTER,
            author=actor_person,
            body=body,
            sent_on=today,
            created_at=timezone.now(),
        )
        if locked.first_feedback_on is None:
            locked.first_feedback_on = today
            _save(locked)
        _event(locked, actor_person, "message-to-reporter", "", "", today)
        audit_record(actor=user_of(actor), action="case.message_sent", obj=locked)
        if locked.reporter_id:  # named and confidential reporters; never an anonymous one
            notify(template="message_for_reporter", recipients=[locked.reporter], case=locked)
    return message


def message_from_reporter(
    *,
    case: Case,
    body: str,
    actor: Any | None = None,
    evidence: list[Evidence] = (),
    today: datetime.date | None = None,
) -> CaseMessage:
    """The reporter writes to the handler, with more evidence if they have it. `actor` is the
    named reporter; None for the anonymous reporter (the caller has checked their code and
    passphrase with anonymous_open)."""
    today = today or timezone.localdate()
    actor_person = _person_of(actor)
    if case.is_anonymous:
        actor, actor_person = None, None
    elif actor_person is None or actor_person.pk != case.reporter_id:
        raise CasePermissionError("Only the reporter may add to their report.")
    errors = {}
    body = _text(body, "body", errors, required="Enter your message")
    checked = []
    for item in evidence:
        try:
            checked.append((item, files.check_upload(item.name, item.content)))
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError({k: v if isinstance(v, list) else [v] for k, v in errors.items()})
    with transaction.atomic():
        locked = _lock(case)
        if locked.content_deleted_on:
            raise CaseStateError("This report has been closed and its content deleted.")
        message = CaseMessage.objects.create(
            case=locked, direction=CaseMessage.Direction.FROM_REPORTER, body=body, sent_on=today
        )
        for item, content_type in checked:
            _attach(locked, message, item, content_type, today)
        _event(locked, None, "message-from-reporter", "", "", today)
        audit_reporter(locked, actor, "case.message_received", {"attachments": len(checked)})
        notify(template="message_for_handler", recipients=[locked.handler], case=locked)
    return message


def note_add(*, case: Case, actor: Any, body: str, today: datetime.date | None = None) -> CaseNote:
    """An internal note: the reporter and the subject never see it."""
    today = today or timezone.localdate()
    actor_person = _person_of(actor)
    body = _required_text(body, "body", "Enter the note")
    with transaction.atomic():
        locked = _lock(case)
        _require(
            locked,
            actor_person,
            {*HANDLERS, ESCALATION, REVIEWER, NAMED_REVIEWER},
            "add a note",
        )
        note = CaseNote.objects.create(case=locked, author=actor_person, body=body)
        _event(locked, actor_person, "note", "", "", today)
        audit_record(actor=user_of(actor), action="case.note_added", obj=locked)
    return note


# --- the workflow -----------------------------------------------------------------------------


def case_acknowledge(*, case: Case, actor: Any, today: datetime.date | None = None) -> Case:
    """The handler acknowledges the concern (within the organisation's days)."""
    today = today or timezone.localdate()

    def change(locked: Case) -> None:
        locked.acknowledged_on = today

    return _transition(case, actor, "acknowledge", HANDLERS, change, today=today)


def case_assess(
    *, case: Case, actor: Any, triage: str, reasons: str, today: datetime.date | None = None
) -> Case:
    """Triage: no case to answer, advice, informal resolution, investigation, or referral."""
    if triage not in triage_outcomes():
        raise ValidationError({"triage": ["Select the outcome of the assessment"]})
    reasons = _required_text(reasons, "reasons", "Say why")

    def change(locked: Case) -> None:
        locked.triage, locked.triage_reasons = triage, reasons

    return _transition(
        case, actor, "assess", HANDLERS, change, today=today, details={"triage": triage}
    )


def case_investigate(
    *, case: Case, actor: Any, allegation: str = "", today: datetime.date | None = None
) -> Case:
    """Start the investigation the assessment called for; `allegation` is what is put to the
    subject (who asks them for their reply; it must not say who reported it)."""
    allegation = (allegation or "").strip()

    def change(locked: Case) -> None:
        if locked.triage != "investigation":
            raise CaseStateError("The assessment did not call for an investigation.")
        if locked.subject_id and not allegation:
            raise ValidationError(
                {"allegation": ["Enter what is put to the person, so they can reply"]}
            )
        locked.allegation = allegation

    result = _transition(case, actor, "investigate", HANDLERS, change, today=today)
    if result.subject_id:
        notify(template="allegation_for_subject", recipients=[result.subject], case=result)
    return result


def case_record_reply(
    *, case: Case, actor: Any, reply: str, today: datetime.date | None = None
) -> Case:
    """The subject's right of reply (MoJ problem.3): in their own words from their page, or
    recorded by the handler after a meeting."""
    today = today or timezone.localdate()
    reply = _required_text(reply, "reply", "Enter the reply")

    def change(locked: Case) -> None:
        if not locked.subject_id:
            raise CaseStateError("Nobody in the organisation is the subject of this case.")
        locked.right_of_reply, locked.right_of_reply_on = reply, today

    return _transition(case, actor, "record_reply", {*HANDLERS, SUBJECT}, change, today=today)


def case_decide(
    *,
    case: Case,
    actor: Any,
    decision: str,
    reasons: str,
    establishment: str = "",
    today: datetime.date | None = None,
) -> Case:
    """The handler decides. A decision against the person (asked to change, stood down,
    site access withdrawn, disciplinary) needs their right of reply first (MoJ problem.3);
    withdrawn access is put on the person's record (MoJ problem.2)."""
    today = today or timezone.localdate()
    chosen = decisions().get(decision)
    errors = {}
    if chosen is None:
        errors["decision"] = ["Select the decision"]
    reasons = _text(reasons, "reasons", errors, required="Give the reasons for the decision")
    establishment = (establishment or "").strip()[:200]
    if decision == "site-access-establishment" and not establishment:
        errors["establishment"] = ["Enter the establishment the person may no longer enter"]
    if errors:
        raise ValidationError(errors)

    def change(locked: Case) -> None:
        if chosen.adverse:
            if not locked.subject_id:
                raise ValidationError(
                    {
                        "decision": [
                            "Nobody in the organisation is named: choose no action or advice"
                        ]
                    }
                )
            if locked.status != Status.REPLY_RECORDED:
                raise CaseStateError(
                    "Record the person's right of reply before a decision against them."
                )
        locked.decision, locked.decision_reasons = decision, reasons
        locked.establishment = establishment
        locked.decided_by, locked.decided_on = _person_of(actor), today
        if locked.first_feedback_on is None and not locked.reporter_id and not locked.is_anonymous:
            locked.first_feedback_on = today  # nobody to feed back to: the decision is it
        if decision.startswith("site-access-"):
            SiteAccessWithdrawal.objects.create(
                person=locked.subject,
                case=locked,
                scope=(
                    SiteAccessWithdrawal.Scope.ALL_MOJ_SITES
                    if decision == "site-access-all-moj"
                    else SiteAccessWithdrawal.Scope.ESTABLISHMENT
                ),
                establishment=establishment,
                withdrawn_on=today,
            )

    result = _transition(
        case, actor, "decide", HANDLERS, change, today=today, details={"decision": decision}
    )
    if result.subject_id:
        notify(template="decision_for_subject", recipients=[result.subject], case=result)
    return result


def case_close(*, case: Case, actor: Any, today: datetime.date | None = None) -> Case:
    today = today or timezone.localdate()

    def change(locked: Case) -> None:
        if locked.status == Status.ASSESSED and locked.triage == "investigation":
            raise CaseStateError("The assessment called for an investigation: start it first.")
        locked.closed_on = today

    return _transition(case, actor, "close", HANDLERS, change, today=today)


def case_request_review(
    *, case: Case, actor: Any, reasons: str, today: datetime.date | None = None
) -> Case:
    """The person a decision went against asks for a review; it goes to their responsible
    manager's manager (MoJ problem.3), never to whoever made the decision."""
    reasons = _required_text(reasons, "reasons", "Say why you want the decision reviewed")

    def change(locked: Case) -> None:
        if not locked.adverse_decision:
            raise CaseStateError("Only a decision against you can be reviewed.")
        if locked.review_requested_on:
            raise CaseStateError("A review of this decision has already been asked for.")
        reviewer = reviewer_for(locked)
        if reviewer is None:
            raise CaseStateError(
                "Nobody independent of the decision can be found to review it: tell the "
                "Chief Executive's office."
            )
        locked.reviewer, locked.review_reasons = reviewer, reasons
        locked.review_requested_on = today or timezone.localdate()

    result = _transition(case, actor, "request_review", {SUBJECT}, change, today=today)
    notify(template="review_for_reviewer", recipients=[result.reviewer], case=result)
    return result


def reviewer_for(case: Case) -> Person | None:
    """The subject's responsible manager's manager; passing over the decision maker and the
    subject; then the Chief Executive."""
    subject = case.subject
    excluded = {subject.pk, case.decided_by_id}
    responsible = authority_resolve(person=subject, authority="responsible-manager").person
    chain = list(person_managers(responsible)) if responsible else []
    chiefs = office_holders(organisation=case.organisation, office="chief-executive")
    for candidate in [*chain, *chiefs]:
        if candidate.pk not in excluded:
            return candidate
    return None


def case_decide_review(
    *,
    case: Case,
    actor: Any,
    outcome: str,
    reasons: str,
    today: datetime.date | None = None,
) -> Case:
    """The reviewer upholds or overturns; overturning lifts any site-access withdrawal."""
    today = today or timezone.localdate()
    if outcome not in ReviewOutcome.values:
        raise ValidationError({"outcome": ["Select whether the decision is upheld"]})
    reasons = _required_text(reasons, "reasons", "Give the reasons for the review decision")

    def change(locked: Case) -> None:
        if _person_of(actor).pk == locked.decided_by_id:
            raise CasePermissionError("Nobody may review their own decision.")
        locked.review_outcome, locked.review_decision_reasons = outcome, reasons
        locked.review_decided_on = today
        if outcome == ReviewOutcome.OVERTURNED:
            locked.site_access_withdrawals.filter(lifted_on=None).update(lifted_on=today)

    result = _transition(
        case, actor, "decide_review", {REVIEWER}, change, today=today, details={"outcome": outcome}
    )
    notify(template="decision_for_subject", recipients=[result.subject], case=result)
    return result


def case_reassign(
    *, case: Case, actor: Any | None, handler: Person, today: datetime.date | None = None
) -> Case:
    """A new handler: by someone above the current one, or by the system when they leave."""
    today = today or timezone.localdate()
    actor_person = _person_of(actor)
    with transaction.atomic():
        locked = _lock(case)
        if actor_person is not None:
            _require(locked, actor_person, {ESCALATION}, "reassign the case")
        if not handler.active or handler.organisation_id != locked.organisation_id:
            raise ValidationError({"handler": ["Choose someone who works for the organisation"]})
        if handler.pk in (locked.subject_id, locked.reporter_id):
            raise ValidationError(
                {"handler": ["The person it is about, or who reported it, cannot handle it"]}
            )
        was = locked.handler_id
        locked.handler = handler
        _save(locked)
        _event(locked, actor_person, "reassigned", "", "", today)
        audit_record(
            actor=user_of(actor),
            action="case.reassigned",
            obj=locked,
            details={"from": was, "to": handler.pk},
        )
        notify(template="new_case", recipients=[handler], case=locked)
    return locked


# --- scheduled jobs ---------------------------------------------------------------------------


def cases_reassign_departed(*, today: datetime.date | None = None) -> int:
    """Open cases whose handler has left go to the nearest person above them (or are routed
    again): never orphaned."""
    today = today or timezone.localdate()
    moved = 0
    for case in Case.objects.filter(status__in=OPEN_STATUSES, handler__active=False).select_related(
        "handler", "subject", "reporter", "organisation"
    ):
        successor = (
            next(
                (
                    manager
                    for manager in person_managers(case.handler)
                    if manager.pk not in (case.subject_id, case.reporter_id)
                ),
                None,
            )
            or route_concern(
                organisation=case.organisation,
                kind=case.kind,
                reporter=case.reporter,
                subject=case.subject,
            ).handler
        )
        if successor is not None and successor.pk != case.handler_id:
            case_reassign(case=case, actor=None, handler=successor, today=today)
            moved += 1
    return moved


def cases_escalate_overdue(*, today: datetime.date | None = None) -> int:
    """Cases not acknowledged, or not fed back, by their deadline go to the handler's
    manager (once): they see it in their queue and by email."""
    today = today or timezone.localdate()
    overdue = (
        Case.objects.filter(status__in=OPEN_STATUSES, escalated_on=None, handler__isnull=False)
        .filter(
            Q(acknowledged_on=None, acknowledge_by__lt=today)
            | Q(first_feedback_on=None, feedback_by__lt=today)
        )
        .select_related("handler")
        .only("id", "handler", "subject_id", "status")
    )
    escalated = 0
    managers: dict[int, list[Person]] = {}  # per handler: a handler has many cases
    for case in overdue.iterator(chunk_size=500):
        if case.handler_id not in managers:
            managers[case.handler_id] = list(person_managers(case.handler))
        manager = next((m for m in managers[case.handler_id] if m.pk != case.subject_id), None)
        if manager is None:
            continue
        with transaction.atomic():
            updated = Case.objects.filter(pk=case.pk, escalated_on=None).update(
                escalated_on=today, escalated_to=manager
            )
            if not updated:
                continue
            _event(case, None, "escalated", "", "", today)
            audit_record(actor=None, action="case.escalated", obj=case, details={"to": manager.pk})
            notify(template="escalated", recipients=[manager], case=case)
        escalated += 1
    return escalated


@dataclass
class RetentionReport:
    cases: int = 0
    messages: int = 0
    notes: int = 0
    attachments: int = 0
    orphans: int = 0
    by_kind: dict | None = None


def retention_days(organisation_id: int, kind: str, own: dict | None = None) -> int:
    """Days a closed case's content is kept: the organisation's own period for the kind
    (CaseRetention, set in the admin), else data/concerns.yaml's. `own` is
    `organisation_retention()`, read once for a run."""
    if own is None:
        own = organisation_retention(organisation_id)
    return own.get((organisation_id, kind)) or concern_kind(kind).retention_days


def organisation_retention(organisation_id: int | None = None) -> dict[tuple[int, str], int]:
    """(organisation id, kind) → days, for every organisation or one."""
    rows = CaseRetention.objects.all()
    if organisation_id is not None:
        rows = rows.filter(organisation_id=organisation_id)
    return {
        (org, kind): days
        for org, kind, days in rows.values_list("organisation_id", "kind", "retention_days")
    }


def retention_run(*, today: datetime.date | None = None, dry_run: bool = False) -> RetentionReport:
    """Delete the content of closed cases past their retention period (the organisation's
    own for the kind, else the kind's): text, messages, notes, evidence, the timeline and
    every link to a person. The case row stays, with its kind, dates and outcomes only, for
    the oversight figures."""
    today = today or timezone.localdate()
    report = RetentionReport(by_kind={})
    own = organisation_retention()
    candidates = Case.objects.filter(status=Status.CLOSED, content_deleted_on=None).only(
        "id", "kind", "closed_on", "organisation_id"
    )
    for case in candidates.iterator(chunk_size=500):
        period = retention_days(case.organisation_id, case.kind, own)
        if case.closed_on is None or case.closed_on + datetime.timedelta(days=period) > today:
            continue
        report.cases += 1
        report.by_kind[case.kind] = report.by_kind.get(case.kind, 0) + 1
        report.messages += case.messages.count()
        report.notes += case.notes.count()
        report.attachments += case.attachments.count()
        if not dry_run:
            _delete_content(case, today)
    known = set(CaseAttachment.objects.values_list("stored_name", flat=True))
    report.orphans = files.remove_unsent(known, dry_run=dry_run)
    return report


def _delete_content(case: Case, today: datetime.date) -> None:
    with transaction.atomic():
        stored = list(case.attachments.values_list("stored_name", flat=True))
        case.attachments.all().delete()
        case.messages.all().delete()
        case.notes.all().delete()
        case.events.all().delete()
        case.members.all().delete()
        AnonymousAccess.objects.filter(case=case).delete()
        Case.objects.filter(pk=case.pk).update(
            **dict.fromkeys(ENCRYPTED_CASE_FIELDS, ""),
            reporter=None,
            subject=None,
            handler=None,
            logged_by=None,
            decided_by=None,
            reviewer=None,
            escalated_to=None,
            establishment="",
            routing_note="",
            content_deleted_on=today,
        )
        audit_record(actor=None, action="case.content_deleted", obj=case)
        transaction.on_commit(lambda: [files.remove(name) for name in stored])


ENCRYPTED_CASE_FIELDS = (
    "reporter_contact",
    "subject_description",
    "what",
    "happened",
    "triage_reasons",
    "allegation",
    "right_of_reply",
    "decision_reasons",
    "review_reasons",
    "review_decision_reasons",
)


def keys_rotate() -> dict[str, int]:
    """Re-encrypt every stored value and file under the first key (crypto.rotate)."""
    counts = {}
    for model, fields in (
        (Case, ENCRYPTED_CASE_FIELDS),
        (CaseMessage, ("body",)),
        (CaseNote, ("body",)),
        (CaseAttachment, ("filename",)),
    ):
        count = 0
        for row in model.objects.only("pk", *fields).iterator(chunk_size=500):
            # Reading decrypts with any key held; writing encrypts with the first.
            model.objects.filter(pk=row.pk).update(**{f: getattr(row, f) for f in fields})
            count += 1
        counts[model.__name__] = count
    for stored_name in CaseAttachment.objects.values_list("stored_name", flat=True):
        files.rotate(stored_name)
    return counts


# --- helpers ----------------------------------------------------------------------------------


def _transition(
    case: Case,
    actor: Any,
    name: str,
    allowed: set[str],
    change,
    *,
    today: datetime.date | None,
    details: dict | None = None,
) -> Case:
    today = today or timezone.localdate()
    actor_person = _person_of(actor)
    with transaction.atomic():
        locked = _lock(case)
        _require(locked, actor_person, allowed, name.replace("_", " "))
        was = locked.status
        if not can_proceed(getattr(locked, name)):
            raise CaseStateError(
                f"Case {locked.reference} is {locked.get_status_display().lower()}: it cannot "
                f"be {_PAST[name]} now."
            )
        change(locked)  # checks and sets fields while the case is still in its old state
        getattr(locked, name)()
        _save(locked)
        _event(locked, actor_person, name.replace("_", "-"), was, locked.status, today)
        audit_record(
            actor=user_of(actor),
            action=f"case.{_ACTION[name]}",
            obj=locked,
            details={"from": was, "to": locked.status, **(details or {})},
        )
        if name in ("acknowledge", "decide", "close") and locked.reporter_id:
            notify(template="update_for_reporter", recipients=[locked.reporter], case=locked)
    return locked


_PAST = {
    "acknowledge": "acknowledged",
    "assess": "assessed",
    "investigate": "investigated",
    "record_reply": "given a right of reply",
    "decide": "decided",
    "close": "closed",
    "request_review": "reviewed",
    "decide_review": "given a review decision",
}
_ACTION = {
    "acknowledge": "acknowledged",
    "assess": "assessed",
    "investigate": "investigation_started",
    "record_reply": "reply_recorded",
    "decide": "decided",
    "close": "closed",
    "request_review": "review_requested",
    "decide_review": "review_decided",
}


def _require(case: Case, person: Person | None, allowed: set[str], what: str) -> None:
    if person is None or not case_roles(case, person) & allowed:
        raise CasePermissionError(f"You may not {what} on this case.")


def _lock(case: Case) -> Case:
    try:
        return Case.objects.select_for_update().get(pk=case.pk)
    except Case.DoesNotExist:
        raise CaseStateError(f"Case {case.pk} no longer exists.") from None


def _save(case: Case) -> None:
    try:
        case.save()
    except ConcurrentTransition:
        raise CaseStateError(
            f"Case {case.reference} was changed by someone else at the same time; look at it again."
        ) from None


def _event(case, actor, event, source, target, today) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, actor=actor, event=event, from_status=source, to_status=target, on=today
    )


def _attach(case, message, item: Evidence, content_type: str, today) -> CaseAttachment:
    stored_name = files.store(item.content)
    return CaseAttachment.objects.create(
        case=case,
        message=message,
        filename=(item.name or "evidence")[-200:],
        content_type=content_type,
        size=len(item.content),
        stored_name=stored_name,
        added_on=today,
    )


def _text(value: str, field: str, errors: dict, *, required: str = "") -> str:
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        errors[field] = required
    elif len(value) > MAX_TEXT:
        errors[field] = f"Keep it under {MAX_TEXT:,} characters (it has {len(value):,})"
    return value


def _required_text(value: str, field: str, message: str) -> str:
    errors: dict = {}
    value = _text(value, field, errors, required=message)
    if errors:
        raise ValidationError({field: [errors[field]]})
    return value


def _person_of(actor: Any | None) -> Person | None:
    if actor is None or isinstance(actor, Person):
        return actor
    if not getattr(actor, "is_authenticated", False):
        return None
    try:
        return actor.person
    except Person.DoesNotExist:
        raise CasePermissionError(
            "Your account is not linked to a person in any organisation."
        ) from None
