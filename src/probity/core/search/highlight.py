"""Marking the words of a text that match a query, for result pages."""

from __future__ import annotations

import html

from probity.core.search.words import STOPWORDS, WORD, normal, stem, terms


def match_spans(text: str, query: str) -> list[tuple[int, int]]:
    """(start, end) of each word in text whose stem is one of the query's stems."""
    wanted = set(terms(query))
    spans = []
    for found in WORD.finditer(text):
        word = normal(found.group())
        if word not in STOPWORDS and len(word) > 1 and stem(word) in wanted:
            spans.append(found.span())
    return spans


def highlight(text: str, query: str) -> str:
    """HTML-escaped text with each matched word wrapped in <mark>…</mark>."""
    parts, last = [], 0
    for start, end in match_spans(text, query):
        parts.append(html.escape(text[last:start]))
        parts.append(f"<mark>{html.escape(text[start:end])}</mark>")
        last = end
    parts.append(html.escape(text[last:]))
    return "".join(parts)
