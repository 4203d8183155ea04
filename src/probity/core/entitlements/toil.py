"""Time off in lieu: banked and taken hours, which never expire
(hmpps-offer:annual-leave-and-toil)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from probity.core.entitlements.inputs import DECIMALS, Question
from probity.core.entitlements.result import Line, Note, Result
from probity.core.entitlements.rules import Rules, rules_for
from probity.core.errors import BadInput

NAME = "toil"
TITLE = "Time off in lieu (TOIL) balance"
SECTION = "annual-leave-and-toil"

QUESTIONS = [
    Question(
        "banked",
        DECIMALS,
        "How many hours of TOIL have you banked?",
        hint="One amount a line, or separated by commas, for example 3.5, 2, 7.4",
        unit="hours",
        noun="Hours banked",
    ),
    Question(
        "taken",
        DECIMALS,
        "How many hours of TOIL have you taken back?",
        hint="One amount a line, or separated by commas. Leave blank if none.",
        required=False,
        unit="hours",
        noun="Hours taken",
    ),
]


def toil_balance(
    *,
    banked: list[Decimal],
    taken: list[Decimal] = (),
    today: datetime.date | None = None,
    rules: Rules | None = None,
) -> Result:
    rules = rules or rules_for(NAME, today or datetime.date.today())
    banked_total = _total("banked", banked)
    taken_total = _total("taken", taken)
    if taken_total > banked_total:
        raise BadInput(
            "taken", f"{taken_total} hours taken is more than the {banked_total} hours banked"
        )
    expiry = rules["expiry"]
    lines = [
        Line("banked", "Hours banked", banked_total, "hours", SECTION, rules["banking"].quote),
        Line("taken", "Hours taken back", taken_total, "hours", SECTION, rules["banking"].quote),
        Line(
            "balance",
            "Hours you can take",
            banked_total - taken_total,
            "hours",
            SECTION,
            expiry.quote,
        ),
        Line("expires", "Expires", expiry.value, "", SECTION, expiry.quote),
    ]
    notes = [
        Note(
            "Take the hours at a time that suits both you and the prison.",
            SECTION,
            rules["when_taken"].quote,
        ),
        Note(rules["overdrawn"].not_stated, SECTION),
    ]
    return Result(NAME, TITLE, lines, notes, rules.valid_from)


def _total(field: str, hours: list[Decimal]) -> Decimal:
    for amount in hours:
        if amount < 0:
            raise BadInput(field, f"hours cannot be negative ({amount})")
    return sum(hours, Decimal(0))
