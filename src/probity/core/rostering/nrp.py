"""Read the Curtois & Qu nurse rostering benchmark format ("Instances 1-24") into a `Problem`.

The mapping (see shared/benchmarks/nrp/README.md for the format):

- `SECTION_SHIFTS` -> `ShiftType` (length; the shifts that cannot follow; no start time, so
  the Working Time Regulations are switched off: `model.NRP_RULES`);
- `SECTION_STAFF` -> `Staff.limits` (max shifts of each type, max/min total minutes,
  max/min consecutive shifts, min consecutive days off, max weekends);
- `SECTION_DAYS_OFF` -> `Staff.days_off` (hard);
- shift on/off requests -> `Request` with the file's weight;
- `SECTION_COVER` -> `Cover` with minimum 0 and the requirement as the soft `preferred`,
  under- and over-cover weights as given.

So `checker.check(problem, roster).objective` is the benchmark's objective. Every instance
starts on a Monday; the day indexes are kept and dated from `NRP_START`.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from probity.core.errors import BadInput
from probity.core.rostering.model import (
    NRP_RULES,
    Cover,
    Limits,
    Problem,
    Request,
    ShiftType,
    Staff,
)

NRP_START = datetime.date(2024, 1, 1)  # a Monday


def read_nrp(path: str | Path) -> Problem:
    path = Path(path)
    sections = _sections(path.read_text(encoding="utf-8"), path.name)
    try:
        horizon = int(sections["SECTION_HORIZON"][0][1][0])
    except (KeyError, IndexError, ValueError) as error:
        raise BadInput(f"{path.name}: SECTION_HORIZON", "give the horizon in days") from error
    shifts = tuple(
        ShiftType(
            id=fields[0],
            length=_int(fields[1], path.name, line),
            forbidden_next=frozenset(
                f for f in (fields[2] if len(fields) > 2 else "").split("|") if f
            ),
        )
        for line, fields in sections.get("SECTION_SHIFTS", [])
    )
    days_off = {
        fields[0]: frozenset(_int(day, path.name, line) for day in fields[1:] if day)
        for line, fields in sections.get("SECTION_DAYS_OFF", [])
    }
    staff = tuple(
        _staff(fields, days_off.get(fields[0], frozenset()), path.name, line)
        for line, fields in sections.get("SECTION_STAFF", [])
    )
    requests = tuple(
        Request(
            fields[0],
            _int(fields[1], path.name, line),
            fields[2],
            on,
            _int(fields[3], path.name, line),
        )
        for section, on in (
            ("SECTION_SHIFT_ON_REQUESTS", True),
            ("SECTION_SHIFT_OFF_REQUESTS", False),
        )
        for line, fields in sections.get(section, [])
    )
    cover = tuple(
        Cover(
            day=_int(fields[0], path.name, line),
            shift=fields[1],
            minimum=0,
            preferred=_int(fields[2], path.name, line),
            under_weight=_int(fields[3], path.name, line),
            over_weight=_int(fields[4], path.name, line),
        )
        for line, fields in sections.get("SECTION_COVER", [])
    )
    return Problem(
        start=NRP_START,
        horizon=horizon,
        shifts=shifts,
        cover=cover,
        staff=staff,
        requests=requests,
        rules=NRP_RULES,
        name=path.stem,
    )


def _sections(text: str, name: str) -> dict[str, list[tuple[int, list[str]]]]:
    sections: dict[str, list[tuple[int, list[str]]]] = {}
    current = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            current = sections.setdefault(line, [])
        elif current is None:
            raise BadInput(f"{name}: line {number}", "data before the first SECTION_ header")
        else:
            current.append((number, [field.strip() for field in line.split(",")]))
    return sections


def _int(text: str, name: str, line: int) -> int:
    try:
        return int(text)
    except ValueError as error:
        raise BadInput(f"{name}: line {line}", f"{text!r} is not a whole number") from error


def _staff(fields: list[str], days_off: frozenset[int], name: str, line: int) -> Staff:
    if len(fields) < 8:
        raise BadInput(f"{name}: line {line}", "a staff line has 8 comma-separated fields")
    max_shifts = {}
    for part in fields[1].split("|"):
        if part:
            shift, _, count = part.partition("=")
            max_shifts[shift] = _int(count, name, line)
    numbers = [_int(field, name, line) for field in fields[2:8]]
    return Staff(
        id=fields[0],
        days_off=days_off,
        limits=Limits(
            max_shifts=max_shifts,
            max_minutes=numbers[0],
            min_minutes=numbers[1],
            max_consecutive=numbers[2],
            min_consecutive=numbers[3],
            min_consecutive_off=numbers[4],
            max_weekends=numbers[5],
        ),
    )
