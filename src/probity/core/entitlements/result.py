"""What a calculator answers: figures, each citing the offer section that states it, and notes.

A figure the source does not state is a line whose value is None and whose `not_stated` says
what is missing, linked to the section: the calculators never guess.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

OFFER = "hmpps-offer"

Value = Decimal | datetime.date | int | str | None


@dataclass(frozen=True)
class Line:
    key: str
    label: str
    value: Value
    unit: str = ""  # "days", "hours", "weeks", "GBP", "percent", "months"
    section: str | None = None  # hmpps-offer section id that states the value
    quote: str = ""  # the source's own words for it
    not_stated: str = ""  # when value is None: what the source leaves unsaid

    @property
    def clause(self) -> str | None:
        return f"{OFFER}:{self.section}" if self.section else None


@dataclass(frozen=True)
class Note:
    text: str
    section: str | None = None
    quote: str = ""

    @property
    def clause(self) -> str | None:
        return f"{OFFER}:{self.section}" if self.section else None


@dataclass(frozen=True)
class Result:
    calculator: str
    title: str
    lines: list[Line]
    notes: list[Note] = field(default_factory=list)
    rules_from: datetime.date | None = None  # the dated version of the rules used

    def line(self, key: str) -> Line:
        for line in self.lines:
            if line.key == key:
                return line
        raise KeyError(key)

    def value(self, key: str) -> Value:
        return self.line(key).value

    @property
    def not_stated(self) -> list[Line]:
        return [line for line in self.lines if line.value is None]

    def as_dict(self) -> dict:
        """JSON-ready: money and other decimals as strings (exact), dates as ISO 8601."""
        return {
            "calculator": self.calculator,
            "title": self.title,
            "rules_from": _plain(self.rules_from),
            "lines": [
                {
                    "key": line.key,
                    "label": line.label,
                    "value": _plain(line.value),
                    "unit": line.unit,
                    "clause": line.clause,
                    "quote": line.quote,
                    "not_stated": line.not_stated,
                }
                for line in self.lines
            ],
            "notes": [
                {"text": note.text, "clause": note.clause, "quote": note.quote}
                for note in self.notes
            ],
        }


def _plain(value: Value) -> str | int | None:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
