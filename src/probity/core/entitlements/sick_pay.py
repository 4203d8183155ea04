"""Sick pay left in the rolling four-year window on modernised terms (hmpps-offer:sick-pay).

The offer states the ceiling (10 months in four years) and that it depends on length of
service, not the bands. The bands are data (`tables.service_bands` in sick-pay.yaml); while
their values are null the result says the source does not state them and gives only the
ceiling, never a guessed band.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from probity.core.entitlements.dates import add_years, completed_years, days_inclusive
from probity.core.entitlements.inputs import CHOICE, DATE, DATE_RANGES, Question
from probity.core.entitlements.result import Line, Note, Result
from probity.core.entitlements.rules import Rules, rules_for
from probity.core.errors import BadInput

NAME = "sick-pay"
TITLE = "Sick pay remaining"
SECTION = "sick-pay"
TERMS = (
    ("modernised", "Modernised terms and conditions"),
    ("pre-modernised", "Pre-modernised terms and conditions"),
)

QUESTIONS = [
    Question(
        "terms",
        CHOICE,
        "Which terms and conditions are you on?",
        choices=TERMS,
        hint="Staff new to HMPPS are on modernised terms.",
        noun="Terms and conditions",
    ),
    Question(
        "service_start",
        DATE,
        "When did your service start?",
        hint="The first day of your continuous service, for example 2019-06-03.",
    ),
    Question(
        "absences",
        DATE_RANGES,
        "Which periods of sick absence have you had?",
        hint="One period a line, first and last day, for example 2024-01-08 to 2024-01-19. "
        "Leave blank if none.",
        required=False,
        noun="Sick absences",
    ),
    Question(
        "on",
        DATE,
        "On which date do you want to check?",
        hint="Leave blank for today.",
        required=False,
        noun="The date",
    ),
]


def sick_pay_remaining(
    *,
    terms: str,
    service_start: datetime.date,
    absences: list[tuple[datetime.date, datetime.date]] = (),
    on: datetime.date | None = None,
    today: datetime.date | None = None,
    rules: Rules | None = None,
) -> Result:
    today = today or datetime.date.today()
    on = on or today
    rules = rules or rules_for(NAME, on)
    _check(terms, service_start, absences, on, today)
    if terms == "pre-modernised":
        rule = rules["pre_modernised"]
        line = Line(
            "entitlement",
            "Sick pay entitlement",
            None,
            "months",
            SECTION,
            rule.quote,
            rule.not_stated,
        )
        return Result(NAME, TITLE, [line], [], rules.valid_from)

    maximum = rules["maximum_months"]
    window_years = int(rules["window_years"].value)
    window_start = add_years(on, -window_years) + datetime.timedelta(days=1)
    used = _days_in_window(absences, window_start, on)
    service = completed_years(service_start, on)
    band_months = _band_months(rules, service)
    band_rule = rules["band_months"]
    lines = [
        Line(
            "window",
            "Rolling four-year window",
            f"{window_start} to {on}",
            "",
            SECTION,
            rules["window_years"].quote,
        ),
        Line(
            "service_years",
            "Completed years of service",
            service,
            "years",
            SECTION,
            rules["depends_on_service"].quote,
        ),
        Line(
            "maximum_months",
            "Most sick pay in any four years",
            maximum.value,
            "months",
            SECTION,
            maximum.quote,
        ),
        Line(
            "band_months",
            "Sick pay for your length of service",
            band_months,
            "months",
            SECTION,
            band_rule.quote,
            "" if band_months is not None else band_rule.not_stated,
        ),
        Line(
            "days_used",
            "Days of sick absence in the window",
            used,
            "days",
            SECTION,
            rules["window_years"].quote,
        ),
    ]
    months = band_months if band_months is not None else maximum.value
    at_most = "" if band_months is not None else "at most "
    lines.append(
        Line(
            "remaining",
            "Sick pay left",
            f"{at_most}{_months(months)} less {used} days",
            "",
            SECTION,
            maximum.quote,
        )
    )
    notes = [
        Note(
            "Entitlements vary, for example they are different in the Probation "
            "Service; this calculator follows the Prison Service offer.",
            SECTION,
            "Entitlements vary, for example, they are different in the Probation Service.",
        )
    ]
    if band_months is None:
        notes.append(
            Note(
                "The length-of-service bands are configured in data/entitlements/sick-pay.yaml "
                "(tables.service_bands: from_years and months for each band); none is filled "
                "in because the offer does not state them.",
                SECTION,
            )
        )
    return Result(NAME, TITLE, lines, notes, rules.valid_from)


def _check(terms, service_start, absences, on, today):
    if terms not in dict(TERMS):
        raise BadInput("terms", f"must be one of {', '.join(dict(TERMS))}, not {terms!r}")
    if service_start > today:
        raise BadInput("service_start", f"{service_start} is after today ({today})")
    if on < service_start:
        raise BadInput("on", "is before your service starts")
    for first, last in absences:
        if last < first:
            raise BadInput("absences", f"the period {first}..{last} ends before it starts")
        if first < service_start:
            raise BadInput("absences", f"the period {first}..{last} starts before your service")
        if last > on:
            raise BadInput("absences", f"the period {first}..{last} ends after {on}")


def _days_in_window(absences, window_start, window_end) -> int:
    """Days of absence inside the window, each day counted once however periods overlap."""
    days = set()
    for first, last in absences:
        first, last = max(first, window_start), min(last, window_end)
        if first <= last:
            days.update(
                first + datetime.timedelta(days=n) for n in range(days_inclusive(first, last))
            )
    return len(days)


def _band_months(rules: Rules, service_years: int) -> Decimal | None:
    """The configured band for this service; None while the offer's silence leaves it null."""
    bands = sorted(rules.tables.get("service_bands") or [], key=lambda band: band["from_years"])
    chosen = None
    for band in bands:
        if band["from_years"] <= service_years:
            chosen = band
    if chosen is None or chosen.get("months") is None:
        return None
    return min(Decimal(str(chosen["months"])), rules["maximum_months"].value)


def _months(months: Decimal) -> str:
    return f"{months.normalize():f} months"
