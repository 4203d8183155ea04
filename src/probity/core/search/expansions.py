"""Everyday words staff type, mapped to the words the codes use (data/search/synonyms.yaml).

The lexical ranker adds the codes' words to the query at a lower weight; the semantic ranker
reads them after the question, in brackets, which helps the small embedding model with staff
slang it has rarely seen ("uber" -> "other employment"). Phrases match whole words, plurals
included ("presents" finds "present"), but not on stems: stems collide ("dating" and "up to
date", "probate" and "probation", "office" and "officer") and fired the wrong entries.
"""

from __future__ import annotations

from dataclasses import dataclass

from probity.core.datafiles import read_yaml
from probity.core.errors import BadData
from probity.core.search.words import STOPWORDS, terms, words

SYNONYMS_FILE = "search/synonyms.yaml"


@dataclass(frozen=True)
class Expansions:
    by_phrase: dict[tuple[str, ...], tuple[str, ...]]  # words people type -> words codes use
    by_first_word: dict[str, list[tuple[str, ...]]]  # so a query tries only phrases that can match

    @classmethod
    def from_table(cls, by_phrase: dict[tuple[str, ...], tuple[str, ...]]) -> Expansions:
        by_first_word: dict[str, list[tuple[str, ...]]] = {}
        for phrase in by_phrase:
            for form in _forms(phrase[0]):
                by_first_word.setdefault(form, []).append(phrase)
        return cls(by_phrase, by_first_word)

    @classmethod
    def load(cls, relative: str = SYNONYMS_FILE) -> Expansions:
        """The file lists `code words: [plain phrase, ...]`; we look up the other way."""
        raw = read_yaml(relative)
        try:
            entries = raw["synonyms"].items()
        except (KeyError, TypeError, AttributeError) as error:
            raise BadData(f"data/{relative}: expected a `synonyms:` mapping") from error
        table: dict[tuple[str, ...], tuple[str, ...]] = {}
        for code_words, phrases in entries:
            if not isinstance(phrases, list):
                raise BadData(f"data/{relative}: {code_words!r} needs a list of phrases")
            for phrase in phrases:
                if set(words(str(phrase))) <= STOPWORDS:
                    raise BadData(f"data/{relative}: {phrase!r} has only common words")
                key = tuple(words(str(phrase)))
                table[key] = (*table.get(key, ()), str(code_words))
        return cls.from_table(table)

    def code_words(self, query: str) -> list[str]:
        """The codes' words for every listed phrase found in the query, each once, in order."""
        typed = words(query)
        found: dict[str, None] = {}
        for start, first in enumerate(typed):
            for phrase in self.by_first_word.get(first, ()):
                if _matches(typed[start : start + len(phrase)], phrase):
                    found.update(dict.fromkeys(self.by_phrase[phrase]))
        return list(found)

    def extra_terms(self, query: str) -> list[str]:
        """Stems of the codes' words for the phrases found in the query."""
        return terms(" ".join(self.code_words(query)))

    def expanded_text(self, query: str) -> str:
        """The query followed by the codes' words in brackets, for the embedding model."""
        extra = self.code_words(query)
        return f"{query} ({', '.join(extra)})" if extra else query


def _matches(typed: list[str], phrase: tuple[str, ...]) -> bool:
    return len(typed) == len(phrase) and all(
        word in _forms(listed) for word, listed in zip(typed, phrase, strict=True)
    )


def _forms(word: str) -> set[str]:
    """A listed word and its plurals / possessive, so the list need not spell them out."""
    forms = {word, f"{word}s", f"{word}es", f"{word}'s"}
    if word.endswith("y"):
        forms.add(f"{word[:-1]}ies")
    return forms
