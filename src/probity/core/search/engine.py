"""The search indexes over all clauses, built once per process and shared by all queries."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from probity.core.codes import Clause
from probity.core.search.corpus import (
    PASSAGE_WORDS,
    Passage,
    all_clauses,
    clause_hints,
    content_hash,
    split_passages,
)
from probity.core.search.expansions import Expansions
from probity.core.search.fusion import BLEND_WEIGHT, blend, reciprocal_rank
from probity.core.search.lexical import LexicalIndex
from probity.core.search.semantic import (
    Encoder,
    SemanticIndex,
    SemanticUnavailable,
    load_encoder,
    model_name,
)

FUSION = "blend"  # or "rrf": benchmarks/search_eval.py --compare scores both
# How a clause's passages give it one semantic score: "whole", the cosine to the mean of all its
# passage and hint vectors (the clause as a whole), or "best", its best passage's. A question
# usually matches what a clause is about, which its hints and text say together, more than any
# one of them; benchmarks/search_eval.py --compare scores both.
SEMANTIC_CLAUSE = "whole"


@dataclass(frozen=True)
class Ranked:
    clause: Clause
    score: float
    passage: str  # the best-matching passage of the clause, for snippets


class Engine:
    def __init__(
        self,
        passages: list[Passage],
        expansions: Expansions | None,
        fusion: str = FUSION,
        semantic_clause: str = SEMANTIC_CLAUSE,
    ):
        self.passages = passages
        self.fusion = fusion
        self.semantic_clause = semantic_clause
        self.blend_weight = BLEND_WEIGHT
        self.expansions = expansions
        self.starts = np.array(_clause_starts(passages), dtype=np.intp)
        self.shown = np.array([not passage.hint for passage in passages])
        self.clauses = [passages[start].clause for start in self.starts]
        self.codes = np.array([clause.code for clause in self.clauses])
        self.lexical = LexicalIndex([passage.text for passage in passages], expansions)
        self._semantic: SemanticIndex | None = None
        self._whole_scale: np.ndarray | None = None  # 1 / length of each clause's vector sum
        self._semantic_error: SemanticUnavailable | None = None
        self._semantic_lock = threading.Lock()  # load the model once, even under a web server

    @classmethod
    def build(
        cls,
        passage_words: int = PASSAGE_WORDS,
        synonyms: bool = True,
        fusion: str = FUSION,
        hints: bool = True,
        semantic_clause: str = SEMANTIC_CLAUSE,
    ) -> Engine:
        """All clauses of all codes; the arguments exist for benchmarks/search_eval.py."""
        passages = split_passages(all_clauses(), passage_words, clause_hints() if hints else None)
        expansions = Expansions.load() if synonyms else None
        return cls(passages, expansions, fusion, semantic_clause)

    def semantic(self, encode: Encoder | None = None) -> SemanticIndex:
        """The embedding index, built on first use; raises SemanticUnavailable (every time,
        without trying again, once the model failed to load)."""
        with self._semantic_lock:
            if self._semantic_error is not None:
                raise self._semantic_error
            if self._semantic is None:
                try:
                    encoder = encode or load_encoder()
                except SemanticUnavailable as error:
                    self._semantic_error = error
                    raise
                texts = [passage.text for passage in self.passages]
                key = content_hash(self.passages, model_name(encoder))
                self._semantic = SemanticIndex(texts, key, encoder)
                sums = np.add.reduceat(self._semantic.vectors, self.starts)
                self._whole_scale = 1.0 / np.maximum(np.linalg.norm(sums, axis=1), 1e-12)
            return self._semantic

    def rank(self, query: str, mode: str, code: str | None, limit: int) -> list[Ranked]:
        passage_scores = self._passage_scores(query, mode)
        candidates = np.flatnonzero(self.codes == code) if code else np.arange(len(self.clauses))
        scores = self._clause_scores(passage_scores, mode)[candidates]
        order = np.argsort(-scores, kind="stable")[:limit]
        keep = [i for i in order if mode != "lexical" or scores[i] > 0]
        return [self._ranked(candidates[i], scores[i], passage_scores) for i in keep]

    def _passage_scores(self, query: str, mode: str) -> dict[str, np.ndarray]:
        scores = {}
        if mode in ("lexical", "hybrid"):
            scores["lexical"] = self.lexical.scores(query)
        if mode in ("semantic", "hybrid"):
            text = self.expansions.expanded_text(query) if self.expansions else query
            scores["semantic"] = self.semantic().scores(text)
        return scores

    def _clause_scores(self, passage_scores: dict[str, np.ndarray], mode: str) -> np.ndarray:
        per_clause = {
            name: self._per_clause(name, scores) for name, scores in passage_scores.items()
        }
        if mode != "hybrid":
            return per_clause[mode]
        if self.fusion == "rrf":
            return reciprocal_rank(per_clause["lexical"], per_clause["semantic"])
        return blend(per_clause["lexical"], per_clause["semantic"], self.blend_weight)

    def _per_clause(self, name: str, scores: np.ndarray) -> np.ndarray:
        if name == "semantic" and self.semantic_clause == "whole":
            # The cosine of the (unit) query to a clause's mean passage vector is the sum of
            # its passage cosines over the length of the passages' vector sum.
            return np.add.reduceat(scores, self.starts) * self._whole_scale
        return np.maximum.reduceat(scores, self.starts)  # the clause's best passage

    def _ranked(self, index: int, score: float, passage_scores: dict) -> Ranked:
        start = self.starts[index]
        end = self.starts[index + 1] if index + 1 < len(self.starts) else len(self.passages)
        fit = sum(_unit(scores[start:end]) for scores in passage_scores.values())
        best = start + int(np.argmax(np.where(self.shown[start:end], fit, -np.inf)))
        return Ranked(self.clauses[index], float(score), self.passages[best].text)


def _clause_starts(passages: list[Passage]) -> list[int]:
    refs = [passage.clause.ref for passage in passages]
    return [i for i, ref in enumerate(refs) if i == 0 or ref != refs[i - 1]]


def _unit(scores: np.ndarray) -> np.ndarray:
    high = float(scores.max(initial=0.0))
    return scores / high if high > 0 else scores
