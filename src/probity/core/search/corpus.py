"""What search indexes: every clause of every code, long clauses cut into passages, and the
plain-words hints written for each clause (data/search/hints/<code>.yaml).

A passage always maps back to exactly one clause. A clause's lexical score is its best
passage's; its semantic score is the query's closeness to the mean of all its passages' and
hints' vectors (engine.SEMANTIC_CLAUSE).

Long hmpps-offer sections (up to ~900 words) are cut because one relevant paragraph would
otherwise be diluted by the rest of the section (BM25 length normalisation) and cut off by
the embedding model's 256-token limit. Hints are the everyday questions a clause answers
("chocolates from a client's mum"): people rarely use the codes' words, and a question is
closest, in words and in meaning, to another question. They are searched, never shown.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from probity.core.codes import Clause, load_codes
from probity.core.datafiles import data_names, read_yaml
from probity.core.errors import BadData

PASSAGE_WORDS = 120  # about 160 model tokens: fits MiniLM's window with the heading
HINTS_FOLDER = "search/hints"


@dataclass(frozen=True)
class Passage:
    clause: Clause
    text: str  # the clause heading, then one run of the clause's paragraphs; or a hint
    hint: bool = False  # a hint finds its clause but is never shown as its text


def all_clauses() -> list[Clause]:
    return [clause for code in load_codes().values() for clause in code.clauses.values()]


def clause_hints() -> dict[str, list[str]]:
    """Hints by clause ref, from every code's hints file."""
    known = {clause.ref for clause in all_clauses()}
    hints: dict[str, list[str]] = {}
    for code in data_names(HINTS_FOLDER):
        relative = f"{HINTS_FOLDER}/{code}.yaml"
        for clause_id, phrases in (read_yaml(relative) or {}).items():
            ref = f"{code}:{clause_id}"
            if ref not in known:
                raise BadData(f"data/{relative}: {clause_id!r} is not a clause of {code}")
            if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
                raise BadData(f"data/{relative}: {clause_id!r} needs a list of phrases")
            hints[ref] = phrases
    return hints


def split_passages(
    clauses: list[Clause],
    max_words: int = PASSAGE_WORDS,
    hints: dict[str, list[str]] | None = None,
) -> list[Passage]:
    """Passages in clause order, so each clause's passages are contiguous."""
    passages = []
    for clause in clauses:
        for chunk in _chunks(clause.text, max_words):
            passages.append(Passage(clause, f"{clause.heading}\n{chunk}"))
        for hint in (hints or {}).get(clause.ref, ()):
            passages.append(Passage(clause, hint, hint=True))
    return passages


def _chunks(text: str, max_words: int) -> list[str]:
    """Whole paragraphs packed up to max_words; a longer paragraph is cut by words."""
    pieces: list[list[str]] = []
    for paragraph in text.splitlines():
        tokens = paragraph.split()
        for start in range(0, len(tokens), max_words):
            pieces.append(tokens[start : start + max_words])
    chunks: list[list[str]] = []
    for piece in pieces:
        if chunks and len(chunks[-1]) + len(piece) <= max_words:
            chunks[-1] = chunks[-1] + piece
        else:
            chunks.append(piece)
    return [" ".join(chunk) for chunk in chunks] or [""]


def content_hash(passages: list[Passage], *salt: str) -> str:
    """Changes whenever any indexed text, clause id or salt (e.g. model name) changes."""
    digest = hashlib.sha256("\x1f".join(salt).encode())
    for passage in passages:
        digest.update(f"\x1e{passage.clause.ref}\x1f{passage.text}".encode())
    return digest.hexdigest()[:16]
