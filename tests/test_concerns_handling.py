"""Concerns: what a frightened reporter and a careful investigator expect beyond the first
build: a confidential reporter kept out of the audit trail, the subject linked (or unlinked)
later with the case rerouted away from them, co-handlers and named reviewers on a need-to-know
basis, and each organisation's own retention periods."""

from __future__ import annotations

import datetime

import pytest

from probity.apps.audit.models import AuditEntry
from probity.apps.audit.selectors import audit_entries_for, audit_verify
from probity.apps.concerns.services import (
    case_report,
    message_from_reporter,
    message_to_reporter,
)
from tests.concerns_people import make_people
from tests.test_registers_pages import signed_in

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)


@pytest.fixture
def people():
    return make_people()


def report(people, kind="impropriety", by="worker", subject=None, **kwargs):
    kwargs.setdefault("treatment", "named")
    return case_report(
        organisation=people.organisation,
        kind=kind,
        what=kwargs.pop("what", "Expenses claimed for a trip that did not happen."),
        actor=people[by] if by else None,
        subject=people[subject] if subject else None,
        today=kwargs.pop("today", TODAY),
        **kwargs,
    )[0]


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
