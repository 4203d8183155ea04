"""Clause search: BM25 over stemmed text, sentence embeddings, and both fused.

`import probity.core.search` is cheap: numpy, bm25s and torch load on the first search.
"""

from probity.core.search.api import MODES, Hit, SearchResult, reset, search
from probity.core.search.highlight import highlight, match_spans

__all__ = ["MODES", "Hit", "SearchResult", "highlight", "match_spans", "reset", "search"]
