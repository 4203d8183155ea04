"""Splitting text into search terms: lower case, no stop words, English stems.

Shared by the lexical index and the highlighter so that what is marked in a text is exactly
what the ranker matched.
"""

from __future__ import annotations

import re
from functools import cache

WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")

# Words that carry no meaning in a question ("can I ...", "what should I do ...") or in a
# clause. Left in, they reward long clauses that happen to repeat them.
_STOPWORD_TEXT = """
    a about above after again all am an and any are as at be been before being but by can
    could did do does doing don't for from had has have having he her here hers him his how
    i i'm if in into is it it's its just me my myself no nor not of off on once only or other
    our ours out over own per she should so some such than that the their theirs them then
    there these they this those through to too under until up very was we were what when
    where which while who whom why will with would you your yours
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


@cache
def _stemmer():
    import Stemmer  # PyStemmer; imported here so `import probity.core.search` stays light

    return Stemmer.Stemmer("english")


def words(text: str) -> list[str]:
    """Lower-case words of a text, apostrophes normalised."""
    return [word.replace("’", "'") for word in WORD.findall(text.lower())]


def stem(word: str) -> str:
    return _stemmer().stemWord(word)


def terms(text: str) -> list[str]:
    """The stems a text is indexed or queried by, in order, repeats kept."""
    kept = [word for word in words(text) if word not in STOPWORDS and len(word) > 1]
    return _stemmer().stemWords(kept)
