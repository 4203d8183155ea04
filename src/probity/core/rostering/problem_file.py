"""Read a roster problem from JSON or YAML (`load_problem`), write a roster (`roster_to_dict`).

A problem file, with times as "HH:MM", hours as numbers and days as ISO dates or as
day numbers from 0 (the first day):

    name: HMP Example, A wing
    start: 2026-01-05                  # first day of the roster
    weeks: 4                           # or days: 28
    rules: {daily_rest_hours: 11, weekly_rest: true, max_average_weekly_hours: 48,
            night_average_hours: 8, night_assessment_months: 12, reference_weeks: 17,
            hours_weight: 1, night_fairness_weight: 2, weekend_fairness_weight: 2}
    shifts:
      - {id: E, name: Early, start: "07:00", hours: 8.5, not_followed_by: []}
      - {id: N, name: Night, start: "20:45", hours: 10.5, night: true, not_followed_by: [E]}
    demand:                            # days: every day | weekdays | weekends | [Monday, ...]
      - {shift: E, days: every day, minimum: 6, preferred: 8}   # or day: 2026-01-07
      - {shift: E, days: every day, minimum: 1, skill: B4}
    staff:
      - id: s001
        name: A. Officer
        grade: B3
        skills: [first-aid]
        contracted_hours: 37
        opted_out_48h: false
        night_worker: false                       # 8 hours in 24 on average, no opt-out
        hazardous_night_work: false               # at most 8 hours in any 24 with night work
        night_assessment_offered: 2025-11-03      # free health assessment last offered (reg. 7)
        night_work_advised_against: false         # medical advice: no night shifts (reg. 7(6))
        leave: [2026-01-12, {from: 2026-01-20, to: 2026-01-23}]
        toil: [2026-01-15]
        pattern: [E, E, L, L, null, null, N]      # repeating from the first day
        annualised: {target_hours: 1924, worked_hours: 800, reference_days_left: 200}
        arrangement:
          description: Compressed hours, school run
          fixed_rest_days: [Friday]
          unavailable: [{from: 2026-02-16, to: 2026-02-20}]   # term-time
          no_nights: true
          shifts: [E, LD]
          max_days_per_week: 4
          max_hours_per_week: 37
          min_hours_per_week: 16
          job_share_with: s002
        limits: {max_shifts: {N: 4}, max_consecutive: 5, max_weekends: 2}
    requests:
      - {staff: s001, day: 2026-01-09, shift: null, "on": false, weight: 3}

Every mistake is a `BadInput` naming the field, e.g. `staff[2] (s003).contracted_hours`.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from probity.core.errors import BadInput
from probity.core.rostering.model import (
    WEEKDAY_NAMES,
    AnnualisedHours,
    Arrangement,
    Cover,
    Limits,
    Problem,
    Request,
    Roster,
    Rules,
    ShiftType,
    Staff,
)
from probity.core.rostering.validate import validate_problem

DAY_SETS = {
    "every day": range(7),
    "weekdays": range(5),
    "weekends": range(5, 7),
}


def load_problem(source: str | Path | dict) -> Problem:
    """A validated `Problem` from a JSON/YAML file path or an already parsed mapping."""
    data = _read(source) if not isinstance(source, dict) else source
    if not isinstance(data, dict):
        raise BadInput("problem", "the file must hold a mapping of name, start, shifts, ...")
    problem = _problem(data)
    validate_problem(problem)
    return problem


def _read(path: str | Path):
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise BadInput("file", f"cannot read {path}: {error.strerror}") from error
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise BadInput("file", f"not JSON: {error}") from error
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise BadInput("file", f"not YAML: {error}") from error


def _problem(data: dict) -> Problem:
    start = _date(data.get("start"), "start")
    if "days" in data:
        horizon = _int(data["days"], "days")
    else:
        horizon = 7 * _int(data.get("weeks", 4), "weeks")
    calendar = _Calendar(start, horizon)
    shifts = tuple(_shift(item, f"shifts[{i}]") for i, item in enumerate(_list(data, "shifts")))
    cover = tuple(
        line
        for i, item in enumerate(_list(data, "demand"))
        for line in _cover(item, f"demand[{i}]", calendar)
    )
    staff = tuple(
        _staff(item, f"staff[{i}]", calendar) for i, item in enumerate(_list(data, "staff"))
    )
    requests = tuple(
        _request(item, f"requests[{i}]", calendar)
        for i, item in enumerate(_list(data, "requests", required=False))
    )
    return Problem(
        start=start,
        horizon=horizon,
        shifts=shifts,
        cover=cover,
        staff=staff,
        requests=requests,
        rules=_rules(_mapping(data.get("rules", {}), "rules")),
        name=str(data.get("name", "")),
    )


class _Calendar:
    def __init__(self, start: datetime.date, horizon: int):
        self.start, self.horizon = start, horizon

    def day(self, value, field: str) -> int:
        """A day index from an ISO date or a day number; a date outside the roster is an error."""
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        day = (_date(value, field) - self.start).days
        if not 0 <= day < self.horizon:
            raise BadInput(field, f"{value} is outside the roster's dates")
        return day

    def days(self, values, field: str) -> frozenset[int]:
        """Dates, day numbers and {from, to} ranges; dates outside the roster are dropped
        (leave often runs on past the roster's end)."""
        found: set[int] = set()
        for i, value in enumerate(_as_list(values, field)):
            if isinstance(value, dict):
                first = _date(value.get("from"), f"{field}[{i}].from")
                last = _date(value.get("to", value.get("from")), f"{field}[{i}].to")
                if last < first:
                    raise BadInput(f"{field}[{i}].to", "ends before it starts")
                span = range((first - self.start).days, (last - self.start).days + 1)
            elif isinstance(value, int) and not isinstance(value, bool):
                span = range(value, value + 1)
            else:
                day = (_date(value, f"{field}[{i}]") - self.start).days
                span = range(day, day + 1)
            found.update(day for day in span if 0 <= day < self.horizon)
        return frozenset(found)

    def weekday_set(self, value, field: str) -> list[int]:
        if isinstance(value, str) and value.lower() in DAY_SETS:
            weekdays = set(DAY_SETS[value.lower()])
        else:
            weekdays = set(_weekdays(value, field))
        return [d for d in range(self.horizon) if (self.start.weekday() + d) % 7 in weekdays]


def _shift(item, field: str) -> ShiftType:
    item = _mapping(item, field)
    return ShiftType(
        id=str(item.get("id", "")),
        name=str(item.get("name", "")),
        start=_time(item["start"], f"{field}.start") if item.get("start") is not None else None,
        length=_minutes(item.get("hours"), f"{field}.hours"),
        night=bool(item.get("night", False)),
        forbidden_next=frozenset(
            str(s) for s in _as_list(item.get("not_followed_by", []), f"{field}.not_followed_by")
        ),
    )


def _cover(item, field: str, calendar: _Calendar) -> list[Cover]:
    item = _mapping(item, field)
    if "day" in item:
        days = [calendar.day(item["day"], f"{field}.day")]
    else:
        days = calendar.weekday_set(item.get("days", "every day"), f"{field}.days")
    minimum = _int(item.get("minimum", 0), f"{field}.minimum")
    return [
        Cover(
            day=day,
            shift=str(item.get("shift", "")),
            minimum=minimum,
            preferred=_int(item.get("preferred", minimum), f"{field}.preferred"),
            skill=str(item["skill"]) if item.get("skill") else None,
            under_weight=_int(item.get("under_weight", 10), f"{field}.under_weight"),
            over_weight=_int(item.get("over_weight", 1), f"{field}.over_weight"),
        )
        for day in days
    ]


def _staff(item, field: str, calendar: _Calendar) -> Staff:
    item = _mapping(item, field)
    if item.get("id"):
        field = f"{field} ({item['id']})"
    annualised = None
    if item.get("annualised") is not None:
        hours = _mapping(item["annualised"], f"{field}.annualised")
        annualised = AnnualisedHours(
            target_minutes=_minutes(hours.get("target_hours"), f"{field}.annualised.target_hours"),
            worked_minutes=_minutes(
                hours.get("worked_hours", 0), f"{field}.annualised.worked_hours"
            ),
            reference_days_left=_int(
                hours.get("reference_days_left", calendar.horizon),
                f"{field}.annualised.reference_days_left",
            ),
        )
    pattern = item.get("pattern") or []
    return Staff(
        id=str(item.get("id", "")),
        name=str(item.get("name", "")),
        grade=str(item.get("grade", "")),
        skills=frozenset(str(s) for s in _as_list(item.get("skills", []), f"{field}.skills")),
        contracted_minutes=_minutes(
            item.get("contracted_hours", 0), f"{field}.contracted_hours", allow_negative=True
        ),
        arrangement=_arrangement(item.get("arrangement") or {}, f"{field}.arrangement", calendar),
        annualised=annualised,
        leave_days=calendar.days(item.get("leave", []), f"{field}.leave"),
        toil_days=calendar.days(item.get("toil", []), f"{field}.toil"),
        days_off=calendar.days(item.get("days_off", []), f"{field}.days_off"),
        opted_out_48h=bool(item.get("opted_out_48h", False)),
        night_worker=bool(item.get("night_worker", False)),
        hazardous_night_work=bool(item.get("hazardous_night_work", False)),
        night_assessment_offered=(
            None
            if item.get("night_assessment_offered") is None
            else _date(item["night_assessment_offered"], f"{field}.night_assessment_offered")
        ),
        night_work_advised_against=bool(item.get("night_work_advised_against", False)),
        pattern=tuple(None if s is None else str(s) for s in _as_list(pattern, f"{field}.pattern")),
        limits=_limits(item.get("limits") or {}, field),
    )


def _arrangement(item, field: str, calendar: _Calendar) -> Arrangement:
    item = _mapping(item, field)
    shifts = item.get("shifts")

    def hours(name: str) -> int | None:
        value = item.get(name)
        return None if value is None else _minutes(value, f"{field}.{name}")

    return Arrangement(
        description=str(item.get("description", "")),
        fixed_rest_weekdays=frozenset(
            _weekdays(item.get("fixed_rest_days", []), f"{field}.fixed_rest_days")
        ),
        unavailable_days=calendar.days(item.get("unavailable", []), f"{field}.unavailable"),
        no_nights=bool(item.get("no_nights", False)),
        shifts=None if shifts is None else frozenset(str(s) for s in shifts),
        max_days_per_week=(
            None
            if item.get("max_days_per_week") is None
            else _int(item["max_days_per_week"], f"{field}.max_days_per_week")
        ),
        max_minutes_per_week=hours("max_hours_per_week"),
        min_minutes_per_week=hours("min_hours_per_week"),
        job_share_with=str(item["job_share_with"]) if item.get("job_share_with") else None,
    )


def _limits(item, field: str) -> Limits:
    item = _mapping(item, f"{field}.limits")

    def number(name: str) -> int | None:
        return None if item.get(name) is None else _int(item[name], f"{field}.{name}")

    return Limits(
        max_shifts={
            str(k): _int(v, f"{field}.max_shifts")
            for k, v in _mapping(item.get("max_shifts", {}), f"{field}.max_shifts").items()
        },
        max_minutes=None if item.get("max_hours") is None else _minutes(item["max_hours"], ""),
        min_minutes=None if item.get("min_hours") is None else _minutes(item["min_hours"], ""),
        max_consecutive=number("max_consecutive"),
        min_consecutive=number("min_consecutive"),
        min_consecutive_off=number("min_consecutive_off"),
        max_weekends=number("max_weekends"),
    )


def _request(item, field: str, calendar: _Calendar) -> Request:
    item = _mapping(item, field)
    if "on" not in item:
        raise BadInput(f"{field}.on", "say true (wants to work) or false (wants the day off)")
    return Request(
        staff=str(item.get("staff", "")),
        day=calendar.day(item.get("day"), f"{field}.day"),
        shift=None if item.get("shift") is None else str(item["shift"]),
        on=bool(item["on"]),
        weight=_int(item.get("weight", 1), f"{field}.weight"),
    )


def _rules(item: dict) -> Rules:
    defaults = Rules()

    def optional(name: str, default: int | None, read=_minutes) -> int | None:
        """The value read; null switches the rule off; left out, the default."""
        if name not in item:
            return default
        return None if item[name] is None else read(item[name], f"rules.{name}")

    return Rules(
        daily_rest_minutes=optional("daily_rest_hours", defaults.daily_rest_minutes),
        weekly_rest=bool(item.get("weekly_rest", defaults.weekly_rest)),
        max_average_weekly_minutes=optional(
            "max_average_weekly_hours", defaults.max_average_weekly_minutes
        ),
        night_average_minutes=optional("night_average_hours", defaults.night_average_minutes),
        night_assessment_months=optional(
            "night_assessment_months", defaults.night_assessment_months, _int
        ),
        reference_weeks=_int(
            item.get("reference_weeks", defaults.reference_weeks), "rules.reference_weeks"
        ),
        hours_weight=_int(item.get("hours_weight", defaults.hours_weight), "rules.hours_weight"),
        night_fairness_weight=_int(
            item.get("night_fairness_weight", defaults.night_fairness_weight),
            "rules.night_fairness_weight",
        ),
        weekend_fairness_weight=_int(
            item.get("weekend_fairness_weight", defaults.weekend_fairness_weight),
            "rules.weekend_fairness_weight",
        ),
    )


def roster_to_dict(problem: Problem, roster: Roster) -> dict:
    """A roster as {"start", "days": [dates], "staff": {id: [shift or null per day]}}."""
    return {
        "start": problem.start.isoformat(),
        "days": [problem.date(day).isoformat() for day in range(problem.horizon)],
        "staff": roster.to_dict(),
    }


def roster_from_dict(problem: Problem, data) -> Roster:
    """The inverse of `roster_to_dict` (the `staff` mapping alone is accepted too)."""
    data = _mapping(data, "roster")
    staff = _mapping(data.get("staff", data), "roster.staff")
    return Roster(
        {
            str(staff_id): [
                None if s is None else str(s) for s in _as_list(days, f"roster.{staff_id}")
            ]
            for staff_id, days in staff.items()
        }
    )


# -- small typed readers, each naming the field when the value is wrong


def _list(data: dict, name: str, required: bool = True) -> list:
    if name not in data:
        if required:
            raise BadInput(name, "is missing")
        return []
    return _as_list(data[name], name)


def _as_list(value, field: str) -> list:
    if not isinstance(value, list):
        raise BadInput(field, "must be a list")
    return value


def _mapping(value, field: str) -> dict:
    if not isinstance(value, dict):
        raise BadInput(field, "must be a mapping of names to values")
    return value


def _int(value, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadInput(field, f"{value!r} is not a whole number")
    return value


def _minutes(value, field: str, allow_negative: bool = False) -> int:
    """Hours given as a number, in whole minutes."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadInput(field, f"{value!r} is not a number of hours")
    if value < 0 and not allow_negative:
        raise BadInput(field, "must not be negative")
    return round(value * 60)


def _time(value, field: str) -> int:
    text = str(value)
    try:
        hours, minutes = text.split(":")
        result = int(hours) * 60 + int(minutes)
    except ValueError as error:
        raise BadInput(field, f"{text!r} is not a time like 07:30") from error
    if not 0 <= result < 1440:
        raise BadInput(field, f"{text!r} is not a time of day")
    return result


def _date(value, field: str) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError as error:
        raise BadInput(field, f"{value!r} is not a date like 2026-01-05") from error


def _weekdays(values, field: str) -> list[int]:
    names = [name.lower() for name in WEEKDAY_NAMES]
    found = []
    for value in _as_list(values, field):
        text = str(value).lower()
        matches = [i for i, name in enumerate(names) if name.startswith(text[:3])]
        if len(text) < 3 or not matches:
            raise BadInput(field, f"{value!r} is not a day of the week")
        found.append(matches[0])
    return found
