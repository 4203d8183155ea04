"""Concerns and cases: routing by the clauses that apply, the case's state machine, review by
the responsible manager's manager, anonymous reporting, encryption at rest and the
scheduled jobs (escalation, reassignment, retention, oversight figures)."""

from __future__ import annotations

import datetime
import io
import logging
import threading

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection, connections

from probity.apps.audit.models import AuditEntry
from probity.apps.audit.selectors import audit_verify
from probity.apps.concerns import crypto
from probity.apps.concerns.models import (
    AnonymousAccess,
    Case,
    CaseDeadlines,
    CaseMessage,
    SiteAccessWithdrawal,
    Status,
)
from probity.apps.concerns.selectors import can_open_case, oversight_figures
from probity.apps.concerns.services import (
    CasePermissionError,
    CaseStateError,
    Evidence,
    FollowUpRefused,
    anonymous_open,
    case_acknowledge,
    case_assess,
    case_close,
    case_decide,
    case_decide_review,
    case_investigate,
    case_reassign,
    case_record_reply,
    case_report,
    case_request_review,
    cases_escalate_overdue,
    cases_reassign_departed,
    message_from_reporter,
    message_to_reporter,
    note_add,
    retention_run,
)
from probity.core.concerns import kinds_for_codes
from tests.concerns_people import TODAY, make_people, report

pytestmark = pytest.mark.django_db

PASSPHRASE = "blue kettle under the stairs"


@pytest.fixture
def people():
    return make_people()


# --- routing: by the clauses that apply, never to the subject ---------------------------------


@pytest.mark.parametrize(
    ("kind", "reporter", "subject", "handler", "clause"),
    [
        # essex-probation 8.6 / opcc 2.4: impropriety to the line manager …
        ("impropriety", "worker", "colleague", "manager", "essex-probation:8.6"),
        # … or the Monitoring Officer when the line manager is the subject
        ("impropriety", "worker", "manager", "monitoring", "opcc:2.4"),
        # … and when the subject is higher up the reporter's line, over their line manager
        ("impropriety", "worker", "senior", "monitoring", "opcc:2.4"),
        # essex-probation 6.6: illegal activity to the line manager; the same exception
        ("illegal-activity", "worker", "colleague", "manager", "essex-probation:6.6"),
        ("illegal-activity", "worker", "manager", "monitoring", "essex-probation:6.6"),
        # probation-institute value.9.5: unacceptable behaviour; HR when the manager is it
        ("unacceptable-behaviour", "colleague", "manager", "hr", "probation-institute:value.9.5"),
        # essex-probation board.9: a board member's breach to the Board Secretary …
        ("board-member-breach", "member", "chief", "secretary", "essex-probation:board.9"),
        # … and to the Chief Executive when the Secretary is the subject
        ("board-member-breach", "member", "secretary", "chief", "essex-probation:board.9"),
        # moj-volunteers problem.2: the volunteer's responsible manager decides
        ("volunteer-behaviour", "worker", "volunteer", "volunteers", "moj-volunteers:problem.2"),
    ],
)
def test_a_concern_goes_where_the_clause_says_and_never_to_its_subject(
    people, kind, reporter, subject, handler, clause
):
    case = report(people, kind=kind, by=reporter, subject=subject)
    assert case.handler == people[handler]
    assert case.handler != people[subject]
    assert clause in case.clauses


def test_an_anonymous_impropriety_report_goes_to_the_monitoring_officer(people):
    case = report(
        people, by=None, subject="colleague", treatment="anonymous", passphrase=PASSPHRASE
    )
    assert case.handler == people.monitoring and case.reporter is None


def test_a_named_subject_is_matched_by_name_so_the_concern_avoids_them(people):
    case = report(people, subject=None, subject_description="manager essex")
    assert case.subject == people.manager
    assert case.handler == people.monitoring


def test_when_the_monitoring_officer_is_the_line_manager_and_the_subject_it_goes_higher(people):
    people.worker.line_manager = people.monitoring
    people.worker.save()
    case = report(people, subject="monitoring")
    assert case.handler == people.chief


# --- the state machine ------------------------------------------------------------------------


def test_a_case_runs_from_received_to_closed_with_a_review_by_the_managers_manager(
    people, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run_case_to_closed(people)
    assert all(people.worker.email not in m.body for m in mail.outbox)
    assert any(m.to == [people.worker.email] for m in mail.outbox)  # the named reporter hears
    assert any(m.to == [people.senior.email] for m in mail.outbox)  # the reviewer hears


def run_case_to_closed(people):
    case = report(people, kind="volunteer-behaviour", by="worker", subject="volunteer")
    handler = people.volunteers
    assert (case.status, case.handler) == (Status.RECEIVED, handler)
    assert case.acknowledge_by == TODAY + datetime.timedelta(days=7)
    assert case.feedback_by == datetime.date(2027, 2, 23)

    case = case_acknowledge(case=case, actor=handler.user, today=TODAY)
    # Every step dated TODAY: the timeline sorts by date, then by order.
    case = case_assess(
        case=case, actor=handler, triage="investigation", reasons="Serious.", today=TODAY
    )
    case = case_investigate(
        case=case,
        actor=handler,
        allegation="You passed a phone to a prisoner on 2 November.",
        today=TODAY,
    )
    with pytest.raises(CaseStateError, match="right of reply"):
        case_decide(case=case, actor=handler, decision="stood-down", reasons="Phone.")
    case = case_record_reply(
        case=case, actor=people.volunteer, reply="It was my own phone.", today=TODAY
    )
    case = case_decide(
        case=case,
        actor=handler,
        decision="site-access-establishment",
        establishment="HMP Chelmsford",
        reasons="A phone was passed.",
        today=TODAY,
    )
    withdrawal = SiteAccessWithdrawal.objects.get(person=people.volunteer)
    assert (withdrawal.establishment, withdrawal.lifted_on) == ("HMP Chelmsford", None)

    # MoJ problem.3: the responsible manager's manager reviews, not the decision maker
    case = case_request_review(case=case, actor=people.volunteer, reasons="Unfair.", today=TODAY)
    assert case.reviewer == people.senior
    with pytest.raises(CasePermissionError):
        case_decide_review(case=case, actor=handler, outcome="overturned", reasons="Mine.")
    case = case_decide_review(
        case=case, actor=people.senior, outcome="overturned", reasons="No proof.", today=TODAY
    )
    withdrawal.refresh_from_db()
    assert withdrawal.lifted_on == TODAY
    case = case_close(case=case, actor=handler, today=TODAY)
    assert case.status == Status.CLOSED
    assert [e.event for e in case.events.all()] == [
        "received",
        "acknowledge",
        "assess",
        "investigate",
        "record-reply",
        "decide",
        "request-review",
        "decide-review",
        "close",
    ]
    actions = list(
        AuditEntry.objects.filter(object_id=str(case.pk)).values_list("action", flat=True)
    )
    assert actions[0] == "case.received" and actions[-1] == "case.closed"
    assert audit_verify().ok
    return case


def test_a_decision_is_reviewed_once(people):
    case = run_case_to_closed(people)
    with pytest.raises(CaseStateError, match="already been asked for"):
        case_request_review(case=case, actor=people.volunteer, reasons="Again.")


def test_the_kinds_offered_are_those_of_the_organisations_codes():
    opcc = [kind.id for kind in kinds_for_codes(["opcc"])]
    assert opcc == ["impropriety"]  # opcc 2.4
    assert "board-member-breach" in [kind.id for kind in kinds_for_codes(["essex-probation"])]


def test_the_reviewer_is_never_the_person_who_decided(people):
    case = report(people, kind="volunteer-behaviour", subject="volunteer")
    # the responsible manager's manager made the decision (the case was reassigned to them)
    case = case_reassign(case=case, actor=people.senior, handler=people.senior)
    for step in (
        lambda c: case_acknowledge(case=c, actor=people.senior),
        lambda c: case_assess(case=c, actor=people.senior, triage="investigation", reasons="r"),
        lambda c: case_investigate(case=c, actor=people.senior, allegation="a"),
        lambda c: case_record_reply(case=c, actor=people.senior, reply="r"),
        lambda c: case_decide(case=c, actor=people.senior, decision="stood-down", reasons="r"),
    ):
        case = step(case)
    case = case_request_review(case=case, actor=people.volunteer, reasons="Unfair.")
    assert case.reviewer == people.chief


@pytest.mark.parametrize(
    ("status_steps", "forbidden"),
    [
        (0, lambda c, p: case_assess(case=c, actor=p, triage="advice", reasons="r")),
        (0, lambda c, p: case_close(case=c, actor=p)),
        (1, lambda c, p: case_acknowledge(case=c, actor=p)),
        (1, lambda c, p: case_record_reply(case=c, actor=p, reply="r")),
        (2, lambda c, p: case_decide(case=c, actor=p, decision="no-action", reasons="r")),
        (2, lambda c, p: case_request_review(case=c, actor=p, reasons="r")),
    ],
)
def test_a_transition_from_the_wrong_state_is_refused_and_changes_nothing(
    people, status_steps, forbidden
):
    case = report(people, subject="colleague")
    steps = [
        lambda c: case_acknowledge(case=c, actor=people.manager),
        lambda c: case_assess(case=c, actor=people.manager, triage="investigation", reasons="r"),
    ]
    for step in steps[:status_steps]:
        case = step(case)
    before = case.status
    with pytest.raises((CaseStateError, CasePermissionError)):
        forbidden(case, people.manager)
    case.refresh_from_db()
    assert case.status == before


def test_an_assessment_that_calls_for_investigation_cannot_simply_be_closed(people):
    case = report(people, subject="colleague")
    case = case_acknowledge(case=case, actor=people.manager)
    case = case_assess(case=case, actor=people.manager, triage="investigation", reasons="r")
    with pytest.raises(CaseStateError, match="investigation"):
        case_close(case=case, actor=people.manager)
    case_investigate(case=case, actor=people.manager, allegation="a")


def test_no_case_to_answer_closes_the_case(people):
    case = report(people, subject="colleague")
    case = case_acknowledge(case=case, actor=people.manager)
    case = case_assess(case=case, actor=people.manager, triage="no-case-to-answer", reasons="r")
    assert case_close(case=case, actor=people.manager).status == Status.CLOSED


@pytest.mark.parametrize("who", ["colleague", "worker", "keeper", "hr", "monitoring"])
def test_only_the_handler_may_move_a_case(people, who):
    case = report(people, subject="colleague")
    with pytest.raises(PermissionDenied):
        case_acknowledge(case=case, actor=people[who])


def test_only_the_subject_may_ask_for_a_review_of_a_decision_against_them(people):
    case = report(people, kind="volunteer-behaviour", subject="volunteer")
    handler = people.volunteers
    case = case_acknowledge(case=case, actor=handler)
    case = case_assess(case=case, actor=handler, triage="investigation", reasons="r")
    case = case_investigate(case=case, actor=handler, allegation="a")
    case = case_record_reply(case=case, actor=handler, reply="r")
    case = case_decide(case=case, actor=handler, decision="advice", reasons="r")
    with pytest.raises(CasePermissionError):
        case_request_review(case=case, actor=people.worker, reasons="r")
    with pytest.raises(CaseStateError, match="against you"):
        case_request_review(case=case, actor=people.volunteer, reasons="r")


def test_a_decision_needs_reasons_and_an_establishment_names_the_field(people):
    case = report(people, kind="volunteer-behaviour", subject="volunteer")
    with pytest.raises(ValidationError) as error:
        case_decide(
            case=case, actor=people.volunteers, decision="site-access-establishment", reasons=""
        )
    assert set(error.value.message_dict) == {"reasons", "establishment"}


def test_the_subject_cannot_open_the_case_nor_the_reporter(people):
    case = report(people, subject="colleague")
    assert can_open_case(case, people.manager)
    assert can_open_case(case, people.senior)  # the handler's escalation chain
    assert not can_open_case(case, people.colleague)
    assert not can_open_case(case, people.worker)
    assert not can_open_case(case, people.keeper)


# --- messages ---------------------------------------------------------------------------------


def test_messages_both_ways_and_notes_the_reporter_never_sees(people):
    mail.outbox.clear()
    case = report(people, subject="colleague", treatment="confidential")
    message_to_reporter(case=case, actor=people.manager, body="Thank you; can we talk?")
    message_from_reporter(case=case, actor=people.worker, body="Yes, on Monday.")
    note_add(case=case, actor=people.manager, body="Reporter seems credible.")
    case.refresh_from_db()
    assert case.first_feedback_on is not None
    assert [m.direction for m in case.messages.all()] == ["to-reporter", "from-reporter"]
    assert case.notes.count() == 1
    with pytest.raises(CasePermissionError):
        message_from_reporter(case=case, actor=people.colleague, body="I am not the reporter.")
    with pytest.raises(CasePermissionError):
        note_add(case=case, actor=people.worker, body="Reporter adding a note")
    assert all("can we talk" not in m.body for m in mail.outbox)


# --- anonymous reporting ----------------------------------------------------------------------


def test_an_anonymous_reporter_comes_back_with_code_and_passphrase(people):
    case, code = case_report(
        organisation=people.organisation,
        kind="security",
        what="A visitor passed a package to a prisoner in the visits hall.",
        treatment="anonymous",
        actor=None,
        passphrase=PASSPHRASE,
        evidence=[Evidence("note.txt", b"Table 4, about 2pm")],
    )
    assert len(code) == 19
    message_to_reporter(case=case, actor=case.handler, body="Thank you, we are looking into it.")
    opened = anonymous_open(code=code.lower(), passphrase=PASSPHRASE)
    assert opened == case
    message_from_reporter(case=opened, body="It happened again today.")
    assert CaseMessage.objects.filter(case=case).count() == 2


def test_a_wrong_code_or_passphrase_gets_the_same_answer_and_five_lock_it(people):
    case, code = case_report(
        organisation=people.organisation,
        kind="security",
        what="x",
        treatment="anonymous",
        actor=None,
        passphrase=PASSPHRASE,
    )
    messages = set()
    for code_tried, passphrase in (("AAAA-BBBB-CCCC-DDDD", PASSPHRASE), (code, "wrong wrong")):
        with pytest.raises(FollowUpRefused) as error:
            anonymous_open(code=code_tried, passphrase=passphrase)
        messages.add(str(error.value))
    assert len(messages) == 1
    for _ in range(4):
        with pytest.raises(FollowUpRefused):
            anonymous_open(code=code, passphrase="wrong wrong")
    with pytest.raises(FollowUpRefused):  # locked now, even with the right passphrase
        anonymous_open(code=code, passphrase=PASSPHRASE)
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=16)
    assert anonymous_open(code=code, passphrase=PASSPHRASE, now=later) == case


def test_an_anonymous_report_leaves_no_identifying_trace(people, caplog, django_user_model):
    caplog.set_level(logging.DEBUG)
    what = "My colleague sold a prisoner's address."
    case, code = case_report(
        organisation=people.organisation,
        kind="illegal-activity",
        what=what,
        treatment="anonymous",
        actor=people.worker.user,  # signed in, yet chose to be anonymous
        passphrase=PASSPHRASE,
    )
    assert case.reporter is None and case.logged_by is None
    entry = AuditEntry.objects.get(action="case.received")
    assert entry.actor_id is None and entry.actor_username == ""
    assert "worker" not in str(entry.details)
    # the database: no account, name, address, code or passphrase in any table
    secrets = [people.worker.name, people.worker.email, "essex-worker", code, PASSPHRASE, what]
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table.startswith(("people_", "auth_", "simple")) or "historical" in table:
                continue
            cursor.execute(f'SELECT * FROM "{table}"')  # table names come from Django
            dump = repr(cursor.fetchall())
            for secret in secrets:
                assert secret not in dump, f"{secret!r} found in {table}"
    assert all(secret not in caplog.text for secret in secrets)
    access = AnonymousAccess.objects.get(case=case)
    assert access.passphrase_hash != PASSPHRASE


# --- encryption at rest -----------------------------------------------------------------------


def test_concern_text_is_encrypted_at_rest_and_survives_key_rotation(people):
    what = "The finance officer altered the invoice."
    case = report(people, subject="colleague", what=what)
    message_to_reporter(case=case, actor=people.manager, body="Received with thanks.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT what FROM concerns_case WHERE id = %s", [case.pk])
        stored = cursor.fetchone()[0]
    assert what not in stored and stored.startswith("gAAAA")
    before = crypto.read_keys()
    out = io.StringIO()
    call_command("concerns_rotate_key", stdout=out)
    assert "Re-encrypted under the first key: 1 Case, 1 CaseMessage" in out.getvalue()
    assert len(crypto.read_keys()) == 1 and crypto.read_keys() != before
    case.refresh_from_db()
    assert case.what == what
    assert case.messages.get().body == "Received with thanks."


# --- scheduled jobs ---------------------------------------------------------------------------


def test_an_overdue_case_escalates_to_the_handlers_manager_once(people):
    case = report(people, subject="colleague", today=TODAY)
    assert cases_escalate_overdue(today=TODAY + datetime.timedelta(days=7)) == 0
    assert cases_escalate_overdue(today=TODAY + datetime.timedelta(days=8)) == 1
    assert cases_escalate_overdue(today=TODAY + datetime.timedelta(days=9)) == 0
    case.refresh_from_db()
    assert case.escalated_to == people.senior
    assert can_open_case(case, people.senior)


def test_deadlines_follow_the_organisations_own(people):
    CaseDeadlines.objects.create(
        organisation=people.organisation, acknowledge_days=2, feedback_months=1
    )
    case = report(people, subject="colleague", today=TODAY)
    assert case.acknowledge_by == TODAY + datetime.timedelta(days=2)
    assert case.feedback_by == datetime.date(2026, 12, 23)


def test_when_a_handler_leaves_their_cases_go_to_their_manager(people):
    case = report(people, subject="colleague")
    people.manager.active = False
    people.manager.save()
    assert cases_reassign_departed() == 1
    case.refresh_from_db()
    assert case.handler == people.senior


def test_retention_deletes_content_and_keeps_the_figures(people):
    case = report(people, subject="colleague", today=TODAY)
    case = case_acknowledge(case=case, actor=people.manager, today=TODAY)
    case = case_assess(case=case, actor=people.manager, triage="advice", reasons="r")
    message_to_reporter(case=case, actor=people.manager, body="Advice given.", today=TODAY)
    case = case_close(case=case, actor=people.manager, today=TODAY)
    assert retention_run(today=TODAY + datetime.timedelta(days=30)).cases == 0
    removed = retention_run(today=TODAY + datetime.timedelta(days=2191))
    assert (removed.cases, removed.messages, removed.by_kind) == (1, 1, {"impropriety": 1})
    case = Case.objects.get(pk=case.pk)
    assert (case.what, case.reporter, case.subject, case.messages.count()) == ("", None, None, 0)
    figures = oversight_figures(organisation=people.organisation)
    assert figures["by_kind"] == {"impropriety": 1}
    assert figures["median_days_to_acknowledge"] == 0


def test_retention_run_and_the_daily_job_say_what_they_did(people):
    case = report(people, subject="colleague", today=TODAY)
    case = case_acknowledge(case=case, actor=people.manager, today=TODAY)
    case = case_assess(case=case, actor=people.manager, triage="advice", reasons="r")
    case_close(case=case, actor=people.manager, today=TODAY)
    report(people, subject="colleague", today=TODAY)  # never acknowledged
    later = (TODAY + datetime.timedelta(days=2200)).isoformat()
    out = io.StringIO()
    call_command("retention_run", today=later, dry_run=True, stdout=out)
    assert "Would remove the content of 1 case" in out.getvalue()
    assert Case.objects.filter(content_deleted_on=None).count() == 2
    call_command("retention_run", today=later, stdout=out)
    assert "Removed the content of 1 case" in out.getvalue() and "impropriety: 1" in out.getvalue()
    call_command("concerns_daily", today=later, stdout=out)
    assert "escalated 1 overdue case." in out.getvalue()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)")
def test_two_handlers_acting_at_once_change_the_case_once():
    people = make_people("race")
    case = report(people, subject="colleague")
    outcomes = []

    def acknowledge():
        try:
            case_acknowledge(case=Case.objects.get(pk=case.pk), actor=people.manager)
            outcomes.append("ok")
        except CaseStateError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=acknowledge) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert Case.objects.get(pk=case.pk).events.filter(event="acknowledge").count() == 1
