"""Importing people's rostering staff details from a CSV staff list (an HR system's export).

Like the people import (people.services), it is all or nothing: every row is checked first
and every problem reported with its line number; if any row is bad, nothing is written.
Each row names a person already imported by their staff number; re-importing updates their
details. A column left out of the file leaves that detail as it was (so an HR export without
the night-work columns keeps what team managers recorded); a blank cell clears it (no, for
yes/no columns).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from probity.apps.audit.services import audit_record
from probity.apps.people.models import Organisation, Person
from probity.apps.people.services import (
    ImportProblem,
    ImportReport,
    columns_checked,
    csv_rows,
    first_time,
    read_text,
    save_with_history_user,
)
from probity.apps.rostering.models import Grade, RosteredTeam, ShiftType, StaffDetails
from probity.apps.rostering.problems import pattern_codes

REQUIRED_COLUMNS = ("staff_number", "grade", "contracted_hours")
OPTIONAL_COLUMNS = (
    "skills",
    "working_pattern",
    "pattern_start",
    "annualised_hours",
    "reference_start",
    "hours_brought_forward",
    "opted_out_48h",
    "night_worker",
    "hazardous_night_work",
    "night_assessment_offered",
    "night_work_advised_against",
)
HOURS_A_WEEK = 168
HOURS_A_YEAR = 366 * 24
MAX_SKILL_LENGTH = 20  # Demand.skill: a longer skill could never be asked for
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class StaffDetailsReport(ImportReport):
    def summary(self) -> str:
        return (
            f"Imported into {self.organisation}: {len(self.created)} new, "
            f"{len(self.updated)} updated, {len(self.unchanged)} unchanged."
        )


class _Bad(ValueError):
    """What is wrong with a cell, in words that follow its column and value."""


@dataclass
class _Row:
    line: int
    person: Person
    details: StaffDetails  # with the file's values set, not yet saved
    created: bool
    changed: list[str]


def staff_details_import(
    *, organisation: Organisation, file: Any, actor: Any | None
) -> StaffDetailsReport:
    """Import (or re-import) the rostering staff details of an organisation's people from
    CSV, all or nothing. `file` is a binary or text file object, bytes or str. Columns:
    staff_number, grade and contracted_hours, and optionally any of OPTIONAL_COLUMNS.
    `actor` is the user importing (None for the command line); they need permission to add
    and change staff details."""
    _check_may_import(actor)
    report = StaffDetailsReport(organisation=organisation.name)
    text = read_text(file, report)
    if text is None:
        return report
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=organisation.pk)  # one import at a time
        rows = _parse(text, organisation, report)
        if report.errors:
            report.errors.sort(key=lambda problem: problem.line or 0)
            return report
        _write(rows, actor, report)
    return report


def _check_may_import(actor: Any | None) -> None:
    if actor is None:  # the command line: whoever may run it may import
        return
    if not (
        actor.has_perm("rostering.add_staffdetails")
        and actor.has_perm("rostering.change_staffdetails")
    ):
        raise PermissionDenied(
            "You need permission to add and change staff details to import them."
        )


def _parse(text: str, organisation: Organisation, report: ImportReport) -> list[_Row]:
    people = {p.staff_number: p for p in Person.objects.filter(organisation=organisation)}
    existing = {
        details.person_id: details
        for details in StaffDetails.objects.select_for_update().filter(
            person__organisation=organisation
        )
    }
    shift_codes = _shift_codes(organisation)
    columns: list[str] = []
    rows: list[_Row] = []
    first_line: dict[str, int] = {}

    def check_header(header: list[str]) -> None:
        columns.extend(_check_header(header, report))

    for line, cells in csv_rows(text, report, check_header):
        values = {column: cells[column].strip() for column in columns}
        person, problems = _person(values["staff_number"], people, organisation)
        details = existing.get(person.pk) if person else None
        # Without a person the row's other cells are still checked, so all problems show.
        candidate = details or (StaffDetails(person=person) if person else StaffDetails())
        codes = shift_codes.get(person.team_id if person else None, shift_codes[None])
        changed = _set_values(candidate, values, codes, problems)
        if problems:
            report.errors.extend(ImportProblem(line, problem + ".") for problem in problems)
        elif first_time(first_line, person.staff_number, line, report):
            rows.append(_Row(line, person, candidate, details is None, changed))
    return rows


def _check_header(header: list[str], report: ImportReport) -> list[str]:
    known = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
    columns = columns_checked(header, REQUIRED_COLUMNS, report)
    unknown = [column for column in columns if column not in known]
    if unknown:
        report.errors.append(
            ImportProblem(
                1,
                f"unknown {'column' if len(unknown) == 1 else 'columns'} "
                f"{', '.join(map(repr, unknown))}; columns are {', '.join(known)}.",
            )
        )
    return [column for column in columns if column in known]


def _person(
    staff_number: str, people: dict[str, Person], organisation: Organisation
) -> tuple[Person | None, list[str]]:
    if not staff_number:
        return None, ["staff_number is missing"]
    if staff_number not in people:
        return None, [
            f"staff number {staff_number} is not one of {organisation.name}'s people; "
            "import them with the staff list first"
        ]
    return people[staff_number], []


def _shift_codes(organisation: Organisation) -> dict[int | None, set[str]]:
    """The shift codes a working pattern may use, by rostered team (None: any establishment
    of the organisation, for someone not in a rostered team)."""
    codes: dict[int | None, set[str]] = {None: set()}
    shifts = ShiftType.objects.filter(establishment__organisation=organisation)
    by_establishment: dict[int, set[str]] = {}
    for establishment_id, code in shifts.values_list("establishment_id", "code"):
        by_establishment.setdefault(establishment_id, set()).add(code)
        codes[None].add(code)
    teams = RosteredTeam.objects.filter(establishment__organisation=organisation)
    for team_id, establishment_id in teams.values_list("team_id", "establishment_id"):
        codes[team_id] = by_establishment.get(establishment_id, set())
    return codes


def _set_values(
    details: StaffDetails, values: dict[str, str], shift_codes: set[str], problems: list[str]
) -> list[str]:
    """Set each column's value on the details, adding what is wrong to `problems`; the
    fields whose values changed (all the file's columns for new details)."""
    changed = []
    for column, raw in values.items():
        if column == "staff_number":
            continue
        try:
            value = _value(column, raw, shift_codes)
        except _Bad as bad:
            problems.append(f'{column} "{raw}" {bad}' if raw else f"{column} {bad}")
            continue
        if details.pk is None or getattr(details, column) != value:
            changed.append(column)
            setattr(details, column, value)
    if not problems:
        problems.extend(_model_problems(details))
    return changed


def _value(column: str, raw: str, shift_codes: set[str]) -> Any:
    if column in REQUIRED_COLUMNS and not raw:
        raise _Bad("is missing")
    if column == "grade":
        return _grade(raw)
    if column == "contracted_hours":
        return _hours(raw, HOURS_A_WEEK)
    if column in ("annualised_hours", "hours_brought_forward"):
        blank = None if column == "annualised_hours" else Decimal(0)
        return _hours(raw, HOURS_A_YEAR) if raw else blank
    if column in ("pattern_start", "reference_start"):
        return _date(raw)
    if column == "night_assessment_offered":
        return _past_date(raw)
    if column == "skills":
        return _skills(raw)
    if column == "working_pattern":
        return _working_pattern(raw, shift_codes)
    return _yes_or_no(raw)


def _grade(raw: str) -> str:
    if raw.upper() not in Grade.values:
        raise _Bad(f"must be one of {', '.join(Grade.values)}")
    return raw.upper()


def _hours(raw: str, most: int) -> Decimal:
    wrong = _Bad(f"must be a number of hours from 0 to {most}")
    try:
        hours = Decimal(raw)
    except InvalidOperation:
        raise wrong from None
    if not hours.is_finite() or not 0 <= hours <= most:
        raise wrong
    if hours.as_tuple().exponent < -2:
        raise _Bad("must have at most 2 decimal places, like 37.5")
    return hours


def _date(raw: str) -> datetime.date | None:
    if not raw:
        return None
    try:
        if ISO_DATE.match(raw):
            return datetime.date.fromisoformat(raw)
    except ValueError:
        pass
    raise _Bad("must be a date written YYYY-MM-DD, like 2026-04-01")


def _past_date(raw: str) -> datetime.date | None:
    date = _date(raw)
    if date is not None and date > timezone.localdate():
        raise _Bad("is in the future: give the date the assessment was last offered")
    return date


def _skills(raw: str) -> list[str]:
    skills = list(dict.fromkeys(s.strip() for s in re.split(r"[|;]", raw) if s.strip()))
    if any(len(skill) > MAX_SKILL_LENGTH for skill in skills):
        raise _Bad(f"has a skill longer than {MAX_SKILL_LENGTH} characters")
    return skills


def _working_pattern(raw: str, known: set[str]) -> str:
    unknown = sorted({c for c in pattern_codes(raw) if c is not None and c not in known})
    if unknown:
        shifts = ", ".join(sorted(known)) or "none yet"
        raise _Bad(
            f"names no shift type {', '.join(unknown)}: shift codes are {shifts}, "
            'with "-" for a day off'
        )
    return " ".join(raw.split())


def _yes_or_no(raw: str) -> bool:
    answer = raw.lower()
    if answer not in YES | NO:
        raise _Bad("must be yes or no")
    return answer in YES


def _model_problems(details: StaffDetails) -> list[str]:
    """What the model's own validation and the rostering rules find wrong with the row."""
    problems = []
    if details.annualised_hours is not None and details.reference_start is None:
        problems.append("annualised_hours needs a reference_start, the first day of the year")
    try:
        details.full_clean(exclude=["person"], validate_unique=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            problems.extend(f"{field}: {message.rstrip('.')}" for message in messages)
    return problems


def _write(rows: list[_Row], actor: Any | None, report: StaffDetailsReport) -> None:
    for row in rows:
        if not row.changed:
            report.unchanged.append(row.person.staff_number)
            continue
        save_with_history_user(row.details, actor)
        (report.created if row.created else report.updated).append(row.person.staff_number)
        # Names the fields, never their values: medical advice about night work is health data.
        audit_record(
            actor=actor,
            action="staff_details.imported",
            obj=row.details,
            details={
                "person": row.person.pk,
                "created": row.created,
                "changed": sorted(row.changed),
            },
        )
