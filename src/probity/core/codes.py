"""Codes of conduct stored clause by clause (data/codes/*.yaml)."""

from __future__ import annotations

from collections import namedtuple
from functools import cache

from probity.core.datafiles import data_names, read_yaml
from probity.core.errors import BadData, BadInput

# Records are named tuples rather than dataclasses: importing dataclasses (and with it
# inspect) would double the cold start of `probity advise`.


class Clause(namedtuple("Clause", "code id heading text parent", defaults=(None,))):
    """One clause: its code, id, the heading it sits under, verbatim text and parent id."""

    __slots__ = ()

    @property
    def ref(self) -> str:
        """The canonical `CODE:CLAUSE` id used in citations, URLs and exports."""
        return f"{self.code}:{self.id}"


ScopePart = namedtuple("ScopePart", "prefix roles why")


class Code(
    namedtuple(
        "Code",
        "id title issuer revision source kind roles scope_clause why_not_in_scope parts clauses "
        "groups",
        defaults=((),),
    )
):
    """A code of conduct: who it covers (roles, parts with a narrower scope) and its clauses."""

    __slots__ = ()

    def covers(self, role: str) -> bool:
        return role in self.roles

    def clause(self, clause_id: str) -> Clause:
        try:
            return self.clauses[clause_id]
        except KeyError:
            raise BadInput("clause", f"{self.id} has no clause {clause_id!r}") from None

    def binds(self, clause_id: str, role: str) -> bool:
        """Whether a clause binds someone with this role (e.g. board.* only board members)."""
        for part in self.parts:
            if clause_id.startswith(part.prefix):
                return role in part.roles
        return self.covers(role)


def code_ids() -> list[str]:
    return data_names("codes")


@cache
def load_code(code_id: str) -> Code:
    if code_id not in code_ids():
        raise BadInput("code", f"unknown code {code_id!r}; known codes: {', '.join(code_ids())}")
    raw = read_yaml(f"codes/{code_id}.yaml")
    try:
        return _build_code(raw)
    except (KeyError, TypeError) as error:
        raise BadData(f"data/codes/{code_id}.yaml: missing or malformed {error}") from error


def load_codes() -> dict[str, Code]:
    return {code_id: load_code(code_id) for code_id in code_ids()}


def find_clause(ref: str) -> Clause:
    """Look up `CODE:CLAUSE`."""
    code_id, sep, clause_id = ref.partition(":")
    if not sep or not clause_id:
        raise BadInput("clause", f"{ref!r} is not of the form CODE:CLAUSE")
    return load_code(code_id).clause(clause_id)


def _build_code(raw: dict) -> Code:
    code_id = raw["id"]
    scope = raw["scope"]
    clauses = {}
    for item in raw["clauses"]:
        parent = item.get("parent")
        clause = Clause(
            code=code_id,
            id=str(item["id"]),
            heading=item.get("heading") or "",
            text=item["text"].strip(),
            parent=None if parent is None else str(parent),
        )
        if clause.id in clauses:
            raise BadData(f"data/codes/{code_id}.yaml: clause {clause.id!r} appears twice")
        clauses[clause.id] = clause
    return Code(
        id=code_id,
        title=raw["title"],
        issuer=raw["issuer"],
        revision=str(raw.get("revision") or "undated"),
        source=raw["source"],
        kind=raw.get("kind", "code-of-conduct"),
        roles=frozenset(scope["roles"]),
        scope_clause=str(scope["clause"]),
        why_not_in_scope=scope["why"],
        parts=tuple(
            ScopePart(part["prefix"], frozenset(part["roles"]), part["why"])
            for part in scope.get("parts", ())
        ),
        clauses=clauses,
        groups=tuple((group["title"], tuple(group["clauses"])) for group in raw.get("groups", ())),
    )
