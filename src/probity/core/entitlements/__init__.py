"""Entitlement calculators for the HMPPS employee offer (hmpps-offer).

Plain functions with their rules as dated data (data/entitlements/*.yaml). `calculate` takes
answers as typed in (CLI options, API fields, web forms) and returns a `Result` whose every
figure cites the offer section that states it; bad input raises BadInput naming the field.
"""

from __future__ import annotations

from collections import namedtuple

from probity.core.entitlements import (
    annual_leave,
    cycle_to_work,
    family_leave,
    pay,
    pension,
    sick_pay,
    toil,
)
from probity.core.entitlements.inputs import parse_answers
from probity.core.entitlements.result import Line, Note, Result
from probity.core.errors import BadInput

__all__ = ["CALCULATORS", "Calculator", "Line", "Note", "Result", "calculate", "calculator_get"]


class Calculator(namedtuple("Calculator", "name title section summary function questions")):
    """A calculator: the hmpps-offer section it implements, the function that answers
    (keyword answers → Result) and the function that lists its questions."""

    __slots__ = ()


CALCULATORS = {
    calculator.name: calculator
    for calculator in (
        Calculator(
            annual_leave.NAME,
            annual_leave.TITLE,
            annual_leave.SECTION,
            "Days of annual leave, public holidays and the privilege day for a leave "
            "year, pro rata for part-time hours and part years.",
            annual_leave.annual_leave,
            lambda: annual_leave.QUESTIONS,
        ),
        Calculator(
            toil.NAME,
            toil.TITLE,
            toil.SECTION,
            "Hours of time off in lieu banked, taken and left. Banked hours never expire.",
            toil.toil_balance,
            lambda: toil.QUESTIONS,
        ),
        Calculator(
            sick_pay.NAME,
            sick_pay.TITLE,
            sick_pay.SECTION,
            "Sick pay left in the rolling four-year window on modernised terms.",
            sick_pay.sick_pay_remaining,
            lambda: sick_pay.QUESTIONS,
        ),
        Calculator(
            family_leave.NAME,
            family_leave.TITLE,
            family_leave.SECTION,
            "Maternity, adoption, shared parental and maternity support leave, with "
            "key dates from the due or placement date.",
            family_leave.family_leave,
            lambda: family_leave.QUESTIONS,
        ),
        Calculator(
            pay.NAME,
            pay.TITLE,
            pay.SECTION,
            "Salary by year in role from the pay table for a pay year.",
            pay.pay_progression,
            pay.questions,
        ),
        Calculator(
            pension.NAME,
            pension.TITLE,
            pension.SECTION,
            "What you and your employer pay into the Alpha pension, with AVCs.",
            pension.pension_contributions,
            lambda: pension.QUESTIONS,
        ),
        Calculator(
            cycle_to_work.NAME,
            cycle_to_work.TITLE,
            cycle_to_work.SECTION,
            "What the cycle to work scheme saves you on a bike, by tax band.",
            cycle_to_work.cycle_to_work_saving,
            lambda: cycle_to_work.QUESTIONS,
        ),
    )
}


def calculator_get(name: str) -> Calculator:
    try:
        return CALCULATORS[name]
    except KeyError:
        known = ", ".join(CALCULATORS)
        raise BadInput("calculator", f"unknown calculator {name!r}; known: {known}") from None


def calculate(name: str, answers: dict[str, object], **context: object) -> Result:
    """Run a calculator on answers as typed in; `context` passes e.g. `today` for tests."""
    calculator = calculator_get(name)
    return calculator.function(**parse_answers(calculator.questions(), answers), **context)
