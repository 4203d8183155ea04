"""The concerns pages: reporting one question a page (anonymously too), the receipt and the
return with code and passphrase, bad input and abuse, and who can open what, role by role."""

from __future__ import annotations

import datetime
import logging
import re

import pytest
from django.contrib.auth.models import Permission
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from probity.apps.accounts.services import token_create
from probity.apps.audit.models import AuditEntry
from probity.apps.concerns.models import Case, CaseAttachment, Status
from probity.apps.concerns.services import (
    Evidence,
    case_acknowledge,
    case_assess,
    case_decide,
    case_investigate,
    case_record_reply,
    case_report,
    case_request_review,
    message_to_reporter,
)
from tests.concerns_people import make_people
from tests.test_registers_pages import signed_in

pytestmark = pytest.mark.django_db

PASSPHRASE = "blue kettle under the stairs"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def people():
    return make_people()


def sign_in(client, person, *, verified=True):
    """Signed in; with a second factor this session unless `verified=False`."""
    return signed_in(client, person, verified=verified)


def answer(client, step, data):
    response = client.post(f"/concerns/report/{step}", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def report_anonymously(client, people, what="A visitor passed a package to a prisoner."):
    client.get("/concerns/report")
    answer(client, "organisation", {"organisation": people.organisation.slug})
    answer(client, "kind", {"kind": "security"})
    answer(client, "what", {"what": what})
    answer(client, "when", {"happened": "Friday visits, about 2pm"})
    answer(client, "who", {"who": "A woman visiting prisoner at table 4"})
    answer(client, "evidence", {"evidence": SimpleUploadedFile("photo.png", PNG)})
    answer(client, "evidence", {})
    answer(client, "treatment", {"treatment": "anonymous"})
    answer(client, "passphrase", {"passphrase": PASSPHRASE, "passphrase_again": PASSPHRASE})
    check = client.get("/concerns/report/check")
    key = re.search(r'name="key" value="([^"]+)"', check.content.decode()).group(1)
    return client.post("/concerns/report/check", {"key": key}), key


def test_an_anonymous_volunteer_reports_and_reads_the_reply_with_code_and_passphrase(
    client, people, caplog
):
    caplog.set_level(logging.DEBUG)
    client.defaults["HTTP_USER_AGENT"] = "Frightened/1.0 (volunteer's own phone)"
    start = client.get("/concerns")
    assert "do not record your internet address" in start.content.decode()
    response, _ = report_anonymously(client, people)
    page = response.content.decode()
    code = re.search(r'id="receipt-code">([0-9A-Z-]+)<', page).group(1)
    case = Case.objects.get()
    assert (case.treatment, case.reporter, case.handler) == ("anonymous", None, people.volunteers)
    assert case.attachments.get().content_type == "image/png"
    # nothing of the report is left in the session store
    assert all(
        "visitor" not in str(s.get_decoded()) and "probity.concern" not in s.get_decoded()
        for s in Session.objects.all()
    )

    message_to_reporter(case=case, actor=people.volunteers, body="Thank you: we are on it.")
    wrong = client.post("/concerns/follow-up", {"code": code, "passphrase": "not the one!"})
    unknown = client.post(
        "/concerns/follow-up", {"code": "AAAA-BBBB-CCCC-DDDD", "passphrase": PASSPHRASE}
    )
    message = "We could not find a report with that receipt code and passphrase"
    assert message in wrong.content.decode() and message in unknown.content.decode()
    assert "Thank you" not in wrong.content.decode()
    opened = client.post("/concerns/follow-up", {"code": code.lower(), "passphrase": PASSPHRASE})
    assert "Thank you: we are on it." in opened.content.decode()
    token = re.search(r'name="token" value="([^"]+)"', opened.content.decode()).group(1)
    added = client.post(
        "/concerns/follow-up/add", {"token": token, "body": "It happened again on Sunday."}
    )
    assert "sent to the case handler" in added.content.decode()
    assert case.messages.filter(direction="from-reporter").count() == 1
    reporters_entries = AuditEntry.objects.filter(
        object_id=str(case.pk),
        action__in=("case.received", "case.viewed_by_reporter", "case.message_received"),
    )
    assert reporters_entries.count() == 4  # received, viewed, added to, viewed
    assert all(e.actor_id is None and "path" not in e.details for e in reporters_entries)
    # neither the address (127.0.0.1 from the test client) nor the browser is kept anywhere
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # table names come from Django
            dump = repr(cursor.fetchall())
            assert "127.0.0.1" not in dump and "Frightened" not in dump, table
            assert code not in dump and PASSPHRASE not in dump, table
    for secret in ("127.0.0.1", "Frightened", code, PASSPHRASE):
        assert secret not in caplog.text


def test_sending_the_same_report_twice_makes_one_case(client, people):
    _, key = report_anonymously(client, people)
    again = client.post("/concerns/report/check", {"key": key})
    assert again.status_code == 409
    assert "already been sent" in again.content.decode()
    assert Case.objects.count() == 1


def test_a_disguised_or_oversized_file_is_refused_by_name_of_the_field(client, people):
    client.get("/concerns/report")
    disguised = client.post(
        "/concerns/report/evidence",
        {"evidence": SimpleUploadedFile("holiday.jpg", b"MZ\x90\x00\x03" + b"\x00" * 100)},
    )
    page = disguised.content.decode()
    assert disguised.status_code == 200
    assert 'href="#evidence"' in page and "its content says otherwise" in page
    huge = client.post(
        "/concerns/report/evidence",
        {"evidence": SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024))},
    )
    assert "smaller than 10MB" in huge.content.decode()
    assert CaseAttachment.objects.count() == 0


def test_every_question_says_what_is_missing(client, people):
    client.get("/concerns/report")
    page = client.post("/concerns/report/what", {"what": "  "}).content.decode()
    assert "There is a problem" in page and "Enter what happened" in page
    assert "<title>Error:" in page
    named = client.post("/concerns/report/treatment", {"treatment": "named"})
    assert "Sign in to report in your name" in named.content.decode()
    answer(client, "treatment", {"treatment": "anonymous"})
    short = client.post(
        "/concerns/report/passphrase", {"passphrase": "short", "passphrase_again": "x"}
    )
    assert "at least 10 characters" in short.content.decode()
    differ = client.post(
        "/concerns/report/passphrase",
        {"passphrase": PASSPHRASE, "passphrase_again": PASSPHRASE + "!"},
    )
    assert "The passphrases do not match" in differ.content.decode()


def test_script_in_a_report_is_shown_as_text(client, people):
    case, _ = case_report(
        organisation=people.organisation,
        kind="impropriety",
        what="<script>alert('x')</script>",
        treatment="named",
        actor=people.worker,
        subject=people.colleague,
    )
    page = sign_in(client, people.manager).get(f"/concerns/cases/{case.pk}").content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page


# --- need to know, role by role ---------------------------------------------------------------


@pytest.fixture
def reviewed_case(people):
    """A volunteer's case, decided against them (reported by worker), review asked for."""
    case, _ = case_report(
        organisation=people.organisation,
        kind="volunteer-behaviour",
        what="The volunteer shouted at a prisoner's child.",
        treatment="confidential",
        actor=people.worker,
        subject=people.volunteer,
    )
    handler = people.volunteers
    case = case_acknowledge(case=case, actor=handler)
    case = case_assess(case=case, actor=handler, triage="investigation", reasons="Serious")
    case = case_investigate(case=case, actor=handler, allegation="You shouted at a child.")
    case = case_record_reply(case=case, actor=people.volunteer, reply="I was provoked.")
    case = case_decide(case=case, actor=handler, decision="stood-down", reasons="Shouting.")
    return case_request_review(case=case, actor=people.volunteer, reasons="Unfair.")


@pytest.mark.parametrize(
    ("who", "case_page", "report_page", "about_page"),
    [
        ("volunteers", 200, 404, 404),  # the handler
        ("senior", 200, 404, 404),  # the handler's manager, and the named reviewer
        ("chief", 200, 404, 404),  # above the handler: their escalation chain
        ("worker", 404, 200, 404),  # the reporter
        ("volunteer", 404, 404, 200),  # the subject
        ("colleague", 404, 404, 404),  # other staff
        ("keeper", 404, 404, 404),  # the register keeper
        ("monitoring", 404, 404, 404),  # another office holder
    ],
)
def test_who_can_open_what(client, people, reviewed_case, who, case_page, report_page, about_page):
    sign_in(client, people[who])
    pk = reviewed_case.pk
    assert client.get(f"/concerns/cases/{pk}").status_code == case_page
    assert client.get(f"/concerns/mine/{pk}").status_code == report_page
    assert client.get(f"/concerns/about-me/{pk}").status_code == about_page
    _, secret = token_create(user=people[who].user, name="test", lifetime=None)
    api = client.get(f"/api/concerns/cases/{pk}", headers={"authorization": f"Bearer {secret}"})
    assert api.status_code == case_page
    if case_page == 200:
        assert api.json()["what"] == "The volunteer shouted at a prisoner's child."


def test_the_subject_never_sees_who_reported_it_or_what_they_wrote(client, people, reviewed_case):
    page = sign_in(client, people.volunteer).get(f"/concerns/about-me/{reviewed_case.pk}")
    text = page.content.decode()
    assert "You shouted at a child." in text and "Stood down" in text
    assert people.worker.name not in text and "prisoner's child" not in text


def test_a_confidential_reporter_is_known_to_the_handler_alone(client, people, reviewed_case):
    handler_page = sign_in(client, people.volunteers).get(f"/concerns/cases/{reviewed_case.pk}")
    assert people.worker.name in handler_page.content.decode()
    client.logout()
    reviewer_page = sign_in(client, people.senior).get(f"/concerns/cases/{reviewed_case.pk}")
    assert people.worker.name not in reviewer_page.content.decode()
    assert "Confidential: known only to the case handler" in reviewer_page.content.decode()


def test_opening_a_case_is_audited_and_needs_a_second_factor(client, people, reviewed_case):
    sign_in(client, people.volunteers, verified=False)
    assert client.get(f"/concerns/cases/{reviewed_case.pk}").status_code == 302
    client.logout()
    sign_in(client, people.volunteers)
    client.get(f"/concerns/cases/{reviewed_case.pk}")
    assert AuditEntry.objects.filter(
        action="case.viewed", object_id=str(reviewed_case.pk), actor_id=people.volunteers.user_id
    ).exists()


def test_the_reviewer_decides_the_review_through_the_pages(client, people, reviewed_case):
    sign_in(client, people.senior)
    page = client.get(f"/concerns/cases/{reviewed_case.pk}").content.decode()
    assert "Decide the review" in page
    response = client.post(
        f"/concerns/cases/{reviewed_case.pk}/decide-review",
        {"outcome": "upheld", "reasons": "The reply does not excuse it."},
    )
    assert response.status_code == 302
    reviewed_case.refresh_from_db()
    assert (reviewed_case.status, reviewed_case.review_outcome) == (
        Status.REVIEW_DECIDED,
        "upheld",
    )
    client.logout()
    sign_in(client, people.volunteers)  # the decision maker cannot decide the review
    refused = client.post(
        f"/concerns/cases/{reviewed_case.pk}/decide-review",
        {"outcome": "overturned", "reasons": "x"},
    )
    assert refused.status_code == 200 and "may not" in refused.content.decode()


def test_the_queue_shows_deadlines_and_overdue_cases(client, people):
    case_report(
        organisation=people.organisation,
        kind="impropriety",
        what="x",
        treatment="named",
        actor=people.worker,
        subject=people.colleague,
        today=datetime.date.today() - datetime.timedelta(days=10),
    )
    page = sign_in(client, people.manager).get("/concerns/cases").content.decode()
    assert "Overdue" in page and "C0000" in page
    assert "x" not in re.findall(r"<td[^>]*>([^<]*)</td>", page)


def test_site_access_withdrawals_are_seen_by_those_who_manage_site_access(client, people):
    case, _ = case_report(
        organisation=people.organisation,
        kind="volunteer-behaviour",
        what="x",
        treatment="named",
        actor=people.worker,
        subject=people.volunteer,
    )
    handler = people.volunteers
    case = case_acknowledge(case=case, actor=handler)
    case = case_assess(case=case, actor=handler, triage="investigation", reasons="r")
    case = case_investigate(case=case, actor=handler, allegation="a")
    case = case_record_reply(case=case, actor=handler, reply="r")
    case_decide(case=case, actor=handler, decision="site-access-all-moj", reasons="Risk.")
    assert sign_in(client, people.keeper).get("/concerns/site-access").status_code == 404
    people.hr.user.user_permissions.add(
        Permission.objects.get(codename="view_siteaccesswithdrawal")
    )
    client.logout()
    page = sign_in(client, people.hr).get("/concerns/site-access").content.decode()
    assert people.volunteer.name in page and "All MoJ sites" in page


def test_oversight_figures_have_no_identities_and_export_as_csv(client, people, reviewed_case):
    assert sign_in(client, people.keeper).get("/concerns/oversight").status_code == 404
    client.logout()
    csv_text = sign_in(client, people.chief).get("/concerns/oversight?format=csv").content.decode()
    assert "by_kind,volunteer-behaviour,1" in csv_text
    assert "outcomes,stood-down,1" in csv_text
    for secret in (people.worker.name, people.volunteer.name, reviewed_case.reference):
        assert secret not in csv_text


def test_staff_log_a_concern_taken_by_phone(client, people):
    sign_in(client, people.colleague, verified=False)
    page = client.post(
        "/concerns/log",
        {
            "received_via": "phone",
            "kind": "impropriety",
            "treatment": "anonymous",
            "passphrase": PASSPHRASE,
            "what": "A caller says invoices are being split.",
        },
    ).content.decode()
    assert "Concern logged" in page and 'id="receipt-code"' in page
    case = Case.objects.get()
    assert (case.received_via, case.logged_by, case.reporter) == ("phone", people.colleague, None)
    assert case.handler == people.monitoring


def test_the_handlers_manager_reassigns_a_case_and_reads_its_timeline(client, people):
    case, _ = case_report(
        organisation=people.organisation,
        kind="impropriety",
        what="x",
        treatment="named",
        actor=people.worker,
        subject=people.colleague,
        evidence=[Evidence("receipt.pdf", b"%PDF-1.4 a receipt")],
    )
    sign_in(client, people.senior)
    page = client.get(f"/concerns/cases/{case.pk}/reassign").content.decode()
    assert people.colleague.name not in page  # the subject is never offered
    response = client.post(f"/concerns/cases/{case.pk}/reassign", {"handler": people.senior.pk})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.handler == people.senior
    timeline = client.get(f"/concerns/cases/{case.pk}").content.decode()
    assert "Concern received" in timeline and "Reassigned, by Senior Essex" in timeline
    download = client.get(f"/concerns/cases/{case.pk}/attachments/{case.attachments.get().pk}")
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].endswith('.pdf"')
    assert download.content == b"%PDF-1.4 a receipt"
