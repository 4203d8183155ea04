"""What search indexes: every clause of every code, long clauses cut into passages.

A passage always maps back to exactly one clause; a clause's score is its best passage's.
Long hmpps-offer sections (up to ~900 words) are cut because one relevant paragraph would
otherwise be diluted by the rest of the section (BM25 length normalisation) and cut off by
the embedding model's 256-token limit.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from probity.core.codes import Clause, load_codes

PASSAGE_WORDS = 120  # about 160 model tokens: fits MiniLM's window with the heading


@dataclass(frozen=True)
class Passage:
    clause: Clause
    text: str  # the clause heading, then one run of the clause's paragraphs


def all_clauses() -> list[Clause]:
    return [clause for code in load_codes().values() for clause in code.clauses.values()]


def split_passages(clauses: list[Clause], max_words: int = PASSAGE_WORDS) -> list[Passage]:
    """Passages in clause order, so each clause's passages are contiguous."""
    passages = []
    for clause in clauses:
        for chunk in _chunks(clause.text, max_words):
            passages.append(Passage(clause, f"{clause.heading}\n{chunk}"))
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
