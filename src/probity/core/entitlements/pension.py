"""Alpha pension contributions for a salary, with AVCs (hmpps-offer:pension)."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from probity.core.entitlements.inputs import DECIMAL, Question
from probity.core.entitlements.result import Line, Note, Result
from probity.core.entitlements.rules import Rules, rules_for
from probity.core.errors import BadInput

NAME = "pension"
TITLE = "Pension contributions (Alpha)"
SECTION = "pension"
PENNY = Decimal("0.01")
HUNDRED = Decimal(100)
MONTHS = Decimal(12)

QUESTIONS = [
    Question(
        "annual_salary",
        DECIMAL,
        "What is your annual pay?",
        hint="Before tax, in pounds, for example 30902.",
        unit="GBP",
    ),
    Question(
        "avc_monthly",
        DECIMAL,
        "How much do you pay each month in Additional Voluntary Contributions (AVCs)?",
        hint="In pounds. Leave blank if none.",
        required=False,
        default=Decimal(0),
        unit="GBP",
        noun="AVCs",
    ),
]


def pension_contributions(
    *,
    annual_salary: Decimal,
    avc_monthly: Decimal = Decimal(0),
    on: datetime.date | None = None,
    rules: Rules | None = None,
) -> Result:
    rules = rules or rules_for(NAME, on or datetime.date.today())
    if annual_salary <= 0:
        raise BadInput("annual_salary", "must be more than 0")
    if avc_monthly < 0:
        raise BadInput("avc_monthly", "cannot be negative")
    employee, employer = rules["employee_rate"], rules["employer_rate"]
    employee_year = _pence(annual_salary * employee.value / HUNDRED)
    employer_year = _pence(annual_salary * employer.value / HUNDRED)
    avc_year = _pence(avc_monthly * MONTHS)
    if employee_year + avc_year > annual_salary:
        raise BadInput("avc_monthly", "your contributions would be more than your pay")
    lines = [
        Line(
            "employee_rate",
            "Your contribution rate (around)",
            employee.value,
            "percent",
            SECTION,
            employee.quote,
        ),
        Line("employee_year", "You pay a year", employee_year, "GBP", SECTION, employee.quote),
        Line(
            "employee_month",
            "You pay a month",
            _pence(employee_year / MONTHS),
            "GBP",
            SECTION,
            employee.quote,
        ),
        Line(
            "employer_rate",
            "Employer contribution rate",
            employer.value,
            "percent",
            SECTION,
            employer.quote,
        ),
        Line(
            "employer_year",
            "Your employer pays a year",
            employer_year,
            "GBP",
            SECTION,
            employer.quote,
        ),
        Line("avc_year", "Your AVCs a year", avc_year, "GBP", SECTION, rules["avcs"].quote),
        Line(
            "total_year",
            "Paid into your pension a year",
            employee_year + employer_year + avc_year,
            "GBP",
            SECTION,
            f"{employee.quote}; {employer.quote}",
        ),
    ]
    notes = [Note(rules["exact_rate"].not_stated, SECTION, rules["exact_rate"].quote)]
    return Result(NAME, TITLE, lines, notes, rules.valid_from)


def _pence(amount: Decimal) -> Decimal:
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)
