"""Cycle to work saving from a price and a tax band (hmpps-offer:salary-sacrifice).

The offer gives the ceiling, "up to 47%"; the band's rate is its income tax and employee
National Insurance, kept as dated data in cycle-to-work.yaml with their GOV.UK source.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from probity.core.entitlements.inputs import CHOICE, DATE, DECIMAL, Question
from probity.core.entitlements.result import Line, Note, Result
from probity.core.entitlements.rules import Rules, rules_for
from probity.core.errors import BadInput

NAME = "cycle-to-work"
TITLE = "Cycle to work saving"
SECTION = "salary-sacrifice"
PENNY = Decimal("0.01")
HUNDRED = Decimal(100)
BANDS = (
    ("basic", "Basic rate (20% income tax)"),
    ("higher", "Higher rate (40% income tax)"),
    ("additional", "Additional rate (45% income tax)"),
)

QUESTIONS = [
    Question(
        "price",
        DECIMAL,
        "What is the price of the bike and equipment?",
        hint="In pounds, for example 800.",
        unit="GBP",
    ),
    Question(
        "tax_band",
        CHOICE,
        "Which income tax band are you in?",
        choices=BANDS,
        hint="Rates for England, Wales and Northern Ireland.",
    ),
    Question(
        "on",
        DATE,
        "When will you join the scheme?",
        hint="Leave blank for today.",
        required=False,
        noun="The date",
    ),
]


def cycle_to_work_saving(
    *,
    price: Decimal,
    tax_band: str,
    on: datetime.date | None = None,
    rules: Rules | None = None,
) -> Result:
    rules = rules or rules_for(NAME, on or datetime.date.today())
    bands = rules.tables["tax_bands"]
    if tax_band not in bands:
        raise BadInput("tax_band", f"must be one of {', '.join(bands)}, not {tax_band!r}")
    if price <= 0:
        raise BadInput("price", "must be more than 0")
    band = bands[tax_band]
    tax, insurance = Decimal(band["income_tax"]), Decimal(band["national_insurance"])
    ceiling = rules["maximum_saving_rate"]
    rate = min(tax + insurance, ceiling.value)
    saving = (price * rate / HUNDRED).quantize(PENNY, rounding=ROUND_HALF_UP)
    source = rules.tables["source"]
    lines = [
        Line("price", "Price", price, "GBP"),
        Line("income_tax", "Income tax saved (rate)", tax, "percent", None, source),
        Line(
            "national_insurance",
            "National Insurance saved (rate)",
            insurance,
            "percent",
            None,
            source,
        ),
        Line("saving_rate", "Your saving", rate, "percent", SECTION, ceiling.quote),
        Line("saving", "You save", saving, "GBP", SECTION, ceiling.quote),
        Line("cost", "Cost to you", price - saving, "GBP", SECTION, rules["how_paid"].quote),
    ]
    notes = [
        Note(
            "You pay nothing upfront; payments come from your gross monthly salary.",
            SECTION,
            rules["how_paid"].quote,
        ),
        Note(
            f"Tax and National Insurance rates are not in the offer: {source}, in force from "
            f"{rules.valid_from}.",
            None,
        ),
        Note(rules["scotland"].not_stated, SECTION),
    ]
    return Result(NAME, TITLE, lines, notes, rules.valid_from)
