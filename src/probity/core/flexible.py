"""The flexible working patterns the offer lists (data/offer/flexible-working.yaml)."""

from __future__ import annotations

from dataclasses import dataclass

from probity.core.datafiles import read_yaml
from probity.core.errors import BadInput

SECTION = "flexible-working"
WEEKDAYS = (
    ("monday", "Monday"),
    ("tuesday", "Tuesday"),
    ("wednesday", "Wednesday"),
    ("thursday", "Thursday"),
    ("friday", "Friday"),
    ("saturday", "Saturday"),
    ("sunday", "Sunday"),
)


@dataclass(frozen=True)
class Pattern:
    id: str
    title: str
    quote: str  # the offer's words (hmpps-offer:flexible-working)


def patterns() -> dict[str, Pattern]:
    raw = read_yaml("offer/flexible-working.yaml")
    return {
        item["id"]: Pattern(item["id"], item["title"], item["quote"]) for item in raw["patterns"]
    }


def pattern_get(pattern_id: str, field: str = "pattern") -> Pattern:
    known = patterns()
    if pattern_id not in known:
        raise BadInput(field, f"unknown pattern {pattern_id!r}; the offer lists {', '.join(known)}")
    return known[pattern_id]


def decision_quote() -> str:
    return read_yaml("offer/flexible-working.yaml")["decision"]["quote"]


def weekday_numbers(days: list[str]) -> list[int]:
    """ISO weekday numbers (Monday 1) for weekday names, for a rostering tool."""
    order = [name for name, _label in WEEKDAYS]
    return [order.index(day) + 1 for day in days]
