"""Combining the lexical and semantic scores of the same clauses into one ranking."""

from __future__ import annotations

import numpy as np

RRF_K = 60  # the usual constant: damps the weight of the very top ranks
BLEND_WEIGHT = 0.4  # share of the lexical score in a blend; the rest is semantic


def reciprocal_rank(lexical: np.ndarray, semantic: np.ndarray, k: int = RRF_K) -> np.ndarray:
    """Sum of 1/(k + rank) over both rankings; a clause with no word in common with the
    query gets nothing from the lexical side rather than an arbitrary low rank."""
    fused = 1.0 / (k + _ranks(semantic))
    matched = lexical > 0
    fused[matched] += 1.0 / (k + _ranks(lexical)[matched])
    return fused


def blend(lexical: np.ndarray, semantic: np.ndarray, weight: float = BLEND_WEIGHT) -> np.ndarray:
    """Weighted sum of both scores, each scaled to 0..1 over the candidates."""
    return weight * _unit(lexical) + (1.0 - weight) * _unit(semantic)


def _ranks(scores: np.ndarray) -> np.ndarray:
    """1 for the best score, 2 for the next, ..."""
    ranks = np.empty(len(scores), dtype=np.float64)
    ranks[np.argsort(-scores, kind="stable")] = np.arange(1, len(scores) + 1)
    return ranks


def _unit(scores: np.ndarray) -> np.ndarray:
    if len(scores) == 0:
        return scores.astype(np.float64)
    low, high = float(scores.min()), float(scores.max())
    if high <= low:
        return np.zeros(len(scores), dtype=np.float64)
    return (scores - low) / (high - low)
