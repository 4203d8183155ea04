"""Calculator rules as dated, versioned data (data/entitlements/<calculator>.yaml).

Each version applies from its `valid_from` date. Each value carries the offer section that
states it and the source's words (`quote`); a value the source does not state is `null`, with
`not_stated` saying so, so that a calculator reports it rather than invents it.
"""

from __future__ import annotations

import datetime
from collections import namedtuple
from decimal import Decimal
from functools import cache

from probity.core.datafiles import read_yaml
from probity.core.errors import BadData, BadInput


# Named tuples and a slotted class rather than dataclasses, for the CLI's cold start
# (result.py says why).
class Rule(namedtuple("Rule", "name value section quote not_stated source", defaults=("", ""))):
    """A value (a Decimal for numbers, None where the source is silent, else as written), the
    section and words that state it; `source` for the few values from outside the offer (tax
    rates)."""

    __slots__ = ()


class Rules:
    """One dated version of a calculator's rules: values by name (rules["annual_days"]) and
    tables, structured data (pay tables, service bands) kept as written."""

    __slots__ = ("calculator", "tables", "valid_from", "values")

    def __init__(
        self,
        calculator: str,
        valid_from: datetime.date,
        values: dict[str, Rule],
        tables: dict[str, object],
    ):
        self.calculator = calculator
        self.valid_from = valid_from
        self.values = values
        self.tables = tables

    def __getitem__(self, name: str) -> Rule:
        try:
            return self.values[name]
        except KeyError:
            raise BadData(f"data/entitlements/{self.calculator}.yaml has no {name!r}") from None


def rules_for(calculator: str, on: datetime.date, field: str = "on") -> Rules:
    """The version of a calculator's rules in force on a date."""
    versions = _versions(calculator)
    applicable = [version for version in versions if version.valid_from <= on]
    if not applicable:
        first = versions[0].valid_from.isoformat()
        raise BadInput(field, f"the rules start on {first}; {on.isoformat()} is before them")
    return applicable[-1]


@cache
def _versions(calculator: str) -> list[Rules]:
    """Read once a process: rules are data that change only with a release."""
    raw = read_yaml(f"entitlements/{calculator}.yaml")
    try:
        versions = [_version(calculator, item) for item in raw["versions"]]
    except (KeyError, TypeError, ValueError) as error:
        raise BadData(f"data/entitlements/{calculator}.yaml: malformed ({error})") from error
    return sorted(versions, key=lambda version: version.valid_from)


def _version(calculator: str, item: dict) -> Rules:
    valid_from = datetime.date.fromisoformat(str(item["valid_from"]))
    values = {
        name: Rule(
            name=name,
            value=_number(spec.get("value")),
            section=spec.get("section"),
            quote=spec.get("quote", ""),
            not_stated=spec.get("not_stated", ""),
            source=spec.get("source", ""),
        )
        for name, spec in (item.get("values") or {}).items()
    }
    return Rules(calculator, valid_from, values, item.get("tables") or {})


def _number(value: object) -> object:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return Decimal(str(value))  # YAML numbers as written, never binary floats
    return value
