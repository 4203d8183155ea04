"""Annual leave for one leave year (hmpps-offer:annual-leave-and-toil)."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from probity.core.entitlements.dates import add_years, days_inclusive, year_end
from probity.core.entitlements.inputs import DATE, DECIMAL, Question
from probity.core.entitlements.result import Line, Note, Result
from probity.core.entitlements.rules import Rule, Rules, rules_for
from probity.core.errors import BadInput

NAME = "annual-leave"
TITLE = "Annual leave"
SECTION = "annual-leave-and-toil"
TWO_PLACES = Decimal("0.01")

QUESTIONS = [
    Question(
        "service_start",
        DATE,
        "When did your service start?",
        hint="The first day of your continuous service, for example 2015-09-01.",
        noun="Service start date",
    ),
    Question(
        "leave_year_start",
        DATE,
        "When does the leave year start?",
        hint="The first day of the leave year you want to check, for example 2025-04-01.",
    ),
    Question(
        "weekly_hours",
        DECIMAL,
        "How many hours a week are you contracted to work?",
        hint="Full time is 37 hours. Leave is pro rata for part-time hours.",
        required=False,
        default=Decimal(37),
        unit="hours",
    ),
    Question(
        "leaving_date",
        DATE,
        "When is your last day of service, if it is in this leave year?",
        hint="Leave blank if you are staying. Leave is pro rata for part of a leave year.",
        required=False,
        noun="Last day of service",
    ),
]


def annual_leave(
    *,
    service_start: datetime.date,
    leave_year_start: datetime.date,
    weekly_hours: Decimal = Decimal(37),
    leaving_date: datetime.date | None = None,
    today: datetime.date | None = None,
    rules: Rules | None = None,
) -> Result:
    """Days of leave for a leave year: annual days by service, public holidays and the
    privilege day, pro rata for part-time hours and for a part year."""
    today = today or datetime.date.today()
    rules = rules or rules_for(NAME, leave_year_start, field="leave_year_start")
    full_time = rules["full_time_hours"].value
    _check(service_start, leave_year_start, weekly_hours, leaving_date, today, full_time)

    last_day = year_end(leave_year_start)
    first_served = max(leave_year_start, service_start)
    last_served = min(last_day, leaving_date) if leaving_date else last_day
    year_fraction = Decimal(days_inclusive(first_served, last_served)) / Decimal(
        days_inclusive(leave_year_start, last_day)
    )
    hours_fraction = Decimal(weekly_hours) / full_time
    fraction = year_fraction * hours_fraction

    rise = rules["annual_days_after_service"]
    risen = add_years(service_start, int(rules["service_years_for_rise"].value)) <= leave_year_start
    annual = rise if risen else rules["annual_days"]
    public = rules["public_holidays"]
    privilege = rules["privilege_days"]
    parts = [_days(annual, fraction), _days(public, fraction), _days(privilege, fraction)]
    total = sum(parts, Decimal(0))
    lines = [
        Line("leave_year", "Leave year", f"{leave_year_start} to {last_day}"),
        _line("annual_days", "Annual leave", parts[0], annual),
        _line("public_holidays", "Public holidays", parts[1], public),
        _line("privilege_days", "Privilege day", parts[2], privilege),
        Line(
            "total_days",
            "Total days off",
            total,
            "days",
            SECTION,
            f"{annual.quote}, {public.quote}, and {privilege.quote}",
        ),
        Line(
            "full_time_share",
            "Share of full-time hours",
            _places(hours_fraction),
            "fraction",
            rules["full_time_hours"].section,
            rules["full_time_hours"].quote,
        ),
        Line("year_share", "Share of the leave year served", _places(year_fraction), "fraction"),
    ]
    notes = [
        Note(
            "If a public or bank holiday falls on a working day, you take the leave on a "
            "different day.",
            SECTION,
            rules["working_public_holidays"].quote,
        ),
        Note(rules["rise_measured_at"].not_stated, SECTION),
        Note(rules["rounding"].not_stated, SECTION),
    ]
    return Result(NAME, TITLE, lines, notes, rules.valid_from)


def _check(service_start, leave_year_start, weekly_hours, leaving_date, today, full_time):
    if service_start > today:
        raise BadInput("service_start", f"{service_start} is after today ({today})")
    if weekly_hours <= 0:
        raise BadInput("weekly_hours", "must be more than 0")
    if weekly_hours > full_time:
        raise BadInput(
            "weekly_hours", f"must be at most {full_time} (full time); extra hours are TOIL or pay"
        )
    if service_start > year_end(leave_year_start):
        raise BadInput("leave_year_start", "this leave year ends before your service starts")
    if leaving_date is not None:
        if leaving_date < service_start:
            raise BadInput("leaving_date", "is before your service starts")
        if leaving_date < leave_year_start:
            raise BadInput("leaving_date", "is before this leave year starts")


def _days(rule: Rule, fraction: Decimal) -> Decimal:
    return _places(rule.value * fraction)


def _places(number: Decimal) -> Decimal:
    return number.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _line(key: str, label: str, days: Decimal, rule: Rule) -> Line:
    return Line(key, label, days, "days", rule.section, rule.quote)
