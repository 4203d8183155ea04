"""Reading a situation (shared/spec/guidance.md) and rejecting bad input field by field."""

from __future__ import annotations

import json
import math
from collections import namedtuple

from probity.core.codes import code_ids
from probity.core.errors import BadInput
from probity.core.vocabulary import Fact, vocabulary

FIELDS = ("roles", "matter", "facts")


# A checked situation: roles {code: role}, the matter, and the known facts.
Situation = namedtuple("Situation", "roles matter facts")


def parse_situation_json(text: str) -> Situation:
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise BadInput("situation", f"not valid JSON ({error.msg}, line {error.lineno})") from None
    return parse_situation(raw)


def parse_situation(raw) -> Situation:
    if not isinstance(raw, dict):
        raise BadInput("situation", "must be a JSON object with roles, matter and facts")
    for key in raw:
        if key not in FIELDS:
            field = str(key) or "situation"
            raise BadInput(field, f"unknown field {key!r}; a situation has roles, matter and facts")
    roles = _roles(raw.get("roles"))
    matter = _matter(raw.get("matter"))
    facts = _facts(matter, raw.get("facts", {}))
    return Situation(roles=roles, matter=matter, facts=facts)


def _roles(raw) -> dict[str, str]:
    if not isinstance(raw, dict) or not raw:
        raise BadInput(
            "roles",
            'give at least one code and your role under it, e.g. {"essex-probation": "employee"}',
        )
    known_codes = code_ids()
    known_roles = vocabulary().roles
    for code, role in raw.items():
        if code not in known_codes:
            raise BadInput(f"roles.{code}", f"unknown code; known codes: {', '.join(known_codes)}")
        if not isinstance(role, str) or role not in known_roles:
            raise BadInput(
                f"roles.{code}", f"unknown role {role!r}; roles: {', '.join(known_roles)}"
            )
    return dict(raw)


def _matter(raw) -> str:
    matters = vocabulary().matters
    if not isinstance(raw, str):
        raise BadInput("matter", "required: a matter such as gift, hospitality or interest")
    if raw not in matters:
        raise BadInput("matter", f"unknown matter {raw!r}; matters: {', '.join(matters)}")
    return raw


def _facts(matter: str, raw) -> dict:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise BadInput("facts", "must be an object of fact names and values")
    known = vocabulary().matters[matter].facts
    facts = {}
    for name, value in raw.items():
        fact = known.get(name)
        if fact is None:
            listed = ", ".join(known) or "none"
            raise BadInput(f"facts.{name}", f"not a fact of {matter}; its facts: {listed}")
        if value is not None:  # null means "don't know", the same as leaving it out
            facts[name] = _checked_value(fact, value)
    return facts


def _checked_value(fact: Fact, value):
    field = f"facts.{fact.name}"
    if fact.type == "bool":
        if not isinstance(value, bool):
            raise BadInput(field, f"must be true or false, not {value!r}")
    elif fact.type == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise BadInput(field, f"must be a number, not {value!r}")
        if not math.isfinite(value) or value < 0:
            raise BadInput(field, f"must be a number of zero or more, not {value!r}")
    elif not isinstance(value, str) or value not in fact.answers:
        raise BadInput(field, f"{value!r} is not one of: {', '.join(fact.answers)}")
    return value
