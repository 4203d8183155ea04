"""Writes for organisations and people: importing a staff list from CSV.

A CSV import is all or nothing: every row is checked first and every problem reported with
its line number; if any row is bad, nothing is written. Re-importing the same organisation's
list updates people by staff number (name, email, team, line manager and code roles).
The CSV reading (read_text, csv_rows, columns_checked, first_time) and ImportReport are shared
with the rostering staff details import (rostering.staff_import).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction

from probity.apps.people.models import CodeRole, Organisation, Person, Team
from probity.core.codes import code_ids, load_code
from probity.core.vocabulary import vocabulary

REQUIRED_COLUMNS = ("staff_number", "name", "email")
OPTIONAL_COLUMNS = ("team", "line_manager_staff_number")
ROLE_PREFIX = "role:"
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_LENGTHS = {"staff_number": 64, "name": 200, "team": 200, "email": 254}


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong with the file; `line` is None for the file as a whole."""

    line: int | None
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass
class ImportReport:
    """What an import did, or (when `errors` is not empty) why it did nothing."""

    organisation: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_text(self) -> str:
        if self.errors:
            lines = [
                f"Nothing was imported into {self.organisation}: the file has "
                f"{_plural(len(self.errors), 'problem')}. Correct "
                f"{'it' if len(self.errors) == 1 else 'them'} and import it again.",
                *(f"  {problem}" for problem in self.errors),
            ]
        else:
            lines = [self.summary()]
        return "\n".join(lines)

    def summary(self) -> str:
        return (
            f"Imported into {self.organisation}: {_plural(len(self.created), 'new person')}, "
            f"{len(self.updated)} updated, {len(self.unchanged)} unchanged."
        )


@dataclass
class _Row:
    line: int
    staff_number: str
    name: str
    email: str
    team: str
    line_manager: str
    roles: dict[str, str]  # code → role, "" for "not bound by this code"


def people_import_csv(*, organisation: Organisation, file: Any, actor: Any | None) -> ImportReport:
    """Import (or re-import) an organisation's people from CSV, all or nothing.

    `file` is a binary or text file object, bytes or str. Columns: staff_number, name, email,
    optionally team and line_manager_staff_number, and `role:<code>` for each adopted code
    (the person's role under it; empty when the code does not bind them). `actor` is the
    user importing (None for the command line); they need permission to add and change
    people.
    """
    _check_may_import(actor)
    report = ImportReport(organisation=organisation.name)
    text = read_text(file, report)
    if text is None:
        return report
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        existing = {
            person.staff_number: person
            for person in Person.objects.select_for_update(of=("self",))
            .filter(organisation=organisation)
            .select_related("line_manager", "team")
        }
        rows, role_codes, listed = _parse(text, organisation, report)
        if rows:
            _check_line_managers(rows, existing.keys() | listed, existing, report)
        if report.errors:
            report.errors.sort(key=lambda problem: problem.line or 0)
            return report
        _write(organisation, rows, role_codes, existing, actor, report)
        _audit(
            actor=actor,
            action="people.imported",
            obj=organisation,
            details={
                "rows": len(rows),
                "created": len(report.created),
                "updated": len(report.updated),
                "unchanged": len(report.unchanged),
            },
        )
    return report


def _check_may_import(actor: Any | None) -> None:
    if actor is None:  # the command line: whoever may run it may import
        return
    if not (actor.has_perm("people.add_person") and actor.has_perm("people.change_person")):
        raise PermissionDenied("You need permission to add and change people to import them.")


def read_text(file: Any, report: ImportReport) -> str | None:
    """The file as text, or None (with the reason in the report) when it is too large, not
    UTF-8, binary or empty."""
    data = file.read(MAX_BYTES + 1) if hasattr(file, "read") else file
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > MAX_BYTES:
        report.errors.append(ImportProblem(None, "The file is larger than 5 MB."))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        report.errors.append(
            ImportProblem(
                line,
                "the file is not UTF-8 text. Save it from your spreadsheet as "
                '"CSV UTF-8 (comma delimited)" and import it again.',
            )
        )
        return None
    if "\x00" in text:
        report.errors.append(
            ImportProblem(None, "This is not a CSV file (it holds binary data). Save it as CSV.")
        )
        return None
    if not text.strip():
        report.errors.append(ImportProblem(None, "The file is empty."))
        return None
    return text


def _parse(
    text: str, organisation: Organisation, report: ImportReport
) -> tuple[list[_Row], list[str], set[str]]:
    """The good rows, the codes with a role column, and every staff number listed."""
    role_codes: list[str] = []
    rows: list[_Row] = []
    listed: set[str] = set()
    first_line: dict[str, int] = {}

    def check_header(header: list[str]) -> None:
        role_codes.extend(_check_header(header, organisation, report))

    for line, cells in csv_rows(text, report, check_header):
        listed.add(cells["staff_number"].strip())
        row = _parse_row(line, cells, role_codes, report)
        if row is not None and first_time(first_line, row.staff_number, line, report):
            rows.append(row)
    return rows, role_codes, listed


def csv_rows(
    text: str, report: ImportReport, check_header: Callable[[list[str]], None]
) -> Iterator[tuple[int, dict[str, str]]]:
    """Each row that is not blank, as its line number and its cells by column, once
    `check_header` has checked the first line (reporting any problem with it). Rows that are
    not valid CSV or have the wrong number of cells, and more than MAX_ROWS rows, are reported
    instead; so is a file whose rows are all blank."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [column.strip() for column in next(reader)]
    except csv.Error as error:
        report.errors.append(ImportProblem(1, f"this is not valid CSV ({error})."))
        return
    check_header(header)
    if report.errors:
        return
    count = 0
    previous_end = reader.line_num
    while True:
        line = previous_end + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            report.errors.append(ImportProblem(line, f"this is not valid CSV ({error})."))
            break
        previous_end = reader.line_num
        if not any(value.strip() for value in values):
            continue  # a blank line
        if count >= MAX_ROWS:
            report.errors.append(ImportProblem(line, f"more than {MAX_ROWS} people in one file."))
            break
        count += 1
        if len(values) != len(header):
            report.errors.append(
                ImportProblem(
                    line,
                    f"this row has {_plural(len(values), 'column')} but the first line names "
                    f"{len(header)}; check for a stray comma or a missing quote.",
                )
            )
            continue
        yield line, dict(zip(header, values, strict=True))
    if not count and not report.errors:
        report.errors.append(ImportProblem(None, "The file names its columns but lists nobody."))


def first_time(
    first_line: dict[str, int], staff_number: str, line: int, report: ImportReport
) -> bool:
    """Whether this is the first row for the staff number; a second one is reported."""
    if staff_number in first_line:
        report.errors.append(
            ImportProblem(
                line,
                f"staff number {staff_number} appears twice (first on line "
                f"{first_line[staff_number]}); each person needs their own.",
            )
        )
        return False
    first_line[staff_number] = line
    return True


def columns_checked(header: list[str], required: Sequence[str], report: ImportReport) -> list[str]:
    """The header's columns, each once, after reporting required columns that are missing
    (with a hint when the file is separated by semicolons or tabs) and columns named twice."""
    missing = [column for column in required if column not in header]
    if missing:
        hint = (
            " Separate the columns with commas."
            if any(mark in ",".join(header) for mark in (";", "\t"))
            else ""
        )
        report.errors.append(
            ImportProblem(
                1,
                f"the first line must name the columns {', '.join(required)} "
                f"(missing: {', '.join(missing)}).{hint}",
            )
        )
    columns: list[str] = []
    for column in header:
        if column in columns:
            report.errors.append(ImportProblem(1, f"the column {column!r} appears twice."))
        else:
            columns.append(column)
    return columns


def _check_header(header: list[str], organisation: Organisation, report: ImportReport) -> list[str]:
    known = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
    missing = any(column not in header for column in REQUIRED_COLUMNS)
    adopted = organisation.adopted_code_ids()
    role_codes = []
    for column in columns_checked(header, REQUIRED_COLUMNS, report):
        if column in known:
            continue
        if column.startswith(ROLE_PREFIX):
            code_id = column.removeprefix(ROLE_PREFIX)
            if code_id not in code_ids():
                report.errors.append(
                    ImportProblem(
                        1,
                        f"{column!r} names no code Probity holds; codes: {', '.join(code_ids())}.",
                    )
                )
            elif code_id not in adopted:
                report.errors.append(
                    ImportProblem(
                        1,
                        f"{organisation.name} has not adopted {code_id}; it adopts "
                        f"{', '.join(adopted) or 'no codes yet'}.",
                    )
                )
            else:
                role_codes.append(code_id)
            continue
        if missing:
            continue  # the missing columns say enough
        report.errors.append(
            ImportProblem(
                1,
                f"unknown column {column!r}; columns are {', '.join(known)} and "
                f"{', '.join(ROLE_PREFIX + code for code in adopted) or 'role:<code>'}.",
            )
        )
    return role_codes


def _parse_row(
    line: int, cells: dict[str, str], role_codes: list[str], report: ImportReport
) -> _Row | None:
    problems: list[str] = []
    values = {
        column: (cells.get(column) or "").strip()
        for column in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
    }
    for column in REQUIRED_COLUMNS:
        if not values[column]:
            problems.append(f"{column} is missing")
    for column, limit in MAX_LENGTHS.items():
        if len(values[column]) > limit:
            problems.append(f"{column} is longer than {limit} characters")
    if values["email"]:
        try:
            validate_email(values["email"])
        except ValidationError:
            problems.append(f"{values['email']!r} is not an email address")
    roles = {}
    for code_id in role_codes:
        role = (cells.get(ROLE_PREFIX + code_id) or "").strip().lower()
        roles[code_id] = role
        if not role:
            continue
        if role not in vocabulary().roles:
            problems.append(
                f"{role!r} under {code_id} is not a role; roles are "
                f"{', '.join(vocabulary().roles)} (or leave it empty)"
            )
        elif not load_code(code_id).covers(role):
            code = load_code(code_id)
            problems.append(
                f"{code_id} does not cover the role {role} (it covers "
                f"{', '.join(sorted(code.roles))}); leave the cell empty if the code does not "
                "bind this person"
            )
    for problem in problems:
        report.errors.append(ImportProblem(line, problem + "."))
    if problems:
        return None
    return _Row(
        line=line,
        staff_number=values["staff_number"],
        name=values["name"],
        email=values["email"],
        team=values["team"],
        line_manager=values["line_manager_staff_number"],
        roles=roles,
    )


def _check_line_managers(
    rows: list[_Row], known: set[str], existing: dict[str, Person], report: ImportReport
) -> None:
    """Every line manager exists (in the file or already), and no chain loops back."""
    managers = {
        staff: person.line_manager.staff_number
        for staff, person in existing.items()
        if person.line_manager is not None
    }
    for row in rows:
        if row.line_manager and row.line_manager not in known:
            report.errors.append(
                ImportProblem(
                    row.line,
                    f"line manager {row.line_manager} is not in the file or among the "
                    "organisation's people.",
                )
            )
        if row.line_manager:
            managers[row.staff_number] = row.line_manager
        else:
            managers.pop(row.staff_number, None)
    reported: set[frozenset[str]] = set()
    for row in rows:
        chain = [row.staff_number]
        current = managers.get(row.staff_number)
        while current is not None and current not in chain:
            chain.append(current)
            current = managers.get(current)
        if current is None:
            continue
        loop = chain[chain.index(current) :]
        if row.staff_number not in loop or frozenset(loop) in reported:
            continue
        reported.add(frozenset(loop))
        if len(loop) == 1:
            message = f"{row.staff_number} cannot be their own line manager."
        else:
            path = " → ".join([*loop, loop[0]])
            message = f"line managers go round in a circle: {path}. Someone must be at the top."
        report.errors.append(ImportProblem(row.line, message))


def _write(
    organisation: Organisation,
    rows: list[_Row],
    role_codes: list[str],
    existing: dict[str, Person],
    actor: Any | None,
    report: ImportReport,
) -> None:
    teams = {team.name: team for team in Team.objects.filter(organisation=organisation)}
    people = dict(existing)
    changed: dict[str, bool] = {}
    # First everyone's own details, then line managers (who may come later in the file).
    for row in rows:
        team = None
        if row.team:
            team = teams.get(row.team) or Team.objects.create(
                organisation=organisation, name=row.team
            )
            teams[row.team] = team
        person = people.get(row.staff_number)
        if person is None:
            person = Person(organisation=organisation, staff_number=row.staff_number)
            changed[row.staff_number] = True
        else:
            changed[row.staff_number] = (person.name, person.email, person.team_id) != (
                row.name,
                row.email,
                team.pk if team else None,
            )
        person.name, person.email, person.team = row.name, row.email, team
        if changed[row.staff_number]:
            save_with_history_user(person, actor)
        people[row.staff_number] = person
    for row in rows:
        person = people[row.staff_number]
        manager = people[row.line_manager] if row.line_manager else None
        if person.line_manager_id != (manager.pk if manager else None):
            person.line_manager = manager
            save_with_history_user(person, actor)
            changed[row.staff_number] = True
        if _set_roles(person, row.roles, role_codes, actor):
            changed[row.staff_number] = True
    for row in rows:
        if row.staff_number not in existing:
            report.created.append(row.staff_number)
        elif changed[row.staff_number]:
            report.updated.append(row.staff_number)
        else:
            report.unchanged.append(row.staff_number)


def _set_roles(person: Person, roles: dict[str, str], role_codes: Iterable[str], actor) -> bool:
    current = {code_role.code_id: code_role for code_role in person.code_roles.all()}
    changed = False
    for code_id in role_codes:
        role = roles.get(code_id, "")
        held = current.get(code_id)
        if held is not None and not role:
            held._history_user = actor
            held.delete()
            changed = True
        elif held is None and role:
            save_with_history_user(CodeRole(person=person, code_id=code_id, role=role), actor)
            changed = True
        elif held is not None and held.role != role:
            held.role = role
            save_with_history_user(held, actor)
            changed = True
    return changed


def save_with_history_user(instance, actor) -> None:
    if actor is not None and getattr(actor, "is_authenticated", False):
        instance._history_user = actor  # django-simple-history records who changed it
    instance.save()


def _audit(*, actor: Any | None, action: str, obj: Any, details: dict) -> None:
    """Write the audit entry (when the audit trail is installed)."""
    if not apps.is_installed("probity.apps.audit"):
        return
    from probity.apps.audit.services import audit_record

    audit_record(actor=actor, action=action, obj=obj, details=details)


def _plural(count: int, noun: str) -> str:
    if count == 1:
        return f"1 {noun}"
    plural = "new people" if noun == "new person" else f"{noun}s"
    return f"{count} {plural}"
