"""The registers' pages: declaring from the interview, my declarations, deciding, the register
and its exports, the PDF and annual campaigns, and that nobody outside the rules sees another
person's declarations through any of them."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from probity.apps.audit.models import AuditEntry
from probity.apps.people.models import (
    AdoptedCode,
    CodeRole,
    OfficeHolder,
    Organisation,
    Person,
    Team,
)
from probity.apps.registers.campaigns import campaign_completion, campaign_open, campaigns_remind
from probity.apps.registers.models import Campaign, Declaration, Status
from probity.apps.registers.services import declaration_approve, declaration_create

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
PASSWORD = "correct horse battery staple"
HOSPITALITY_QUERY = (
    "roles=opcc:employee&matter=hospitality&offered_by=partner-organisation"
    "&purpose=represent-organisation&corporate=no&decision_pending_affecting_provider=no"
)


def _person(org, team, key, manager=None, code="opcc"):
    user = get_user_model().objects.create_user(
        username=f"{org.slug}-{key}", password=PASSWORD, email=f"{key}@{org.slug}.test"
    )
    person = Person.objects.create(
        organisation=org,
        user=user,
        name=f"{key.title()} Person{org.pk}",
        email=f"{key}@{org.slug}.test",
        staff_number=f"SN-{org.slug}-{key}",
        team=team,
        line_manager=manager,
        start_date=datetime.date(2020, 1, 1),
    )
    CodeRole.objects.create(person=person, code_id=code, role="employee")
    return person


@pytest.fixture
def opcc():
    org = Organisation.objects.create(name="OPCC", slug="opcc")
    AdoptedCode.objects.create(organisation=org, code_id="opcc")
    team = Team.objects.create(organisation=org, name="Policy")
    other = Team.objects.create(organisation=org, name="Finance")
    people = {}
    people["chief"] = _person(org, None, "chief")
    people["manager"] = _person(org, team, "manager", people["chief"])
    people["employee"] = _person(org, team, "employee", people["manager"])
    people["colleague"] = _person(org, team, "colleague", people["manager"])
    people["finance"] = _person(org, other, "finance", people["chief"])
    people["keeper"] = _person(org, None, "keeper", people["chief"])
    OfficeHolder.objects.create(organisation=org, office="chief-executive", person=people["chief"])
    OfficeHolder.objects.create(organisation=org, office="register-keeper", person=people["keeper"])
    people["org"] = org
    people["team"] = team
    people["other_team"] = other
    return people


def signed_in(client, person, *, verified=False):
    client.force_login(person.user)
    if verified:
        device = TOTPDevice.objects.create(user=person.user, name="Phone", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


def hospitality(person, **options):
    declaration = declaration_create(
        person=person,
        situation={
            "matter": "hospitality",
            "facts": {
                "offered_by": "partner-organisation",
                "purpose": "represent-organisation",
                "corporate": False,
                "decision_pending_affecting_provider": False,
            },
        },
        actor=person.user,
        occurred_on=TODAY - datetime.timedelta(days=2),
        description=options.pop("description", "Tickets to a county cricket match"),
        value_pence=options.pop("value_pence", 4500),
        submit=True,
        **options,
    )
    return declaration


def declined_gift(person):
    return declaration_create(
        person=person,
        situation={"matter": "gift", "facts": {"offered_by": "contractor", "kind": "item"}},
        actor=person.user,
        occurred_on=TODAY - datetime.timedelta(days=1),
        description=f"A bottle of wine; call {person.name} on 07700 900123 or {person.email}",
        value_pence=2000,
        offer_declined=True,
        submit=True,
    )


def text(response) -> str:
    return " ".join(response.content.decode().split())


# --- declaring from the interview ---------------------------------------------------------------


def test_a_declaration_is_prefilled_from_the_interview_and_submitted_once(client, opcc):
    employee = opcc["employee"]
    signed_in(client, employee)
    start = client.get(f"/declarations/new?{HOSPITALITY_QUERY}")
    assert start.status_code == 302 and start.url == "/declarations/new/details"
    details = client.get(start.url)
    page = text(details)
    assert "Hospitality" in page and "A partner organisation" in page
    assert 'name="offered_by"' not in page  # known from the interview: not asked again

    # Validation in GOV.UK style: nothing entered, a future date, a negative value.
    empty = client.post(start.url, {})
    assert "<title>Error: " in empty.content.decode()
    assert "Describe what you are declaring" in text(empty)
    future = TODAY + datetime.timedelta(days=3)
    bad = client.post(
        start.url,
        {
            "description": "Cricket",
            "occurred_on-day": future.day,
            "occurred_on-month": future.month,
            "occurred_on-year": future.year,
            "value": "-5",
            "outcome": "accepted",
        },
    )
    assert "must be today or in the past" in text(bad)
    assert "Value must be £0 or more" in text(bad)
    assert 'href="#occurred_on-day"' in bad.content.decode()

    when = TODAY - datetime.timedelta(days=1)
    good = client.post(
        start.url,
        {
            "description": "Invitation to a county cricket match, representing the office",
            "occurred_on-day": when.day,
            "occurred_on-month": when.month,
            "occurred_on-year": when.year,
            "value": "45",
            "outcome": "accepted",
        },
    )
    assert good.status_code == 302 and good.url == "/declarations/new/check"
    check = client.get(good.url)
    assert "£45" in text(check) and "Check your declaration" in text(check)
    key = check.context["key"]

    first = client.post("/declarations/new/check", {"key": key})
    second = client.post("/declarations/new/check", {"key": key})  # a double click
    assert first.status_code == 302 and second.status_code == 302
    assert first.url == second.url
    assert Declaration.objects.filter(person=employee).count() == 1
    declaration = Declaration.objects.get(person=employee)
    assert declaration.status == Status.SUBMITTED
    assert declaration.situation["facts"]["purpose"] == "represent-organisation"
    assert declaration.value_pence == 4500
    confirmation = client.get(first.url)
    assert "Declaration sent" in text(confirmation)
    assert str(declaration.pk) in text(confirmation)
    assert opcc["manager"].name in text(confirmation)


def test_a_declaration_can_start_without_the_interview(client, opcc):
    signed_in(client, opcc["employee"])
    assert client.get("/declarations/new").url == "/declarations/new/kind"
    chosen = client.post("/declarations/new/kind", {"kind": "gift"})
    assert chosen.url == "/declarations/new/details"
    page = text(client.get(chosen.url))
    assert "Who offered it?" in page and "Did you accept it or decline it?" in page
    assert "Select what you are declaring" in text(client.post("/declarations/new/kind", {}))


def test_a_bad_interview_link_says_what_is_wrong(client, opcc):
    signed_in(client, opcc["employee"])
    response = client.get("/declarations/new?roles=opcc:employee&matter=nonsense")
    assert response.status_code == 400


# --- who sees what ------------------------------------------------------------------------------


def test_nobody_outside_the_rules_sees_a_declaration_page_pdf_or_export(client, opcc):
    declaration = hospitality(opcc["employee"])
    paths = [f"/declarations/{declaration.pk}", f"/declarations/{declaration.pk}.pdf"]
    for outsider in (opcc["colleague"], opcc["finance"]):
        signed_in(client, outsider, verified=True)
        for path in paths:
            assert client.get(path).status_code == 404, (outsider, path)
        register = "/registers/gifts-and-hospitality-register"
        for path in (register, register + "/export.csv", register + "/export.xlsx"):
            response = client.get(path)
            assert response.status_code == 403
            assert declaration.description not in response.content.decode()
        mine = text(client.get("/declarations"))
        assert declaration.description not in mine
        client.logout()
    client.logout()
    assert client.get(paths[0]).status_code == 302  # to sign in


def test_the_declarant_sees_their_declaration_and_its_view_is_audited(client, opcc):
    declaration = hospitality(opcc["employee"])
    signed_in(client, opcc["employee"])
    response = client.get(f"/declarations/{declaration.pk}")
    page = text(response)
    assert response.status_code == 200
    assert "Tickets to a county cricket match" in page
    assert "/codes/opcc/" in response.content.decode()
    assert AuditEntry.objects.filter(
        action="declaration.viewed", object_id=str(declaration.pk)
    ).exists()
    pdf = client.get(f"/declarations/{declaration.pk}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_manager_decides_only_with_a_second_factor(client, opcc):
    declaration = hospitality(opcc["employee"])
    signed_in(client, opcc["manager"])
    assert client.get("/declarations/to-decide").url.startswith("/account/two-factor/setup")
    signed_in(client, opcc["manager"], verified=True)
    inbox = client.get("/declarations/to-decide")
    assert str(declaration.pk) in text(inbox)
    refuse = client.post(f"/declarations/{declaration.pk}/refuse", {"reason": ""})
    assert "Enter why you are refusing it" in text(refuse)
    done = client.post(f"/declarations/{declaration.pk}/approve", {"reason": "Fine"})
    assert done.status_code == 302
    declaration.refresh_from_db()
    assert declaration.status == Status.APPROVED


def test_approving_ones_own_declaration_is_refused_with_a_clear_message(client, opcc):
    declaration = hospitality(opcc["employee"])
    signed_in(client, opcc["employee"], verified=True)
    response = client.post(f"/declarations/{declaration.pk}/approve", {"reason": "Mine"})
    assert response.status_code == 403
    assert "You cannot decide your own declaration" in text(response)
    declaration.refresh_from_db()
    assert declaration.status == Status.SUBMITTED


# --- the register and its exports ---------------------------------------------------------------


def test_the_register_filters_and_exports_every_row(client, opcc):
    approved = hospitality(opcc["employee"])
    declaration_approve(declaration=approved, actor=opcc["manager"].user)
    hospitality(opcc["colleague"], description="Lunch at a partner's conference")
    declined = declined_gift(opcc["finance"])
    signed_in(client, opcc["keeper"], verified=True)
    register = f"/registers/{approved.register}"
    page = client.get(register)
    assert page.status_code == 200
    assert opcc["employee"].name in text(page)
    by_team = client.get(register, {"team": opcc["team"].pk})
    rows = by_team.context["rows"]
    assert {row["declaration"].team_id for row in rows} == {opcc["team"].pk}

    exported = client.get(register + "/export.csv")
    assert exported.streaming
    body = b"".join(exported.streaming_content).decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(body)))
    assert table[0][0] == "Reference"
    expected = Declaration.objects.filter(register=approved.register).exclude(
        status=Status.WITHDRAWN
    )
    assert sorted(int(row[0]) for row in table[1:]) == sorted(d.pk for d in expected)

    xlsx = client.get(register + "/export.xlsx")
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)), read_only=True)
    sheet_rows = list(workbook.active.iter_rows(values_only=True))
    assert sheet_rows[0][0] == "Reference" and len(sheet_rows) == len(table)

    public = client.get(register + "/transparency.csv")
    public_body = b"".join(public.streaming_content).decode("utf-8-sig")
    assert "Declined" in public_body
    for person in (opcc["employee"], opcc["finance"], opcc["manager"]):
        assert person.name not in public_body
        assert person.staff_number not in public_body
        assert person.email not in public_body
    assert "07700 900123" not in public_body
    assert AuditEntry.objects.filter(action="register.exported_csv").exists()
    assert AuditEntry.objects.filter(action="register.exported_transparency").exists()
    assert declined.offer_declined


def test_each_exported_column_reads_as_on_the_declaration(client, opcc):
    approved = hospitality(opcc["employee"], description='=HYPERLINK("http://x")', value_pence=1205)
    declaration_approve(declaration=approved, actor=opcc["manager"].user)
    approved.refresh_from_db()
    declined = declined_gift(opcc["finance"])
    signed_in(client, opcc["keeper"], verified=True)
    exported = client.get(f"/registers/{approved.register}/export.csv")
    body = b"".join(exported.streaming_content).decode("utf-8-sig")
    header, *rows = csv.reader(io.StringIO(body))
    by_reference = {int(row[0]): dict(zip(header, row, strict=True)) for row in rows}

    row = by_reference[approved.pk]
    assert row["Declared on"] == approved.declared_on.isoformat()
    assert row["Kind"] == "Hospitality" and row["Status"] == "Approved"
    assert row["Name"] == opcc["employee"].name and row["Team"] == opcc["team"].name
    assert row["Description"] == '\'=HYPERLINK("http://x")'  # never run as a formula
    assert row["Value (£)"] == "12.05"
    assert row["Accepted or declined"] == "Accepted"
    assert row["Clauses"] == " ".join(approved.clauses)
    assert row["Decided by"] == opcc["manager"].name
    assert row["Decided on"] == timezone.localdate(approved.decided_at).isoformat()
    assert row["Late"] == "No"
    if declined.register == approved.register:
        assert by_reference[declined.pk]["Accepted or declined"] == "Declined"
        assert by_reference[declined.pk]["Value (£)"] == "20.00"


def test_the_register_refuses_bad_dates(client, opcc):
    signed_in(client, opcc["keeper"], verified=True)
    response = client.get(
        "/registers/gifts-and-hospitality-register",
        {"declared_from-day": "31", "declared_from-month": "2", "declared_from-year": "2026"},
    )
    assert "must be a real date" in text(response)


# --- campaigns ----------------------------------------------------------------------------------


def test_a_nil_return_counts_toward_completion(client, opcc):
    campaign = campaign_open(
        organisation=opcc["org"],
        actor=opcc["keeper"].user,
        name="Annual declaration 2026",
        deadline=TODAY + datetime.timedelta(days=30),
        teams=[opcc["team"]],
    )
    signed_in(client, opcc["employee"])
    mine = text(client.get("/declarations"))
    assert "Annual declaration 2026" in mine
    bad = client.post(f"/declarations/campaigns/{campaign.pk}/return", {})
    assert "<title>Error: " in bad.content.decode()
    made = client.post(f"/declarations/campaigns/{campaign.pk}/return", {"answer": "nil"})
    assert made.status_code == 302
    figures = campaign_completion(campaign)
    policy = next(team for team in figures["teams"] if team.team == "Policy")
    assert (policy.in_scope, policy.returned, policy.nil_returns) == (3, 1, 1)
    assert figures["total"].returned == 1

    mail.outbox.clear()
    reminded = campaigns_remind()
    assert sorted(reminded[campaign.pk]) == sorted([opcc["manager"].pk, opcc["colleague"].pk])
    assert campaigns_remind() == {}  # not twice in a week
    # finance is not in scope and cannot answer
    signed_in(client, opcc["finance"])
    assert client.get(f"/declarations/campaigns/{campaign.pk}/return").status_code == 404

    signed_in(client, opcc["keeper"], verified=True)
    page = client.get(f"/declarations/campaigns/{campaign.pk}")
    assert "Completion by team" in text(page)
    opened = client.post(
        "/declarations/campaigns/new",
        {"name": "", "deadline-day": "1", "deadline-month": "1", "deadline-year": "2000"},
    )
    assert "Enter a name for the campaign" in text(opened)
    assert "must be today or in the future" in text(opened)
    assert Campaign.objects.count() == 1


def test_the_reminder_command_reminds_people_of_their_annual_return(
    opcc, capsys, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    campaign_open(
        organisation=opcc["org"],
        actor=opcc["keeper"],
        name="Annual declaration 2026",
        deadline=TODAY + datetime.timedelta(days=30),
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("registers_remind")
    assert "reminded 6 people of their annual return" in capsys.readouterr().out
    assert len(mail.outbox) == 6
    assert "Annual declaration 2026" in mail.outbox[0].subject
    call_command("registers_remind")
    assert "reminded 0 people" in capsys.readouterr().out


def test_a_second_decision_on_a_decided_declaration_says_so(client, opcc):
    declaration = hospitality(opcc["employee"])
    signed_in(client, opcc["manager"], verified=True)
    assert client.post(f"/declarations/{declaration.pk}/approve", {}).status_code == 302
    again = client.post(f"/declarations/{declaration.pk}/refuse", {"reason": "No"})
    assert again.status_code == 200
    assert "<title>Error: " in again.content.decode()
    declaration.refresh_from_db()
    assert declaration.status == Status.APPROVED
    assert declaration.events.filter(transition="refuse").count() == 0


def test_register_pages_and_exports_make_the_same_queries_however_many_rows(client, opcc):
    signed_in(client, opcc["keeper"], verified=True)
    first = hospitality(opcc["employee"])
    register = f"/registers/{first.register}"

    def queries(path) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)
        return len(captured.captured_queries)

    few = {path: queries(path) for path in (register, register + "/export.csv")}
    for n in range(8):
        hospitality(opcc["colleague"] if n % 2 else opcc["finance"], description=f"Visit {n}")
    for path, count in few.items():
        assert queries(path) == count, path
