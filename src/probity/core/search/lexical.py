"""BM25 over stemmed passages (bm25s), with optional query expansion."""

from __future__ import annotations

import numpy as np

from probity.core.search.expansions import Expansions
from probity.core.search.words import terms

EXPANSION_WEIGHT = 0.5  # a guessed synonym counts half as much as a word the user typed


class LexicalIndex:
    def __init__(self, texts: list[str], expansions: Expansions | None = None):
        import bm25s  # numpy + scipy: load only when search is first used

        self.size = len(texts)
        self.expansions = expansions
        self.bm25 = bm25s.BM25()
        self.bm25.index([terms(text) or [""] for text in texts], show_progress=False)

    def scores(self, query: str) -> np.ndarray:
        """One BM25 score per passage; zeros when no query word is in the corpus."""
        own = set(terms(query))
        scores = self._score(own)
        if self.expansions:
            extra = set(self.expansions.extra_terms(query)) - own
            if extra:
                scores = scores + EXPANSION_WEIGHT * self._score(extra)
        return scores

    def _score(self, stems: set[str]) -> np.ndarray:
        ids = self.bm25.get_tokens_ids(sorted(stems))
        if not ids:
            return np.zeros(self.size, dtype=np.float32)
        return self.bm25.get_scores_from_ids(ids)
