"""Everyday words staff type, mapped to the words the codes use (data/search/synonyms.yaml).

Only the lexical ranker needs this: the embedding model already knows that a "present" is a
gift. Expansion terms are added to the query at a lower weight than the user's own words.
"""

from __future__ import annotations

from dataclasses import dataclass

from probity.core.datafiles import read_yaml
from probity.core.errors import BadData
from probity.core.search.words import terms, words


@dataclass(frozen=True)
class Expansions:
    by_phrase: dict[tuple[str, ...], tuple[str, ...]]  # plain words -> code stems

    @classmethod
    def load(cls, relative: str = "search/synonyms.yaml") -> Expansions:
        raw = read_yaml(relative)
        try:
            pairs = raw["synonyms"].items()
        except (KeyError, TypeError, AttributeError) as error:
            raise BadData(f"data/{relative}: expected a `synonyms:` mapping") from error
        table = {}
        for phrase, targets in pairs:
            if isinstance(targets, str):
                targets = [targets]
            table[tuple(words(str(phrase)))] = tuple(terms(" ".join(map(str, targets))))
        return cls(table)

    def extra_terms(self, query: str) -> list[str]:
        """Stems to add for every listed phrase found (as whole words) in the query."""
        query_words = words(query)
        extra: list[str] = []
        for phrase, targets in self.by_phrase.items():
            if _contains(query_words, phrase):
                extra.extend(targets)
        return extra


def _contains(haystack: list[str], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    return any(tuple(haystack[i : i + size]) == phrase for i in range(len(haystack) - size + 1))
