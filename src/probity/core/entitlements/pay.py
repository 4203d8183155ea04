"""Pay progression from the pay tables kept per pay year
(hmpps-offer:future-earning-potential)."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from probity.core.entitlements.inputs import CHOICE, DECIMAL, WHOLE, Question
from probity.core.entitlements.result import Line, Note, Result
from probity.core.entitlements.rules import Rule, Rules, rules_for
from probity.core.errors import BadInput

NAME = "pay-progression"
TITLE = "Pay progression"
SECTION = "future-earning-potential"
FIRST_PAY_YEAR = datetime.date(2023, 4, 1)
PENNY = Decimal("0.01")


def pay_tables(rules: Rules | None = None) -> dict:
    rules = rules or rules_for(NAME, FIRST_PAY_YEAR)
    return rules.tables["pay_years"]


def _choices(pick) -> tuple[tuple[str, str], ...]:
    seen = {}
    for year, roles in pay_tables().items():
        seen.update(pick(year, roles))
    return tuple(seen.items())


def questions() -> list[Question]:
    return [
        Question(
            "pay_year",
            CHOICE,
            "Which pay year?",
            choices=_choices(lambda year, _roles: {year: year}),
        ),
        Question(
            "role",
            CHOICE,
            "Which role?",
            choices=_choices(
                lambda _year, roles: {role: table["title"] for role, table in roles.items()}
            ),
        ),
        Question(
            "years_in_role",
            WHOLE,
            "How many years have you been in the role?",
            hint="Whole years, for example 0 for a new starter.",
            unit="years",
        ),
        Question(
            "weekly_hours",
            DECIMAL,
            "How many hours a week are you contracted to work?",
            hint="The pay table is for 37 hours a week. Leave blank for full time; for fewer "
            "hours the salary is shown pro rata.",
            required=False,
            unit="hours",
        ),
    ]


def pay_progression(
    *,
    pay_year: str,
    role: str,
    years_in_role: int,
    weekly_hours: Decimal | None = None,
    rules: Rules | None = None,
) -> Result:
    rules = rules or rules_for(NAME, FIRST_PAY_YEAR)
    tables = rules.tables["pay_years"]
    if pay_year not in tables:
        raise BadInput("pay_year", f"must be one of {', '.join(tables)}, not {pay_year!r}")
    if role not in tables[pay_year]:
        known = ", ".join(tables[pay_year])
        raise BadInput("role", f"{pay_year} has a pay table for {known}, not {role!r}")
    if years_in_role < 0:
        raise BadInput("years_in_role", "cannot be negative")
    table = tables[pay_year][role]
    full_time = Decimal(table["weekly_hours"])
    if weekly_hours is not None and not 0 < weekly_hours <= full_time:
        raise BadInput(
            "weekly_hours", f"must be more than 0 and at most {full_time} (the table's full time)"
        )
    part_time = weekly_hours is not None and weekly_hours < full_time
    points = {point["after_years"]: point for point in table["points"]}
    start = points[0]
    lines = [
        Line("role", "Role", table["title"]),
        Line(
            "starting_salary",
            f"Starting salary {pay_year}",
            Decimal(start["salary"]),
            "GBP",
            table["section"],
            start["quote"],
        ),
    ]
    point = points.get(years_in_role)
    unstated = rules["unstated_point"]
    if point is None:
        lines.append(
            Line(
                "salary",
                f"Salary after {years_in_role} years",
                None,
                "GBP",
                table["section"],
                unstated.quote,
                unstated.not_stated,
            )
        )
    else:
        salary = Decimal(point["salary"])
        lines += [
            Line(
                "salary",
                f"Salary after {years_in_role} years",
                salary,
                "GBP",
                table["section"],
                point["quote"],
            ),
            Line(
                "increase",
                "Increase on the starting salary",
                salary - Decimal(start["salary"]),
                "GBP",
                table["section"],
                point["quote"],
            ),
        ]
    if part_time:
        lines += _pro_rata(lines, weekly_hours, full_time, rules["part_time"])
    condition = rules["condition"]
    notes = [
        Note(
            "Progression depends on meeting the required performance and capability standards.",
            condition.section,
            condition.quote,
        ),
        Note(
            "Pay is set each year through the pay round, on the advice of the Prison Service "
            "Pay Review Body.",
            rules["pay_round"].section,
            rules["pay_round"].quote,
        ),
    ]
    if part_time:
        reading = rules["part_time"]
        notes.insert(0, Note(reading.not_stated, reading.section, reading.quote))
    return Result(NAME, TITLE, lines, notes, rules.valid_from)


def _pro_rata(lines: list[Line], hours: Decimal, full_time: Decimal, rule: Rule) -> list[Line]:
    """The starting salary and the salary for the year for part-time hours: pro rata while
    data/entitlements/pay-progression.yaml's part_time says so (the calculator's reading where
    the offer is silent), else not stated."""
    share = hours / full_time
    shown = f"{hours.normalize():f}"
    pro_rata = [
        Line("weekly_hours", "Hours a week", hours, "hours", rule.section, rule.quote),
        Line("hours_share", "Share of full-time hours", _penny(share), "fraction"),
    ]
    for line in lines:
        if line.key in ("starting_salary", "salary"):
            known = line.value is not None and rule.value == "pro-rata"
            value = _penny(line.value * share) if known else None
            pro_rata.append(
                Line(
                    f"{line.key}_pro_rata",
                    f"{line.label}, pro rata for {shown} hours a week",
                    value,
                    "GBP",
                    rule.section,
                    rule.quote,
                    line.not_stated or rule.not_stated,
                )
            )
    return pro_rata


def _penny(amount: Decimal) -> Decimal:
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)
