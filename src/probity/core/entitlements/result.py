"""What a calculator answers: figures, each citing the offer section that states it, and notes.

A figure the source does not state is a line whose value is None and whose `not_stated` says
what is missing, linked to the section: the calculators never guess.
"""

from __future__ import annotations

import datetime
import textwrap
from collections import namedtuple
from decimal import Decimal

OFFER = "hmpps-offer"

Value = Decimal | datetime.date | int | str | None


# Records are named tuples, as in probity.core.codes: importing dataclasses (and inspect with
# it) would double the cold start of `probity entitlements`.


class Line(
    namedtuple("Line", "key label value unit section quote not_stated", defaults=("", None, "", ""))
):
    """A figure: key, label, value (Value), unit ("days", "hours", "weeks", "GBP", "percent",
    "months"), the hmpps-offer section that states it, the source's own words for it (quote)
    and, when value is None, what the source leaves unsaid (not_stated)."""

    __slots__ = ()

    @property
    def clause(self) -> str | None:
        return f"{OFFER}:{self.section}" if self.section else None


class Note(namedtuple("Note", "text section quote", defaults=(None, ""))):
    """Something to know, with the section (and words) it comes from."""

    __slots__ = ()

    @property
    def clause(self) -> str | None:
        return f"{OFFER}:{self.section}" if self.section else None


class Result(namedtuple("Result", "calculator title lines notes rules_from", defaults=((), None))):
    """What a calculator answers: its lines (list[Line]), notes (list[Note]) and the date the
    version of the rules used is in force from (rules_from)."""

    __slots__ = ()

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


# a clause id such as [hmpps-offer:annual-leave-and-toil] stays on one line
WRAP = {"break_on_hyphens": False, "break_long_words": False}


def result_text(result: Result) -> str:
    """The result in words, as the CLI prints it and the result page saves it."""
    lines = [result.title, ""]
    for line in result.lines:
        value = "not stated in the offer" if line.value is None else f"{line.value} {line.unit}"
        cite = f"  [{line.clause}]" if line.clause else ""
        lines.append(f"{line.label}: {value.strip()}{cite}")
        if line.value is None and line.not_stated:
            lines.extend(
                textwrap.wrap(
                    line.not_stated, 88, initial_indent="  ", subsequent_indent="  ", **WRAP
                )
            )
    if result.notes:
        lines += ["", "Notes:"]
        for note in result.notes:
            cite = f" [{note.clause}]" if note.clause else ""
            lines.extend(textwrap.wrap(f"- {note.text}{cite}", 88, subsequent_indent="  ", **WRAP))
    return "\n".join(lines)
