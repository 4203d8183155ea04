# ruff: noqa: E501  (the demo rosters below are tables, one person a line)
"""Demonstration data: one organisation per code, marked as demo everywhere it shows.

`demo_load()` is idempotent: running it again changes nothing (it puts back anything edited
in the demo organisations). Each organisation has teams, people in every role its codes
cover, line management three levels deep below the top, every office filled but one (the
Office of the Police and Crime Commissioner's Monitoring Officer is vacant, to show how a
declaration falls back to the Chief Executive), and a sign-in for everyone: the username is
the staff number and the password is DEMO_PASSWORD. HMP Example also gets two flexible-working
requests, one waiting for a decision and one approved (apps/offer/demo.py). Never load it into
a live system.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.test import override_settings

from probity.apps.people.models import AdoptedCode, CodeRole, OfficeHolder, Organisation, Person
from probity.apps.people.models import Team as TeamModel
from probity.apps.people.offices import office_ids, office_label
from probity.apps.people.services import _audit
from probity.core.errors import BadInput

DEMO_PASSWORD = "demo-only-not-for-real-use"
DEMO_EMAIL_DOMAIN = "example.org"  # reserved for examples: mail to it goes nowhere
NO_EMAIL = "django.core.mail.backends.dummy.EmailBackend"


@dataclass(frozen=True)
class DemoPerson:
    staff_number: str
    name: str
    job: str
    team: str
    line_manager: str | None
    roles: dict[str, str]
    offices: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemoOrganisation:
    slug: str
    name: str
    codes: tuple[str, ...]
    people: tuple[DemoPerson, ...]
    vacant: tuple[str, ...] = ()


def _people(table: str) -> tuple[DemoPerson, ...]:
    """Read a roster: staff number | name | job | team | line manager | code=role … | offices."""
    people = []
    for line in table.strip().splitlines():
        staff, name, job, team, manager, roles, offices = (cell.strip() for cell in line.split("|"))
        people.append(
            DemoPerson(
                staff_number=staff,
                name=name,
                job=job,
                team=team,
                line_manager=None if manager == "-" else manager,
                roles=dict(pair.split("=") for pair in roles.split()),
                offices=tuple(offices.split()),
            )
        )
    return tuple(people)


EP = "essex-probation=employee"
PI = "probation-institute=member"

ESSEX = f"""
ep001 | Alex Morgan    | Chief Executive                     | Executive          | -     | {EP} {PI} | chief-executive
ep002 | Priya Shah     | Director of Operations              | Executive          | ep001 | {EP} {PI} | director
ep003 | Tom Okafor     | Director of Corporate Services      | Executive          | ep001 | {EP}      | director monitoring-officer
ep004 | Grace Lee      | Secretary to the Board              | Corporate Services | ep001 | {EP}      | board-secretary register-keeper
ep005 | Sam Patel      | Head of Human Resources             | Corporate Services | ep003 | {EP}      | human-resources
ep006 | Jo Evans       | Finance and Administration Manager  | Corporate Services | ep003 | {EP}      | finance-and-administration-manager
ep007 | Chris Walker   | Senior Probation Officer            | Chelmsford         | ep002 | {EP} {PI} | responsible-manager
ep008 | Fatima Hussain | Senior Probation Officer            | Colchester         | ep002 | {EP} {PI} |
ep009 | Dan Hughes     | Probation Officer                   | Chelmsford         | ep007 | {EP} {PI} |
ep010 | Ellie Brown    | Probation Services Officer          | Chelmsford         | ep007 | {EP}      |
ep011 | Kwame Mensah   | Probation Officer (police secondee) | Colchester         | ep008 | essex-probation=seconded |
ep012 | Lucy Green     | Administrator (agency)              | Colchester         | ep008 | essex-probation=agency |
ep013 | Ravi Kumar     | Unpaid work supervisor (sessional)  | Chelmsford         | ep007 | essex-probation=sessional |
ep014 | Maria Rossi    | Drug worker (partner organisation)  | Colchester         | ep008 | essex-probation=contractor |
ep015 | Helen Carter   | Non-executive board member          | Board              | -     | essex-probation=board-member |
"""

OPCC = """
opcc001 | Nadia Ahmed | Chief Executive           | Executive     | -       | opcc=employee | chief-executive
opcc002 | Owen Price  | Chief Finance Officer     | Finance       | opcc001 | opcc=employee | finance-and-administration-manager
opcc003 | Beth Taylor | Director of Commissioning | Commissioning | opcc001 | opcc=employee | director
opcc004 | Ian Scott   | Governance Manager        | Executive     | opcc001 | opcc=employee | board-secretary register-keeper
opcc005 | Ruth Adams  | HR Manager                | Finance       | opcc002 | opcc=employee | human-resources
opcc006 | Leo Martin  | Commissioning Manager     | Commissioning | opcc003 | opcc=employee | responsible-manager
opcc007 | Zara Khan   | Commissioning Officer     | Commissioning | opcc006 | opcc=employee |
opcc008 | Paul Wright | Policy Officer            | Commissioning | opcc006 | opcc=employee |
opcc009 | Amy Clarke  | Engagement Officer        | Executive     | opcc004 | opcc=employee |
"""

OFFER = "hmpps-offer=employee"

PRISON = f"""
hmp001 | Ruth Bell     | Governing Governor                | Senior leadership    | -      | {OFFER} | chief-executive
hmp002 | Mark Davies   | Deputy Governor                   | Senior leadership    | hmp001 | {OFFER} | director
hmp003 | Sophie Turner | Head of Residence                 | Residence            | hmp002 | {OFFER} | director
hmp004 | Gareth Jones  | Head of Business Assurance        | Business assurance   | hmp002 | {OFFER} | monitoring-officer register-keeper
hmp005 | Anita Desai   | HR Business Partner               | Business assurance   | hmp002 | {OFFER} | human-resources
hmp006 | Peter Hall    | Business Manager                  | Business assurance   | hmp002 | {OFFER} | finance-and-administration-manager board-secretary
hmp007 | Carl Young    | Custodial Manager                 | Residence            | hmp003 | {OFFER} |
hmp008 | Jade Robinson | Prison Officer                    | Residence            | hmp007 | {OFFER} |
hmp009 | Femi Adeyemi  | Volunteer Coordinator             | Reducing reoffending | hmp003 | {OFFER} | responsible-manager
hmp010 | Margaret Wood | Chaplaincy volunteer              | Reducing reoffending | hmp009 | moj-volunteers=volunteer |
hmp011 | Tariq Aziz    | Nurse (agency)                    | Healthcare           | hmp009 | moj-volunteers=agency |
hmp012 | Holly Fisher  | Education tutor (sessional)       | Reducing reoffending | hmp009 | moj-volunteers=sessional |
hmp013 | Rob Mitchell  | Probation Officer (seconded)      | Offender management  | hmp007 | moj-volunteers=seconded |
hmp014 | Dev Sharma    | Facilities engineer (contractor)  | Facilities           | -      | moj-volunteers=contractor |
hmp015 | Irene Cole    | Mentor (volunteer)                | Reducing reoffending | hmp009 | moj-volunteers=volunteer |
"""


def demo_organisations() -> tuple[DemoOrganisation, ...]:
    return (
        DemoOrganisation(
            slug="essex-probation-demo",
            name="Essex Probation (demo)",
            codes=("essex-probation", "probation-institute"),
            people=_people(ESSEX),
        ),
        DemoOrganisation(
            slug="opcc-demo",
            name="Office of the Police and Crime Commissioner (demo)",
            codes=("opcc",),
            people=_people(OPCC),
            vacant=("monitoring-officer",),
        ),
        DemoOrganisation(
            slug="hmp-example-demo",
            name="HMP Example (demo)",
            codes=("hmpps-offer", "moj-volunteers"),
            people=_people(PRISON),
        ),
    )


@dataclass
class DemoReport:
    organisations: list[Organisation] = field(default_factory=list)
    sign_ins: list[tuple[str, str, str, str]] = field(default_factory=list)  # org, user, name, job
    vacancies: list[str] = field(default_factory=list)
    flexible_working: list[str] = field(default_factory=list)  # demo requests made this time
    changes: int = 0

    def as_text(self) -> str:
        lines = [
            "Demo data loaded (made-up organisations and people: not for real use).",
            "",
            f"Sign in as anyone below with the password: {DEMO_PASSWORD}",
        ]
        current = None
        for organisation, username, name, job in self.sign_ins:
            if organisation != current:
                lines += ["", organisation]
                current = organisation
            lines.append(f"  {username:10} {name} — {job}")
        if self.vacancies:
            lines += ["", *self.vacancies]
        if self.flexible_working:
            lines += ["", *self.flexible_working]
        return "\n".join(lines)


def demo_load() -> DemoReport:
    """Create or restore the demo organisations, people, offices and sign-ins."""
    report = DemoReport()
    password = _DemoPassword()
    # The demo's workflows (a flexible-working decision, a published roster) email nobody.
    with override_settings(EMAIL_BACKEND=NO_EMAIL), transaction.atomic():
        for spec in demo_organisations():
            organisation = _load_organisation(spec, password, report)
            report.organisations.append(organisation)
        from probity.apps.offer.demo import flexible_working_demo  # the offer builds on people
        from probity.apps.rostering.demo import rostering_demo_load  # imports this module

        report.flexible_working = flexible_working_demo()
        report.changes += len(report.flexible_working)
        rostering_demo_load(report, password)
    return report


class _DemoPassword:
    """One hash of the demo password, shared by every demo user (hashing is slow on purpose)."""

    def __init__(self) -> None:
        self.hashed: str | None = None

    def matches(self, hashed: str) -> bool:
        if self.hashed is not None:
            return hashed == self.hashed
        if hashed and check_password(DEMO_PASSWORD, hashed):
            self.hashed = hashed
            return True
        return False

    def hash(self) -> str:
        if self.hashed is None:
            self.hashed = make_password(DEMO_PASSWORD)
        return self.hashed


def _load_organisation(spec: DemoOrganisation, password, report: DemoReport) -> Organisation:
    changes_before = report.changes
    organisation, created = Organisation.objects.select_for_update().get_or_create(
        slug=spec.slug, defaults={"name": spec.name, "is_demo": True}
    )
    if not organisation.is_demo:
        raise BadInput(
            "demo",
            f"{organisation.name} uses the address {spec.slug!r} and is not demo data; "
            "the demo leaves it alone and loads nothing.",
        )
    report.changes += created
    if (organisation.name, organisation.is_demo) != (spec.name, True):
        organisation.name, organisation.is_demo = spec.name, True
        organisation.save()
        report.changes += 1
    for code_id in spec.codes:
        report.changes += AdoptedCode.objects.get_or_create(
            organisation=organisation, code_id=code_id
        )[1]
    teams = {}
    for team_name in dict.fromkeys(person.team for person in spec.people):
        teams[team_name], created = TeamModel.objects.get_or_create(
            organisation=organisation, name=team_name
        )
        report.changes += created
    people: dict[str, Person] = {}
    for entry in spec.people:
        people[entry.staff_number] = _load_person(organisation, entry, teams, password, report)
    for entry in spec.people:
        person = people[entry.staff_number]
        manager = people[entry.line_manager] if entry.line_manager else None
        if person.line_manager_id != (manager.pk if manager else None):
            person.line_manager = manager
            person.save()
            report.changes += 1
    for office in office_ids():
        holders = [people[p.staff_number] for p in spec.people if office in p.offices]
        _load_office(organisation, office, holders, spec, report)
    for office in spec.vacant:
        report.vacancies.append(
            f"{spec.name}: the {office_label(office)} post is vacant on purpose, so what goes to "
            "it goes to the Chief Executive instead, with a note for the register keeper."
        )
    if report.changes != changes_before:
        _audit(
            actor=None,
            action="people.demo_loaded",
            obj=organisation,
            details={"people": len(spec.people), "changes": report.changes - changes_before},
        )
    return organisation


def _load_person(organisation, entry: DemoPerson, teams, password, report) -> Person:
    user = _load_user(entry, password, report)
    person = Person.objects.filter(organisation=organisation, staff_number=entry.staff_number)
    person = person.first() or Person(organisation=organisation, staff_number=entry.staff_number)
    wanted = {
        "name": entry.name,
        "email": f"{entry.staff_number}@{DEMO_EMAIL_DOMAIN}",
        "team": teams[entry.team],
        "user": user,
        "active": True,
    }
    if person.pk is None or any(getattr(person, k) != v for k, v in wanted.items()):
        for key, value in wanted.items():
            setattr(person, key, value)
        person.save()
        report.changes += 1
    current = {code_role.code_id: code_role for code_role in person.code_roles.all()}
    for code_id, code_role in current.items():
        if code_id not in entry.roles:
            code_role.delete()
            report.changes += 1
    for code_id, role in entry.roles.items():
        held = current.get(code_id)
        if held is None:
            CodeRole.objects.create(person=person, code_id=code_id, role=role)
            report.changes += 1
        elif held.role != role:
            held.role = role
            held.save()
            report.changes += 1
    report.sign_ins.append((organisation.name, entry.staff_number, entry.name, entry.job))
    return person


def _load_user(entry: DemoPerson, password, report):
    first, _, last = entry.name.rpartition(" ")
    user, created = get_user_model().objects.get_or_create(username=entry.staff_number)
    person = Person.objects.filter(user=user).select_related("organisation").first()
    if not created and (person is None or not person.organisation.is_demo):
        raise BadInput(
            "demo",
            f"the username {entry.staff_number!r} belongs to someone who is not demo data; "
            "the demo leaves it alone and loads nothing.",
        )
    wanted = {
        "first_name": first,
        "last_name": last,
        "email": f"{entry.staff_number}@{DEMO_EMAIL_DOMAIN}",
        "is_active": True,
        "is_staff": False,
        "is_superuser": False,
    }
    changed = created or any(getattr(user, k) != v for k, v in wanted.items())
    for key, value in wanted.items():
        setattr(user, key, value)
    if not password.matches(user.password):
        user.password = password.hash()
        changed = True
    if changed:
        user.save()
        report.changes += 1
    return user


def _load_office(organisation, office: str, holders: list[Person], spec, report) -> None:
    rows = list(
        OfficeHolder.objects.filter(organisation=organisation, office=office).order_by("id")
    )
    wanted: list[Person | None] = list(holders) or [None]
    if office not in spec.vacant and not holders:
        raise AssertionError(f"demo {spec.slug}: nobody holds {office}")
    for row in rows[len(wanted) :]:
        row.delete()
        report.changes += 1
    for index, person in enumerate(wanted):
        if index < len(rows):
            row = rows[index]
            if row.person_id != (person.pk if person else None) or row.register:
                row.person, row.register = person, ""
                row.save()
                report.changes += 1
        else:
            OfficeHolder.objects.create(organisation=organisation, office=office, person=person)
            report.changes += 1
