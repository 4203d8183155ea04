"""Organisations and people: who an authority is, importing staff lists, the demo data.

Each test checks something a register keeper would notice: a declaration sent to the wrong
person (or to the person making it), a half-imported staff list, a demo without a role.
"""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from probity.apps.people.demo import DEMO_PASSWORD, demo_load, demo_organisations
from probity.apps.people.models import (
    AdoptedCode,
    CodeRole,
    OfficeHolder,
    Organisation,
    Person,
    Team,
)
from probity.apps.people.offices import office_ids
from probity.apps.people.selectors import (
    authority_resolve,
    person_managers_manager,
    person_roles,
)
from probity.apps.people.services import people_import_csv
from probity.core.codes import load_code
from probity.core.engine import decide
from probity.core.errors import BadInput
from probity.core.situation import parse_situation
from probity.core.vocabulary import vocabulary

pytestmark = pytest.mark.django_db


# An organisation: Chief Executive → Director of Operations → Team Manager → Probation Officer.
@pytest.fixture
def org():
    organisation = Organisation.objects.create(name="Northshire Probation", slug="northshire")
    for code_id in ("essex-probation", "probation-institute"):
        AdoptedCode.objects.create(organisation=organisation, code_id=code_id)
    return organisation


def person(org, staff_number, name, manager=None, **fields):
    return Person.objects.create(
        organisation=org, staff_number=staff_number, name=name, line_manager=manager, **fields
    )


@pytest.fixture
def people(org):
    chief = person(org, "1", "Carol Chief")
    director = person(org, "2", "Dev Director", chief)
    other_director = person(org, "3", "Dora Director", chief)
    manager = person(org, "4", "Manny Manager", director)
    person(org, "5", "Olu Officer", manager)
    for office, holder in [
        ("chief-executive", chief),
        ("director", other_director),  # the first director on record is not Olu's
        ("director", director),
        ("monitoring-officer", other_director),
        ("board-secretary", manager),
        ("human-resources", other_director),
        ("finance-and-administration-manager", other_director),
        ("responsible-manager", manager),
        ("register-keeper", other_director),
    ]:
        OfficeHolder.objects.create(organisation=org, office=office, person=holder)
    return {p.staff_number: p for p in Person.objects.filter(organisation=org)}


# --- Who an authority is -------------------------------------------------------------------


@pytest.mark.parametrize("authority", ["line-manager", "manager", "responsible-manager"])
def test_your_line_manager_is_the_person_you_report_to(people, authority):
    resolution = authority_resolve(person=people["5"], authority=authority)
    assert resolution.person == people["4"]
    assert resolution.office == authority
    assert not resolution.vacant
    assert resolution.note == ""


def test_each_office_resolves_to_the_person_who_holds_it(people):
    officer = people["5"]
    expected = {
        "chief-executive": "1",
        "monitoring-officer": "3",
        "board-secretary": "4",
        "human-resources": "3",
        "finance-and-administration-manager": "3",
    }
    for office, staff_number in expected.items():
        resolution = authority_resolve(person=officer, authority=office)
        assert resolution.person == people[staff_number], office
        assert (resolution.office, resolution.vacant, resolution.note) == (office, False, "")


def test_of_several_directors_a_declaration_goes_to_the_one_above_the_person(people):
    assert authority_resolve(person=people["5"], authority="director").person == people["2"]
    # Someone outside both directors' lines goes to the first director on record.
    assert authority_resolve(person=people["1"], authority="director").person == people["3"]


def test_a_vacant_office_goes_to_the_chief_executive_and_asks_for_the_register_keeper(org, people):
    OfficeHolder.objects.filter(organisation=org, office="monitoring-officer").update(person=None)
    resolution = authority_resolve(person=people["5"], authority="monitoring-officer")
    assert resolution.person == people["1"]
    assert resolution.office == "chief-executive"
    assert resolution.vacant
    assert "Monitoring Officer is vacant" in resolution.note
    assert "Carol Chief" in resolution.note
    assert "register keeper" in resolution.note


def test_an_office_whose_holder_has_left_is_treated_as_vacant(org, people):
    Person.objects.filter(pk=people["4"].pk).update(active=False)
    resolution = authority_resolve(person=people["2"], authority="board-secretary")
    assert resolution.person == people["1"]
    assert resolution.vacant


def test_an_office_never_mentioned_at_all_is_vacant_too(org, people):
    OfficeHolder.objects.filter(organisation=org, office="human-resources").delete()
    resolution = authority_resolve(person=people["5"], authority="human-resources")
    assert (resolution.person, resolution.vacant) == (people["1"], True)


def test_a_line_manager_who_has_left_passes_to_the_next_person_up_with_a_note(people):
    Person.objects.filter(pk=people["4"].pk).update(active=False)
    officer = Person.objects.get(pk=people["5"].pk)
    resolution = authority_resolve(person=officer, authority="line-manager")
    assert resolution.person == people["2"]
    assert resolution.vacant
    assert "Manny Manager, has left" in resolution.note
    assert "next person up, Dev Director" in resolution.note


def test_someone_with_no_line_manager_goes_to_the_chief_executive_with_a_note(org, people):
    newcomer = person(org, "9", "Nia Newcomer")
    resolution = authority_resolve(person=newcomer, authority="line-manager")
    assert resolution.person == people["1"]
    assert resolution.office == "chief-executive"
    assert resolution.vacant
    assert "no line manager recorded" in resolution.note
    assert "register keeper" in resolution.note


def test_a_volunteer_with_no_line_manager_goes_to_the_responsible_manager(org, people):
    volunteer = person(org, "8", "Val Volunteer")
    resolution = authority_resolve(person=volunteer, authority="responsible-manager")
    assert resolution.person == people["4"]
    assert resolution.office == "responsible-manager"
    assert not resolution.vacant


def test_no_one_ever_decides_their_own_case(people):
    # The only Monitoring Officer asks the Monitoring Officer: it goes up their own line.
    resolution = authority_resolve(person=people["3"], authority="monitoring-officer")
    assert resolution.person == people["1"]
    assert "holds the office of Monitoring Officer themselves" in resolution.note
    # A director asking "a director" gets the other director, not themselves.
    assert authority_resolve(person=people["2"], authority="director").person == people["3"]
    # The Chief Executive asking the Chief Executive: nobody above them is recorded.
    top = authority_resolve(person=people["1"], authority="chief-executive")
    assert top.person is None and top.vacant and "register keeper" in top.note


def test_nobody_anywhere_is_sent_their_own_declaration(people):
    Person.objects.filter(pk=people["2"].pk).update(active=False)
    for someone in Person.objects.all():
        for authority in vocabulary().authorities:
            resolution = authority_resolve(person=someone, authority=authority)
            assert resolution.person != someone, (someone, authority)
            assert resolution.person is None or resolution.person.active


def test_the_court_is_an_outside_body_not_anyone_in_the_organisation(people):
    resolution = authority_resolve(person=people["5"], authority="court")
    assert resolution.person is None
    assert not resolution.vacant
    assert "outside body" in resolution.note


def test_an_unknown_authority_is_bad_input(people):
    with pytest.raises(BadInput, match="authority"):
        authority_resolve(person=people["5"], authority="the-boss")


def test_the_managers_manager_hears_a_concern_about_ones_own_manager(people):
    assert person_managers_manager(people["5"]) == people["2"]
    assert person_managers_manager(people["2"]) is None


# --- People and their codes ----------------------------------------------------------------


def test_a_persons_roles_are_the_roles_of_their_guidance_situation(org, people):
    officer = people["5"]
    CodeRole.objects.create(person=officer, code_id="essex-probation", role="employee")
    CodeRole.objects.create(person=officer, code_id="probation-institute", role="member")
    roles = person_roles(officer)
    assert roles == {"essex-probation": "employee", "probation-institute": "member"}
    situation = parse_situation({"roles": roles, "matter": "gift", "facts": {}})
    assert decide(situation)["codes"] == {
        "essex-probation": "applies",
        "probation-institute": "applies",
    }


def test_a_role_the_code_does_not_cover_is_refused(people):
    role = CodeRole(person=people["5"], code_id="essex-probation", role="volunteer")
    with pytest.raises(ValidationError, match="does not cover the role volunteer"):
        role.full_clean()


def test_a_role_under_a_code_the_organisation_has_not_adopted_is_refused(people):
    role = CodeRole(person=people["5"], code_id="opcc", role="employee")
    with pytest.raises(ValidationError, match="has not adopted opcc"):
        role.full_clean()


def test_an_organisation_can_only_adopt_a_code_probity_holds(org):
    with pytest.raises(ValidationError, match="made-up-code"):
        AdoptedCode(organisation=org, code_id="made-up-code").full_clean()


def test_line_management_cannot_go_round_in_a_circle(people):
    director = people["2"]
    director.line_manager = people["5"]  # Olu reports (indirectly) to Dev
    with pytest.raises(ValidationError, match="already above them"):
        director.full_clean()
    chief = people["1"]
    chief.line_manager = chief
    with pytest.raises(ValidationError):
        chief.full_clean()


def test_changes_to_people_and_offices_keep_their_history(people):
    officer = people["5"]
    officer.name = "Olu Officer-Smith"
    officer.save()
    assert [h.name for h in officer.history.order_by("history_date")] == [
        "Olu Officer",
        "Olu Officer-Smith",
    ]
    holder = OfficeHolder.objects.filter(office="board-secretary").get()
    holder.person = None
    holder.save()
    assert holder.history.count() == 2


# --- Importing a staff list ----------------------------------------------------------------

HEADER = (
    "staff_number,name,email,team,line_manager_staff_number,"
    "role:essex-probation,role:probation-institute\n"
)
GOOD = HEADER + (
    "100,Ada Chief,ada@example.org,Executive,,employee,member\n"
    "101,Ben Director,ben@example.org,Executive,100,employee,\n"
    "103,Cat Officer,cat@example.org,Chelmsford,102,employee,member\n"  # manager listed below
    "102,Dan Manager,dan@example.org,Chelmsford,101,employee,\n"
    "104,Eve Agency,eve@example.org,Chelmsford,102,agency,\n"
)


def import_text(org, text, actor=None):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return people_import_csv(organisation=org, file=io.BytesIO(data), actor=actor)


def test_a_staff_list_imports_people_teams_roles_and_line_managers(org):
    report = import_text(org, GOOD)
    assert report.ok, report.as_text()
    assert report.created == ["100", "101", "103", "102", "104"]
    cat = Person.objects.get(organisation=org, staff_number="103")
    assert cat.line_manager.name == "Dan Manager"
    assert cat.team.name == "Chelmsford"
    assert person_roles(cat) == {"essex-probation": "employee", "probation-institute": "member"}
    assert person_roles(Person.objects.get(staff_number="104")) == {"essex-probation": "agency"}
    assert set(Team.objects.filter(organisation=org).values_list("name", flat=True)) == {
        "Executive",
        "Chelmsford",
    }
    assert "5 new people" in report.as_text()
    assert authority_resolve(person=cat, authority="line-manager").person.name == "Dan Manager"


def test_an_import_is_recorded_in_the_audit_trail(org):
    if not apps.is_installed("probity.apps.audit"):
        pytest.skip("the audit trail is not installed")
    from probity.apps.audit.models import AuditEntry

    import_text(org, GOOD)
    entry = AuditEntry.objects.get(action="people.imported")
    assert entry.object_id == str(org.pk)
    assert entry.details["created"] == 5


# Each bad row follows the five good rows above, so it is on line 7 of the file.
BAD_ROWS = {
    "unknown role": (
        "105,Fay,fay@example.org,,100,boss,",
        "'boss' under essex-probation is not a role",
    ),
    "role the code does not cover": (
        "105,Fay,fay@example.org,,100,volunteer,",
        "essex-probation does not cover the role volunteer",
    ),
    "role of another code": (
        "105,Fay,fay@example.org,,100,,employee",
        "probation-institute does not cover the role employee",
    ),
    "unknown line manager": (
        "105,Fay,fay@example.org,,999,employee,",
        "line manager 999 is not in the file",
    ),
    "own line manager": (
        "105,Fay,fay@example.org,,105,employee,",
        "105 cannot be their own line manager",
    ),
    "duplicate staff number": (
        "101,Fay,fay@example.org,,100,employee,",
        "staff number 101 appears twice (first on line 3)",
    ),
    "bad email": (
        "105,Fay,fay-at-example.org,,100,employee,",
        "'fay-at-example.org' is not an email address",
    ),
    "missing name": ("105,,fay@example.org,,100,employee,", "name is missing"),
    "missing email": ("105,Fay,,,100,employee,", "email is missing"),
    "missing staff number": (",Fay,fay@example.org,,100,employee,", "staff_number is missing"),
    "stray comma": ("105,Fay,fay@example.org,,100,employee,,", "this row has 8 columns"),
}


@pytest.mark.parametrize("kind", BAD_ROWS)
def test_a_bad_row_is_reported_by_line_and_nothing_is_imported(org, kind):
    row, message = BAD_ROWS[kind]
    report = import_text(org, GOOD + row + "\n")
    assert not report.ok
    assert [(p.line, message in p.message) for p in report.errors] == [(7, True)], report.errors
    assert "line 7: " in report.as_text()
    assert "Nothing was imported" in report.as_text()
    assert not Person.objects.filter(organisation=org).exists()
    assert not Team.objects.filter(organisation=org).exists()


def test_every_bad_row_is_reported_at_once(org):
    text = GOOD + "105,Fay,bad-email,,100,boss,\n106,Gus,gus@example.org,,999,employee,\n"
    report = import_text(org, text)
    assert [problem.line for problem in report.errors] == [7, 7, 8]


def test_a_line_management_circle_is_rejected_naming_the_people_in_it(org):
    text = HEADER + (
        "200,Ann,ann@example.org,,202,employee,\n"
        "201,Bob,bob@example.org,,200,employee,\n"
        "202,Cy,cy@example.org,,201,employee,\n"
    )
    report = import_text(org, text)
    assert len(report.errors) == 1
    assert report.errors[0].line == 2
    assert "200 → 202 → 201 → 200" in report.errors[0].message
    assert not Person.objects.exists()


def test_a_circle_through_people_already_imported_is_rejected_too(org):
    assert import_text(org, GOOD).ok
    # Ada (100) now reports to Cat (103), who reports to Dan, Ben and so to Ada.
    report = import_text(org, HEADER + "100,Ada Chief,ada@example.org,Executive,103,employee,\n")
    assert report.errors[0].line == 2
    assert "go round in a circle" in report.errors[0].message
    assert Person.objects.get(staff_number="100").line_manager is None


def test_reimporting_updates_people_by_staff_number(org):
    assert import_text(org, GOOD).ok
    changed = HEADER + (
        "100,Ada Chief,ada@example.org,Executive,,employee,member\n"  # unchanged
        "101,Ben Director,ben@example.org,Executive,100,employee,\n"  # unchanged
        "103,Cat Officer-Jones,cat@example.org,Colchester,101,employee,\n"  # several changes
        "102,Dan Manager,dan@example.org,Chelmsford,101,employee,member\n"  # joins the Institute
        "104,Eve Agency,eve@example.org,Chelmsford,102,seconded,\n"  # now seconded
        "105,Fay New,fay@example.org,Chelmsford,102,sessional,\n"  # new
    )
    report = import_text(org, changed)
    assert report.ok, report.as_text()
    assert (report.created, report.updated, report.unchanged) == (
        ["105"],
        ["103", "102", "104"],
        ["100", "101"],
    )
    assert Person.objects.filter(organisation=org).count() == 6
    cat = Person.objects.get(staff_number="103")
    assert (cat.name, cat.team.name, cat.line_manager.staff_number) == (
        "Cat Officer-Jones",
        "Colchester",
        "101",
    )
    assert person_roles(cat) == {"essex-probation": "employee"}  # left the Institute
    assert person_roles(Person.objects.get(staff_number="104")) == {"essex-probation": "seconded"}
    assert cat.history.count() >= 2


def test_the_same_file_twice_changes_nothing(org):
    assert import_text(org, GOOD).ok
    report = import_text(org, GOOD)
    assert report.unchanged == ["100", "101", "103", "102", "104"]
    assert not report.created and not report.updated


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("staff_number,name,email\n".encode("utf-16"), "not UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not UTF-8"),
        (b"PK\x03\x04\x00\x00\x00", "not a CSV file"),
        (b"", "The file is empty"),
        (b"number;name;email\n1;Ann;a@example.org\n", "Separate the columns with commas"),
        (b"staff_number,name\n1,Ann\n", "missing: email"),
        (b"staff_number,name,email,grade\n1,Ann,a@example.org,7\n", "unknown column 'grade'"),
        (b"staff_number,name,email,role:opcc\n1,Ann,a@example.org,employee\n", "not adopted"),
        (b"staff_number,name,email\n", "lists nobody"),
        (b'staff_number,name,email\n1,"Ann,a@example.org\n', "not valid CSV"),
    ],
)
def test_a_file_that_is_not_a_usable_csv_says_why(org, content, message):
    report = import_text(org, content)
    assert not report.ok
    assert message in report.as_text()
    assert not Person.objects.exists()


def test_a_utf8_file_from_excel_with_a_byte_order_mark_imports(org):
    report = import_text(org, "\ufeff" + GOOD.replace("Ada Chief", "Adaeze Ọkọnkwọ"))
    assert report.ok, report.as_text()
    assert Person.objects.get(staff_number="100").name == "Adaeze Ọkọnkwọ"


def test_only_someone_allowed_to_add_and_change_people_may_import(org):
    clerk = get_user_model().objects.create_user("clerk", password="x" * 16)
    with pytest.raises(PermissionDenied):
        import_text(org, GOOD, actor=clerk)
    assert not Person.objects.exists()
    clerk.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_person", "change_person"])
    )
    clerk = get_user_model().objects.get(pk=clerk.pk)  # permissions are cached
    assert import_text(org, GOOD, actor=clerk).ok
    imported = Person.objects.get(staff_number="100")
    assert imported.history.first().history_user == clerk


def test_the_command_prints_the_report_and_exits_2_on_a_bad_file(org, tmp_path, capsys):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(GOOD, encoding="utf-8")
    bad.write_text(GOOD + "105,Fay,nope,,100,employee,\n", encoding="utf-8")
    call_command("people_import", "northshire", str(good))
    assert "5 new people" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_status:
        call_command("people_import", "northshire", str(bad))
    assert exit_status.value.code == 2
    error = capsys.readouterr().err
    assert "line 7: 'nope' is not an email address" in error
    assert "Traceback" not in error


def test_the_cli_imports_and_names_an_unknown_organisation(org, tmp_path, capsys, monkeypatch):
    from probity import cli

    monkeypatch.setattr(cli, "_migrate_quietly", lambda: None)  # the test database is ready
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    assert cli.main(["people", "import", "northshire", str(good)]) == 0
    assert "5 new people" in capsys.readouterr().out
    assert cli.main(["people", "import", "nowhere", str(good)]) == 2
    assert "no organisation 'nowhere'; organisations: northshire" in capsys.readouterr().err
    assert cli.main(["people", "import", "northshire", str(tmp_path / "missing.csv")]) == 2


# --- The demo ------------------------------------------------------------------------------


def test_the_demo_loads_once_however_often_it_runs():
    first = demo_load()
    counts = [model.objects.count() for model in (Organisation, Person, CodeRole, OfficeHolder)]
    second = demo_load()
    assert second.changes == 0
    assert [m.objects.count() for m in (Organisation, Person, CodeRole, OfficeHolder)] == counts
    assert first.changes > 0
    assert get_user_model().objects.count() == counts[1]


def test_the_demo_is_marked_as_demo_data():
    report = demo_load()
    assert all(o.is_demo and o.name.endswith("(demo)") for o in report.organisations)
    assert all(p.email.endswith("@example.org") for p in Person.objects.all())
    assert "not for real use" in report.as_text()


def test_the_demo_has_someone_in_every_role_each_code_covers():
    demo_load()
    for spec in demo_organisations():
        organisation = Organisation.objects.get(slug=spec.slug)
        for code_id in organisation.adopted_code_ids():
            roles = set(
                CodeRole.objects.filter(
                    person__organisation=organisation, code_id=code_id
                ).values_list("role", flat=True)
            )
            assert roles == load_code(code_id).roles, (spec.slug, code_id)
            for code_role in CodeRole.objects.filter(person__organisation=organisation):
                code_role.full_clean()


def test_the_demo_fills_every_office_but_one_vacant_post():
    demo_load()
    vacant = []
    for organisation in Organisation.objects.filter(is_demo=True):
        for office in office_ids():
            holders = OfficeHolder.objects.filter(organisation=organisation, office=office)
            assert holders.exists(), (organisation.slug, office)
            vacant += [(organisation.slug, office) for h in holders if h.person is None]
    assert vacant == [("opcc-demo", "monitoring-officer")]
    officer = Person.objects.get(staff_number="opcc008")
    resolution = authority_resolve(person=officer, authority="monitoring-officer")
    assert resolution.person.staff_number == "opcc001"
    assert resolution.vacant and "register keeper" in resolution.note


def test_the_demo_has_line_management_three_levels_deep_and_sign_ins():
    report = demo_load()
    for organisation in report.organisations:
        depths = [len(list(_managers(p))) for p in Person.objects.filter(organisation=organisation)]
        assert max(depths) >= 3, organisation.slug
    volunteer = Person.objects.get(staff_number="hmp010")
    assert person_roles(volunteer) == {"moj-volunteers": "volunteer"}
    assert volunteer.user.username == "hmp010"
    assert volunteer.user.check_password(DEMO_PASSWORD)
    assert len(DEMO_PASSWORD) >= 12
    assert "hmp010" in report.as_text() and DEMO_PASSWORD in report.as_text()


def _managers(someone):
    while someone.line_manager is not None:
        someone = someone.line_manager
        yield someone


def test_the_demo_never_touches_a_real_account_or_organisation():
    real = get_user_model().objects.create_user("ep001", password="a-real-password-123")
    with pytest.raises(BadInput, match="not demo data"):
        demo_load()
    real.refresh_from_db()
    assert real.check_password("a-real-password-123")
    assert not Organisation.objects.exists()  # all or nothing
    real.delete()
    Organisation.objects.create(name="Real OPCC", slug="opcc-demo")
    with pytest.raises(BadInput, match="Real OPCC"):
        demo_load()
    assert not Person.objects.exists()
