"""Concerns: what a frightened reporter and a careful investigator expect beyond the first
build: a confidential reporter kept out of the audit trail, the subject linked (or unlinked)
later with the case rerouted away from them, co-handlers and named reviewers on a need-to-know
basis, and each organisation's own retention periods."""

from __future__ import annotations

import datetime
import io
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.management import call_command

from probity.apps.accounts.services import token_create
from probity.apps.audit.models import AuditEntry
from probity.apps.audit.selectors import audit_entries_for, audit_verify
from probity.apps.concerns.models import CaseRetention
from probity.apps.concerns.selectors import can_open_case
from probity.apps.concerns.services import (
    CasePermissionError,
    CaseStateError,
    case_acknowledge,
    case_add_member,
    case_assess,
    case_close,
    case_investigate,
    case_link_subject,
    message_from_reporter,
    message_to_reporter,
    note_add,
    retention_days,
    retention_run,
)
from probity.apps.people.models import OfficeHolder
from tests.concerns_people import TODAY, make_people, report
from tests.test_registers_pages import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return make_people()


# --- a confidential reporter in the audit trail -----------------------------------------------


def test_a_confidential_reporter_is_not_identified_in_the_audit_trail(client, people):
    case = report(people, subject="colleague", treatment="confidential")
    message_from_reporter(case=case, actor=people.worker.user, body="He did it again.")
    signed_in(client, people.worker).get(f"/concerns/mine/{case.pk}")
    message_to_reporter(case=case, actor=people.manager, body="Thank you; we are looking.")

    entries = list(audit_entries_for(case))
    reporter_side = [
        e
        for e in entries
        if e.action in ("case.received", "case.message_received", "case_report.viewed")
    ]
    assert len(reporter_side) == 3
    for entry in reporter_side:
        assert (entry.actor_id, entry.actor_username) == (None, "")
        assert entry.details["by"] == f"the reporter of case {case.reference}"
    trail = repr([(e.actor_id, e.actor_username, e.details) for e in entries])
    for trace in (people.worker.name, people.worker.email, "essex-worker"):
        assert trace not in trail
    assert not AuditEntry.objects.filter(
        object_id=str(case.pk), actor_id=people.worker.user_id
    ).exists()
    # the handler's side is still recorded by account, and the chain still holds
    sent = next(e for e in entries if e.action == "case.message_sent")
    assert sent.actor_id == people.manager.user_id
    assert audit_verify().ok


def test_a_named_reporter_is_still_recorded_by_account(people):
    case = report(people, subject="colleague")
    received = audit_entries_for(case).get(action="case.received")
    assert received.actor_id == people.worker.user_id and "by" not in received.details


# --- linking the subject later ----------------------------------------------------------------


def test_the_handler_links_the_subject_and_the_case_stays_when_nothing_forbids_it(people):
    case = report(people, subject_description="the new starter in accounts")
    assert (case.subject, case.handler) == (None, people.manager)
    case = case_link_subject(case=case, actor=people.manager, subject=people.colleague)
    assert (case.subject, case.handler) == (people.colleague, people.manager)
    entry = audit_entries_for(case).get(action="case.subject_linked")
    assert entry.actor_id == people.manager.user_id
    assert entry.details == {"from": None, "to": people.colleague.pk}
    case = case_link_subject(case=case, actor=people.manager, subject=None)
    assert case.subject is None
    assert audit_entries_for(case).filter(action="case.subject_unlinked").exists()


@pytest.mark.parametrize(
    ("subject", "new_handler", "why"),
    [
        # the subject is the handler: never to the person it is about (essex-probation 8.6)
        ("manager", "monitoring", "is the person it is about"),
        # the handler reports to the subject: the monitoring officer instead (opcc 2.4)
        ("senior", "monitoring", "reports to the person it is about"),
    ],
)
def test_linking_a_subject_the_handler_may_not_handle_routes_the_case_again(
    people, subject, new_handler, why
):
    case = report(people, subject_description="my manager, I think")
    assert case.handler == people.manager
    case = case_link_subject(case=case, actor=people.manager, subject=people[subject])
    assert case.handler == people[new_handler]
    assert why in case.routing_note
    assert not can_open_case(case, people.manager)
    assert can_open_case(case, people[new_handler])
    entry = audit_entries_for(case).get(action="case.subject_linked")
    assert entry.details["rerouted_to"] == people[new_handler].pk


def test_an_independent_office_keeps_a_case_about_someone_above_it(people):
    case = report(people, by=None, treatment="anonymous", passphrase="a long passphrase here")
    assert case.handler == people.monitoring  # the anonymous reporter has no line manager
    case = case_link_subject(case=case, actor=people.monitoring, subject=people.chief)
    assert case.handler == people.monitoring


def test_the_subject_cannot_be_the_reporter_nor_change_once_put_to_them(people):
    case = report(people, subject_description="someone")
    with pytest.raises(ValidationError) as refused:
        case_link_subject(case=case, actor=people.manager, subject=people.worker)
    assert "subject" in refused.value.message_dict
    with pytest.raises(CasePermissionError):
        case_link_subject(case=case, actor=people.colleague, subject=people.colleague)
    case = case_link_subject(case=case, actor=people.manager, subject=people.colleague)
    case = case_acknowledge(case=case, actor=people.manager)
    case = case_assess(case=case, actor=people.manager, triage="investigation", reasons="r")
    case = case_investigate(case=case, actor=people.manager, allegation="You claimed it.")
    with pytest.raises(CaseStateError):
        case_link_subject(case=case, actor=people.manager, subject=None)


def test_the_subject_page_links_and_moves_the_case_away_from_the_handler(client, people):
    case = report(people, subject_description="my line manager")
    signed_in(client, people.manager, verified=True)
    page = client.get(f"/concerns/cases/{case.pk}/subject").content.decode()
    assert "my line manager" in page and people.colleague.name in page
    assert people.worker.name not in page  # the reporter is never offered
    refused = client.post(f"/concerns/cases/{case.pk}/subject", {"subject": "999999"})
    assert refused.status_code == 200
    assert "Select the person the concern is about" in refused.content.decode()
    moved = client.post(f"/concerns/cases/{case.pk}/subject", {"subject": people.manager.pk})
    assert moved.status_code == 302 and moved.url == "/concerns/cases?moved=1"
    assert "gone to another handler" in client.get(moved.url).content.decode()
    assert client.get(f"/concerns/cases/{case.pk}").status_code == 404
    case.refresh_from_db()
    assert (case.subject, case.handler) == (people.manager, people.monitoring)


# --- co-handlers and named reviewers ----------------------------------------------------------


def api_status(client, person, case):
    _, secret = token_create(user=person.user, name="test", lifetime=None)
    headers = {"authorization": f"Bearer {secret}"}
    one = client.get(f"/api/concerns/cases/{case.pk}", headers=headers)
    listed = client.get("/api/concerns/cases", headers=headers).json()
    return one.status_code, [row["id"] for row in listed]


@pytest.mark.parametrize("role", ["co-handler", "named-reviewer"])
def test_someone_the_handler_adds_may_open_the_case_until_taken_off(client, people, role):
    case = report(people, subject="colleague", treatment="confidential")
    assert api_status(client, people.hr, case) == (404, [])
    signed_in(client, people.manager, verified=True)
    added = client.post(f"/concerns/cases/{case.pk}/people", {"person": people.hr.pk, "role": role})
    assert added.status_code == 302
    assert audit_entries_for(case).get(action="case.member_added").details == {
        "person": people.hr.pk,
        "role": role,
    }
    client.logout()

    signed_in(client, people.hr, verified=True)
    page = client.get(f"/concerns/cases/{case.pk}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Expenses claimed" in text
    # a confidential reporter stays known to the case handler alone
    assert people.worker.name not in text and "known only to the case handler" in text
    assert ("Acknowledge the concern" in text) == (role == "co-handler")
    assert "Add an internal note" in text
    assert client.get(f"/concerns/cases/{case.pk}/people").status_code == 404  # handler's alone
    assert api_status(client, people.hr, case) == (200, [case.pk])
    client.logout()

    signed_in(client, people.manager, verified=True)
    removed = client.post(f"/concerns/cases/{case.pk}/people/{people.hr.pk}/remove")
    assert removed.status_code == 302
    assert audit_entries_for(case).filter(action="case.member_removed").exists()
    client.logout()
    signed_in(client, people.hr, verified=True)
    assert client.get(f"/concerns/cases/{case.pk}").status_code == 404
    assert api_status(client, people.hr, case) == (404, [])


def test_a_second_handler_moves_the_case_on_and_a_named_reviewer_cannot(people):
    case = report(people, subject="colleague")
    case_add_member(case=case, actor=people.manager, person=people.hr, role="co-handler")
    case_add_member(case=case, actor=people.manager, person=people.keeper, role="named-reviewer")
    with pytest.raises(CasePermissionError):
        case_acknowledge(case=case, actor=people.keeper)
    note_add(case=case, actor=people.keeper, body="Checked the expense policy.")
    case = case_acknowledge(case=case, actor=people.hr)
    assert case.status == "acknowledged"
    with pytest.raises(CasePermissionError):  # only the handler adds people
        case_add_member(case=case, actor=people.hr, person=people.secretary, role="co-handler")


@pytest.mark.parametrize(
    ("who", "treatment"),
    [("colleague", "named"), ("worker", "named"), ("worker", "confidential"), ("manager", "named")],
)
def test_the_subject_the_reporter_and_the_handler_are_never_added(people, who, treatment):
    case = report(people, subject="colleague", treatment=treatment)
    with pytest.raises(ValidationError) as refused:
        case_add_member(case=case, actor=people.manager, person=people[who], role="co-handler")
    assert "person" in refused.value.message_dict
    assert not can_open_case(case, people[who]) or who == "manager"


def test_the_people_page_says_what_is_missing_and_never_offers_subject_or_reporter(client, people):
    case = report(people, subject="colleague")
    signed_in(client, people.manager, verified=True)
    page = client.get(f"/concerns/cases/{case.pk}/people").content.decode()
    assert people.hr.name in page
    assert people.colleague.name not in page and people.worker.name not in page
    refused = client.post(f"/concerns/cases/{case.pk}/people", {"person": "", "role": "x"})
    text = refused.content.decode()
    assert refused.status_code == 200
    assert "Select the person to add" in text
    assert "Select whether they handle or review the case" in text


def test_linking_the_subject_takes_them_and_those_below_them_off_the_case(people):
    case = report(people, kind="board-member-breach", by="member", subject_description="HR?")
    assert case.handler == people.secretary
    case_add_member(case=case, actor=people.secretary, person=people.hr, role="named-reviewer")
    case_add_member(case=case, actor=people.secretary, person=people.worker, role="co-handler")
    case_add_member(case=case, actor=people.secretary, person=people.keeper, role="co-handler")
    case = case_link_subject(case=case, actor=people.secretary, subject=people.manager)
    assert list(case.members.values_list("person", flat=True)) == [people.hr.pk, people.keeper.pk]
    assert not can_open_case(case, people.worker)  # worker reports to manager
    case = case_link_subject(case=case, actor=people.secretary, subject=people.hr)
    assert not can_open_case(case, people.hr)
    assert list(case.members.values_list("person", flat=True)) == [people.keeper.pk]
    taken_off = audit_entries_for(case).filter(action="case.subject_linked").last()
    assert taken_off.details["taken_off"] == [people.hr.pk]


def test_someone_below_the_subject_is_never_added(people):
    case = report(people, by="member", kind="board-member-breach", subject="senior")
    with pytest.raises(ValidationError) as refused:
        case_add_member(case=case, actor=people.secretary, person=people.worker, role="co-handler")
    assert "reports to the person it is about" in refused.value.message_dict["person"][0]


# --- retention per organisation ---------------------------------------------------------------


def closed_case(people, kind="impropriety"):
    case = report(people, kind=kind, subject="colleague", today=TODAY)
    case = case_acknowledge(case=case, actor=people.manager, today=TODAY)
    case = case_assess(case=case, actor=people.manager, triage="advice", reasons="r", today=TODAY)
    return case_close(case=case, actor=people.manager, today=TODAY)


def test_an_organisations_own_retention_period_overrides_the_kinds(people):
    other = make_people("kent")
    CaseRetention.objects.create(
        organisation=people.organisation, kind="impropriety", retention_days=365
    )
    ours, theirs = closed_case(people), closed_case(other)
    # data/concerns.yaml keeps impropriety for 2190 days; Essex keeps it for 365
    assert retention_days(people.organisation.pk, "impropriety") == 365
    assert retention_days(other.organisation.pk, "impropriety") == 2190
    assert retention_days(people.organisation.pk, "security") == 2190
    assert retention_run(today=TODAY + datetime.timedelta(days=364)).cases == 0
    out = io.StringIO()
    call_command("retention_run", today="2027-11-23", stdout=out)  # `probity retention run`
    assert "Removed the content of 1 case" in out.getvalue()
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert (ours.what, ours.content_deleted_on) == ("", datetime.date(2027, 11, 23))
    assert theirs.what and theirs.content_deleted_on is None


def test_a_retention_period_is_set_in_the_admin_with_a_clear_error(client, people):
    admin = get_user_model().objects.create_superuser("root", "root@example.test", "pw-root-1")
    signed_in(client, SimpleNamespace(user=admin), verified=True)  # staff need a second factor
    url = "/admin/concerns/caseretention/add/"
    data = {"organisation": people.organisation.pk, "kind": "impropriety", "retention_days": "0"}
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "Ensure this value is greater than or equal to 1" in refused.content.decode()
    assert client.post(url, {**data, "retention_days": "400"}).status_code == 302
    assert retention_days(people.organisation.pk, "impropriety") == 400


# --- bad input: a page, never a traceback -----------------------------------------------------


def test_numbers_past_any_integer_range_get_a_page_not_an_error(client, people):
    huge = "9" * 20
    people.manager.user.user_permissions.add(
        Permission.objects.get(codename="view_siteaccesswithdrawal")
    )
    signed_in(client, people.manager, verified=True)
    assert client.get(f"/concerns/cases?page={huge}").status_code == 200
    assert client.get(f"/concerns/site-access?person={huge}").status_code == 200
    assert client.get(f"/concerns/cases/{huge}").status_code == 404


# --- a case nobody could be routed to is never orphaned ---------------------------------------


def test_a_case_nobody_could_be_routed_to_waits_for_the_offices_that_assign_it(client, people):
    OfficeHolder.objects.filter(office="board-secretary").delete()
    # a board member's breach by the Chief Executive, with no Board Secretary (essex board.9)
    case = report(people, kind="board-member-breach", by="member", subject="chief")
    assert case.handler is None
    assert "waits for the chief executive or the monitoring officer" in case.routing_note
    assert not can_open_case(case, people.chief)  # the assigning office, but its subject
    assert not can_open_case(case, people.colleague)
    signed_in(client, people.monitoring, verified=True)
    assert f"C{case.pk:06d}" in client.get("/concerns/cases").content.decode()
    assert client.get(f"/concerns/cases/{case.pk}").status_code == 200
    assigned = client.post(f"/concerns/cases/{case.pk}/reassign", {"handler": people.monitoring.pk})
    assert assigned.status_code == 302
    case.refresh_from_db()
    assert case.handler == people.monitoring
