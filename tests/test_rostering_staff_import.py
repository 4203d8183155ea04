"""Importing rostering staff details from an HR system's CSV staff list.

Each test checks something a detail office planner would notice: details that did not load,
a half-imported file, a problem reported without saying where, a roster built on a mistyped
working pattern, or a member of staff able to change everyone's contracts.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from probity.apps.audit.models import AuditEntry
from probity.apps.rostering.models import StaffDetails
from probity.apps.rostering.problems import problem_for
from probity.apps.rostering.staff_import import (
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    staff_details_import,
)
from tests.rostering_web_helpers import MONDAY, wing

pytestmark = pytest.mark.django_db

COLUMNS = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
HEADER = ",".join(COLUMNS) + "\n"


def row(staff_number: str, grade: str = "B3", contracted_hours: str = "37", **cells) -> str:
    cells.update(staff_number=staff_number, grade=grade, contracted_hours=contracted_hours)
    return ",".join(cells.get(column, "") for column in COLUMNS) + "\n"


# The wing's A, B, C and outsider have details (B3, 37 hours); the manager has none yet.
GOOD = HEADER + (
    row(
        "manager",
        "b4",
        "37.5",
        skills="first aid|control room",
        working_pattern="E  E L L - - -",
        pattern_start="2026-01-05",
        opted_out_48h="Yes",
    )
    + row("a", night_worker="y", night_assessment_offered="2025-10-05")
    + row("b", "OSG", "30", skills="search; first aid", hours_brought_forward="12.5")
    + row("c", night_work_advised_against="No")
)


@pytest.fixture
def setup():
    return wing()


def import_text(org, text, actor=None):
    return staff_details_import(organisation=org, file=io.BytesIO(text.encode()), actor=actor)


def snapshot(org):
    return {
        details.person.staff_number: (details.grade, details.contracted_hours, details.skills)
        for details in StaffDetails.objects.filter(person__organisation=org)
    }


def test_a_staff_list_creates_and_updates_details(setup):
    team, people = setup
    org = team.team.organisation
    report = import_text(org, GOOD)
    assert report.ok, report.as_text()
    assert report.as_text() == "Imported into HMP Example: 1 new, 2 updated, 1 unchanged."
    assert (report.created, report.updated, report.unchanged) == (["manager"], ["a", "b"], ["c"])
    manager = StaffDetails.objects.get(person=people["manager"])
    assert (manager.grade, manager.contracted_hours) == ("B4", Decimal("37.5"))
    assert manager.skills == ["first aid", "control room"]
    assert manager.working_pattern == "E E L L - - -"
    assert manager.opted_out_48h and not manager.night_worker
    b = StaffDetails.objects.get(person=people["b"])
    assert (b.grade, b.skills, b.hours_brought_forward) == ("OSG", ["search", "first aid"], 12.5)
    staff = {s.name: s for s in problem_for(team, MONDAY, 1).problem.staff}
    assert staff["A"].night_worker
    assert staff["A"].night_assessment_offered == datetime.date(2025, 10, 5)


def test_the_same_file_again_changes_nothing(setup):
    team, _people = setup
    org = team.team.organisation
    assert import_text(org, GOOD).ok
    entries, history = AuditEntry.objects.count(), StaffDetails.history.count()
    report = import_text(org, GOOD)
    assert report.as_text() == "Imported into HMP Example: 0 new, 0 updated, 4 unchanged."
    assert (AuditEntry.objects.count(), StaffDetails.history.count()) == (entries, history)


def test_a_column_left_out_keeps_what_was_recorded(setup):
    team, people = setup
    org = team.team.organisation
    assert import_text(org, GOOD).ok
    report = import_text(org, "staff_number,grade,contracted_hours\na,B4,36\n")
    assert report.updated == ["a"]
    details = StaffDetails.objects.get(person=people["a"])
    assert (details.grade, details.contracted_hours) == ("B4", 36)
    assert details.night_worker  # the HR export has no night-work column: still a night worker


def test_each_import_is_audited_naming_fields_not_health_values(setup):
    team, people = setup
    org = team.team.organisation
    assert import_text(org, GOOD).ok
    text = HEADER + row("c", night_work_advised_against="yes")
    assert import_text(org, text).updated == ["c"]
    entry = AuditEntry.objects.filter(action="staff_details.imported").last()
    assert entry.details == {
        "person": people["c"].pk,
        "created": False,
        "changed": ["night_work_advised_against"],
    }
    actions = AuditEntry.objects.filter(action="staff_details.imported")
    assert actions.count() == 4  # manager, a and b, then c; never the unchanged rows


# Each bad row follows the four good rows, so it is on line 6 of the file.
BAD_ROWS = {
    "negative hours": (row("outsider", contracted_hours="-3"), 'contracted_hours "-3" must be'),
    "too many hours": (row("outsider", contracted_hours="169"), "hours from 0 to 168"),
    "hours in words": (row("outsider", contracted_hours="lots"), "hours from 0 to 168"),
    "hours too exact": (row("outsider", contracted_hours="37.125"), "at most 2 decimal places"),
    "no hours": (row("outsider", contracted_hours=""), "contracted_hours is missing"),
    "unknown grade": (row("outsider", "B9"), 'grade "B9" must be one of OSG, B3, B4, B5'),
    "no grade": (row("outsider", ""), "grade is missing"),
    "annual hours": (row("outsider", annualised_hours="9000"), "hours from 0 to 8784"),
    "annual hours without a year": (
        row("outsider", annualised_hours="1950"),
        "annualised_hours needs a reference_start",
    ),
    "brought forward": (row("outsider", hours_brought_forward="x"), "hours_brought_forward"),
    "long skill": (row("outsider", skills="a" * 21), "has a skill longer than 20"),
    "unknown shift": (
        row("outsider", working_pattern="E X -"),
        'working_pattern "E X -" names no shift type X: shift codes are E, L',
    ),
    "day first date": (
        row("outsider", pattern_start="05/01/2026"),
        'pattern_start "05/01/2026" must be a date written YYYY-MM-DD',
    ),
    "no such date": (row("outsider", reference_start="2026-02-30"), "YYYY-MM-DD"),
    "not yes or no": (
        row("outsider", opted_out_48h="maybe"),
        'opted_out_48h "maybe" must be yes or no',
    ),
    "health not yes or no": (
        row("outsider", night_work_advised_against="?"),
        "night_work_advised_against",
    ),
    "unknown staff number": (
        row("zed"),
        "staff number zed is not one of HMP Example's people",
    ),
    "no staff number": (row(""), "staff_number is missing"),
    "twice": (row("a"), "staff number a appears twice (first on line 3)"),
    "stray comma": (row("outsider").replace("\n", ",\n"), "this row has 15 columns"),
}


@pytest.mark.parametrize("kind", BAD_ROWS)
def test_a_bad_value_is_reported_by_line_and_column_and_nothing_is_imported(setup, kind):
    team, people = setup
    org = team.team.organisation
    before = snapshot(org)
    bad, message = BAD_ROWS[kind]
    report = import_text(org, GOOD + bad)
    assert not report.ok
    assert [(p.line, message in p.message) for p in report.errors] == [(6, True)], report.errors
    assert "line 6: " in report.as_text()
    assert report.as_text().startswith("Nothing was imported into HMP Example")
    assert snapshot(org) == before
    assert not StaffDetails.objects.filter(person=people["manager"]).exists()


def test_every_bad_value_is_reported_at_once(setup):
    team, _people = setup
    text = HEADER + row("a", "B9", "-3") + row("zed", night_worker="maybe")
    report = import_text(team.team.organisation, text)
    assert [str(problem) for problem in report.errors] == [
        'line 2: grade "B9" must be one of OSG, B3, B4, B5.',
        'line 2: contracted_hours "-3" must be a number of hours from 0 to 168.',
        "line 3: staff number zed is not one of HMP Example's people; "
        "import them with the staff list first.",
        'line 3: night_worker "maybe" must be yes or no.',
    ]


def test_an_unknown_column_is_named_and_nothing_is_imported(setup):
    team, _people = setup
    org = team.team.organisation
    before = snapshot(org)
    report = import_text(org, "staff_number,grade,contracted_hours,shoe_size\na,B4,36,9\n")
    assert "line 1: unknown column 'shoe_size'; columns are staff_number" in report.as_text()
    assert snapshot(org) == before


def test_a_missing_column_is_named(setup):
    team, _people = setup
    report = import_text(team.team.organisation, "staff_number,grade\na,B4\n")
    assert "missing: contracted_hours" in report.as_text()


def test_a_health_assessment_offered_in_the_future_is_refused(setup):
    team, people = setup
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    text = HEADER + row("a", night_worker="yes", night_assessment_offered=str(tomorrow))
    report = import_text(team.team.organisation, text)
    assert [str(problem) for problem in report.errors] == [
        f'line 2: night_assessment_offered "{tomorrow}" is in the future: give the date the '
        "assessment was last offered."
    ]
    assert not StaffDetails.objects.get(person=people["a"]).night_worker


def test_an_ordinary_member_of_staff_may_not_import(setup):
    team, people = setup
    org = team.team.organisation
    officer = people["b"].user
    with pytest.raises(PermissionDenied, match="permission to add and change staff details"):
        import_text(org, GOOD, actor=officer)
    assert not StaffDetails.objects.filter(person=people["manager"]).exists()
    officer.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_staffdetails", "change_staffdetails"])
    )
    officer = type(officer).objects.get(pk=officer.pk)  # permissions are cached
    assert import_text(org, GOOD, actor=officer).ok
    details = StaffDetails.objects.get(person=people["manager"])
    assert details.history.first().history_user == officer
    assert AuditEntry.objects.filter(action="staff_details.imported").last().actor == officer


def test_the_command_and_cli_print_the_report(setup, tmp_path, capsys, monkeypatch):
    from probity import cli

    monkeypatch.setattr(cli, "_migrate_quietly", lambda: None)  # the test database is ready
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(GOOD, encoding="utf-8")
    bad.write_text(GOOD + row("outsider", contracted_hours="-3"), encoding="utf-8")
    assert cli.main(["rostering", "import-staff", "hmp-example", str(good)]) == 0
    assert "Imported into HMP Example: 1 new, 2 updated, 1 unchanged." in capsys.readouterr().out
    assert cli.main(["rostering", "import-staff", "hmp-example", str(bad)]) == 2
    error = capsys.readouterr().err
    assert 'line 6: contracted_hours "-3" must be a number of hours from 0 to 168.' in error
    assert "Traceback" not in error
    assert cli.main(["rostering", "import-staff", "nowhere", str(good)]) == 2
    assert "no organisation 'nowhere'" in capsys.readouterr().err
    call_command("rostering_import_staff", "hmp-example", str(good))
    assert "0 new, 0 updated, 4 unchanged" in capsys.readouterr().out
