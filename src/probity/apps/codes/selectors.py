"""Reading codes, clauses, the rules that cite them and search results, shaped for pages and API.

Plain reads over `probity.core`; the views and the API only call these and render. A code or
clause that does not exist raises `BadInput` naming the field, which the ways in turn into 404.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

from probity.core.codes import Clause, Code, load_code, load_codes
from probity.core.errors import BadInput
from probity.core.rules import Conditions, Rule, rule_conditions, rules_citing
from probity.core.search import Hit, SearchResult, search
from probity.core.vocabulary import vocabulary

# Longer than any question a person types; longer input is refused rather than searched.
QUERY_MAX_LENGTH = 200
SEARCH_LIMIT = 20


class CodeSummary(NamedTuple):
    code: Code
    covers: tuple[str, ...]  # the roles it binds, in words
    clause_count: int


class Entry(NamedTuple):
    """A clause on a code's page, with the clauses under it (e.g. board.2 and board.2.i…vii)."""

    clause: Clause
    children: tuple[Clause, ...]
    children_heading: str  # e.g. "Associated principles", when the children have their own


class Section(NamedTuple):
    title: str
    entries: tuple[Entry, ...]


class CodePage(NamedTuple):
    summary: CodeSummary
    scope_clause: Clause  # the clause that says whom the code covers
    sections: tuple[Section, ...]
    grouped: bool  # sections are the source's own groups (hmpps-offer), each entry a section


class CitingRule(NamedTuple):
    rule: Rule
    decision: str  # in words, e.g. "You must not"
    conditions: Conditions
    roles: tuple[str, ...]  # in words, only when narrower than everyone the code covers
    authority: tuple[str, ...]  # in words


class MatterRules(NamedTuple):
    matter: str
    title: str
    rules: tuple[CitingRule, ...]


class ClausePage(NamedTuple):
    code: Code
    clause: Clause
    title: str
    parent: Clause | None
    children: tuple[Clause, ...]
    previous: Clause | None
    next: Clause | None
    cited_by: tuple[MatterRules, ...]


def code_list() -> list[CodeSummary]:
    return [_summary(code) for code in load_codes().values()]


def code_get(*, code_id: str) -> Code:
    return load_code(code_id)


def code_page(*, code_id: str) -> CodePage:
    code = load_code(code_id)
    sections = _grouped_sections(code) if code.groups else _heading_sections(code)
    scope = code.clauses[code.scope_clause]
    return CodePage(_summary(code), scope, sections, grouped=bool(code.groups))


def clause_get(*, code_id: str, clause_id: str) -> Clause:
    return load_code(code_id).clause(clause_id)


@cache  # codes and rules are fixed while the site runs; a missing clause raises, never cached
def clause_page(*, code_id: str, clause_id: str) -> ClausePage:
    code = load_code(code_id)
    clause = code.clause(clause_id)
    order = list(code.clauses)
    position = order.index(clause.id)
    return ClausePage(
        code=code,
        clause=clause,
        title=clause_title(clause),
        parent=code.clauses.get(clause.parent) if clause.parent else None,
        children=tuple(c for c in code.clauses.values() if c.parent == clause.id),
        previous=code.clauses[order[position - 1]] if position > 0 else None,
        next=code.clauses[order[position + 1]] if position + 1 < len(order) else None,
        cited_by=rules_citing_clause(clause=clause),
    )


def clause_title(clause: Clause) -> str:
    """A numbered clause is known by its number; a named one (foreword, scope) by its heading."""
    if any(char.isdigit() for char in clause.id):
        return f"Clause {clause.id}"
    return clause.heading or clause.id


class SearchRow(NamedTuple):
    hit: Hit
    title: str  # e.g. "Clause 15.6: Hospitality and Gifts", or a named section's heading
    code: Code


def search_rows(result: SearchResult) -> list[SearchRow]:
    """Search hits with what a results page shows: a title and the code each comes from."""
    rows = []
    for hit in result.hits:
        code = load_code(hit.code)
        title = clause_title(code.clauses[hit.clause_id])
        if title != hit.heading and hit.heading:
            title = f"{title}: {hit.heading}"
        rows.append(SearchRow(hit, title, code))
    return rows


def rules_citing_clause(*, clause: Clause) -> tuple[MatterRules, ...]:
    """The guidance rules that cite a clause, grouped by matter in the vocabulary's order."""
    vocab = vocabulary()
    code = load_code(clause.code)
    by_matter: dict[str, list[CitingRule]] = {}
    for rule in rules_citing(clause.ref):
        narrower = rule.roles != code.roles
        by_matter.setdefault(rule.matter, []).append(
            CitingRule(
                rule=rule,
                decision=vocab.decision_labels[rule.decision],
                conditions=rule_conditions(rule),
                roles=tuple(vocab.roles[r] for r in vocab.roles if r in rule.roles)
                if narrower
                else (),
                authority=tuple(vocab.authorities[a] for a in rule.authority),
            )
        )
    return tuple(
        MatterRules(matter, vocab.matters[matter].title, tuple(by_matter[matter]))
        for matter in vocab.matters
        if matter in by_matter
    )


def clause_search(*, query: str, code_id: str | None = None, limit: int = SEARCH_LIMIT):
    """Clauses that answer a free-text question, best first; BadInput names a bad field."""
    query = (query or "").strip()
    if not query:
        raise BadInput("query", "Enter words to search for")
    if len(query) > QUERY_MAX_LENGTH:
        raise BadInput("query", f"Search words must be {QUERY_MAX_LENGTH} characters or fewer")
    if code_id:
        load_code(code_id)
    result: SearchResult = search(query, code=code_id or None, limit=limit)
    return result


def _summary(code: Code) -> CodeSummary:
    roles = vocabulary().roles
    covers = tuple(label for role, label in roles.items() if role in code.roles)
    return CodeSummary(code, covers, len(code.clauses))


def _entries(code: Code, clause_ids) -> list[Entry]:
    entries = []
    for clause_id in clause_ids:
        clause = code.clauses[clause_id]
        children = tuple(c for c in code.clauses.values() if c.parent == clause_id)
        heading = children[0].heading if children else ""
        if heading == clause.heading:
            heading = ""
        heading = heading.removeprefix(f"{clause.heading}: ")
        entries.append(Entry(clause, children, heading))
    return entries


def _heading_sections(code: Code) -> tuple[Section, ...]:
    """Runs of top-level clauses under one heading; a clause's children stay with it."""
    sections: list[tuple[str, list[str]]] = []
    for clause in code.clauses.values():
        if clause.parent in code.clauses:
            continue
        if not sections or sections[-1][0] != clause.heading:
            sections.append((clause.heading, []))
        sections[-1][1].append(clause.id)
    return tuple(Section(title, tuple(_entries(code, ids))) for title, ids in sections)


def _grouped_sections(code: Code) -> tuple[Section, ...]:
    """The source's own groups; sections in no group (e.g. the foreword) come first."""
    grouped = {clause_id for _, ids in code.groups for clause_id in ids}
    loose = [clause_id for clause_id in code.clauses if clause_id not in grouped]
    sections = [Section("", tuple(_entries(code, loose)))] if loose else []
    sections += [Section(title, tuple(_entries(code, ids))) for title, ids in code.groups]
    return tuple(sections)
