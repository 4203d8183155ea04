"""search(): the one entry point the CLI and the web pages call."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from probity.core.codes import load_code
from probity.core.errors import BadInput

MODES = ("hybrid", "lexical", "semantic")
MAX_LIMIT = 100

_lock = threading.Lock()  # the web server may search from several threads at once
_engine = None


@dataclass(frozen=True)
class Hit:
    clause: str  # "CODE:CLAUSE"
    score: float
    text: str
    heading: str
    code: str
    clause_id: str
    snippet: str = ""  # the passage of a long clause that matched best


@dataclass(frozen=True)
class SearchResult:
    hits: list[Hit] = field(default_factory=list)  # best first
    mode: str = "hybrid"  # the mode actually used
    notice: str | None = None  # e.g. why semantic search was not used


def search(
    query: str, code: str | None = None, limit: int = 10, mode: str = "hybrid"
) -> SearchResult:
    """Clauses that answer a free-text question, best first."""
    query = _check(query, code, limit, mode)
    engine = get_engine()
    mode, notice = _usable_mode(engine, mode)
    ranked = engine.rank(query, mode, code, limit)
    return SearchResult([_hit(item) for item in ranked], mode, notice)


def get_engine():
    """The shared index, built on first use (lexical only; embeddings load lazily)."""
    global _engine
    with _lock:
        if _engine is None:
            from probity.core.search.engine import Engine  # numpy, bm25s: only when used

            _engine = Engine.build()
        return _engine


def reset() -> None:
    """Forget the built index, e.g. after the codes on disk changed (tests, reloads)."""
    global _engine
    with _lock:
        _engine = None


def _check(query: str, code: str | None, limit: int, mode: str) -> str:
    if not isinstance(query, str) or not query.strip():
        raise BadInput("query", "type some words to search for")
    if code is not None:
        load_code(code)  # raises BadInput("code", ...) naming the known codes
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise BadInput("limit", f"must be a whole number from 1 to {MAX_LIMIT}, not {limit!r}")
    if mode not in MODES:
        raise BadInput("mode", f"must be one of {', '.join(MODES)}, not {mode!r}")
    return query.strip()


def _usable_mode(engine, mode: str) -> tuple[str, str | None]:
    """Fall back to lexical, saying so, when the optional model cannot be used."""
    if mode == "lexical":
        return mode, None
    from probity.core.search.semantic import SemanticUnavailable

    try:
        engine.semantic()
    except SemanticUnavailable as error:
        return "lexical", str(error)
    return mode, None


def _hit(item) -> Hit:
    clause = item.clause
    return Hit(
        clause=clause.ref,
        score=round(item.score, 6),
        text=clause.text,
        heading=clause.heading,
        code=clause.code,
        clause_id=clause.id,
        snippet=item.passage.partition("\n")[2],
    )
