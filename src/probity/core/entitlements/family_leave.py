"""Family leave and its key dates (hmpps-offer:family-leave)."""

from __future__ import annotations

import datetime

from probity.core.entitlements.dates import add_years, days_inclusive, year_end
from probity.core.entitlements.inputs import CHOICE, DATE, WHOLE, Question
from probity.core.entitlements.result import Line, Note, Result
from probity.core.entitlements.rules import Rule, Rules, rules_for
from probity.core.errors import BadInput

NAME = "family-leave"
TITLE = "Family leave"
SECTION = "family-leave"
KINDS = (
    ("maternity", "Maternity leave"),
    ("adoption", "Adoption leave"),
    ("shared-parental", "Shared parental leave"),
    ("maternity-support", "Maternity support (paternity) leave"),
)

QUESTIONS = [
    Question(
        "kind", CHOICE, "Which leave do you want to check?", choices=KINDS, noun="Kind of leave"
    ),
    Question(
        "expected_date",
        DATE,
        "What is the expected due date or placement date?",
        hint="For example 2025-03-14.",
        noun="Due or placement date",
    ),
    Question(
        "leave_start",
        DATE,
        "When will your leave start?",
        hint="Leave blank to start on the due or placement date.",
        required=False,
    ),
    Question(
        "weeks_taken",
        WHOLE,
        "For shared parental leave: how many weeks of maternity or adoption leave will be "
        "taken before sharing?",
        hint="Weeks the mother or adopter takes before sharing the rest with a partner.",
        required=False,
        unit="weeks",
        ask_if=("kind", ("shared-parental",)),
    ),
    Question(
        "leave_year_start",
        DATE,
        "When does your leave year start?",
        hint="Any first day of your leave year, for example 2025-04-01. Leave blank to "
        "skip the split by leave year.",
        required=False,
    ),
]


def family_leave(
    *,
    kind: str,
    expected_date: datetime.date,
    leave_start: datetime.date | None = None,
    weeks_taken: int | None = None,
    leave_year_start: datetime.date | None = None,
    rules: Rules | None = None,
) -> Result:
    if kind not in dict(KINDS):
        raise BadInput("kind", f"must be one of {', '.join(dict(KINDS))}, not {kind!r}")
    rules = rules or rules_for(NAME, expected_date, field="expected_date")
    start = leave_start or expected_date
    lines = [Line("expected_date", "Expected due or placement date", expected_date)]
    if kind in ("maternity", "adoption"):
        lines += _leave_lines(
            start, rules["maternity_adoption_weeks"], rules["maternity_adoption_paid_weeks"]
        )
    elif kind == "shared-parental":
        lines += _shared_lines(start, weeks_taken, rules)
    else:
        weeks = rules["maternity_support_weeks"]
        lines += [
            Line("leave_start", "Leave starts", start),
            Line(
                "leave_weeks",
                "Leave at contractual pay",
                weeks.value,
                "weeks",
                SECTION,
                weeks.quote,
            ),
            Line(
                "leave_end",
                "Leave ends",
                _after_weeks(start, weeks.value),
                "",
                SECTION,
                weeks.quote,
            ),
        ]
    if leave_year_start:
        lines += _by_leave_year(start, _last_day(lines), leave_year_start)
    notes = [
        Note(rules["earliest_start"].not_stated, SECTION),
        Note(
            "Paid and unpaid special leave to support parents and carers is also available.",
            SECTION,
            rules["special_leave"].quote,
        ),
    ]
    return Result(NAME, TITLE, lines, notes, rules.valid_from)


def _leave_lines(start: datetime.date, weeks: Rule, paid: Rule) -> list[Line]:
    after_pay = Line(
        "after_pay",
        "Pay after contractual pay ends",
        None,
        "",
        SECTION,
        paid.quote,
        "The offer does not say what is paid after the 26 weeks of contractual pay.",
    )
    return [
        Line("leave_start", "Leave starts", start),
        Line("leave_weeks", "Leave", weeks.value, "weeks", SECTION, weeks.quote),
        Line("paid_weeks", "At contractual pay", paid.value, "weeks", SECTION, paid.quote),
        Line(
            "paid_until",
            "Contractual pay until",
            _after_weeks(start, paid.value),
            "",
            SECTION,
            paid.quote,
        ),
        Line("leave_end", "Leave ends", _after_weeks(start, weeks.value), "", SECTION, weeks.quote),
        after_pay,
    ]


def _shared_lines(start: datetime.date, weeks_taken: int | None, rules: Rules) -> list[Line]:
    total, paid = rules["shared_weeks"], rules["shared_paid_weeks"]
    if weeks_taken is None:
        raise BadInput("weeks_taken", "say how many weeks of leave are taken before sharing")
    if weeks_taken > total.value:
        raise BadInput("weeks_taken", f"must be at most {total.value} weeks")
    share = total.value - weeks_taken
    paid_share = max(paid.value - weeks_taken, 0)
    return [
        Line("leave_start", "Leave starts", start),
        Line("weeks_taken", "Weeks taken before sharing", weeks_taken, "weeks"),
        Line("weeks_to_share", "Weeks left to share", share, "weeks", SECTION, total.quote),
        Line(
            "paid_weeks_to_share",
            "Weeks at contractual pay left to share",
            paid_share,
            "weeks",
            SECTION,
            paid.quote,
        ),
        Line(
            "leave_end",
            "All leave ends by",
            _after_weeks(start, total.value),
            "",
            SECTION,
            total.quote,
        ),
    ]


def _after_weeks(start: datetime.date, weeks) -> datetime.date:
    """The last day of `weeks` weeks of leave starting on `start`."""
    return start + datetime.timedelta(weeks=int(weeks), days=-1)


def _last_day(lines: list[Line]) -> datetime.date:
    return next(line.value for line in lines if line.key == "leave_end")


def _by_leave_year(first: datetime.date, last: datetime.date, leave_year_start: datetime.date):
    """Days of this leave falling in each leave year, e.g. a due date near the year's end."""
    year_start = leave_year_start
    while year_start > first:
        year_start = add_years(year_start, -1)
    while year_end(year_start) < first:
        year_start = add_years(year_start, 1)
    lines = []
    while year_start <= last:
        end = year_end(year_start)
        days = days_inclusive(max(first, year_start), min(last, end))
        lines.append(
            Line(
                f"leave_year_{year_start}",
                f"Days in leave year {year_start} to {end}",
                days,
                "days",
            )
        )
        year_start = add_years(year_start, 1)
    return lines
