"""Splitting text into search terms: lower case, no stop words, British spelling, English stems.

Shared by the lexical index and the highlighter so that what is marked in a text is exactly
what the ranker matched.
"""

from __future__ import annotations

import re
from functools import cache

from probity.core.datafiles import read_yaml
from probity.core.errors import BadData

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

SPELLINGS_FILE = "search/spellings.yaml"
ENDINGS = ("", "s", "ed", "ing", "al")  # so the spellings list need only name the plain word


@cache
def _stemmer():
    import Stemmer  # PyStemmer; imported here so `import probity.core.search` stays light

    return Stemmer.Stemmer("english")


def words(text: str) -> list[str]:
    """Lower-case words of a text, apostrophes normalised, in British spelling."""
    return [normal(word) for word in WORD.findall(text)]


def normal(word: str) -> str:
    """A word as search compares it: lower case, apostrophes normalised, British spelling."""
    word = word.lower().replace("’", "'")
    return _british().get(word, word)


def stem(word: str) -> str:
    return _stemmer().stemWord(word)


def terms(text: str) -> list[str]:
    """The stems a text is indexed or queried by, in order, repeats kept."""
    kept = [word for word in words(text) if word not in STOPWORDS and len(word) > 1]
    return _stemmer().stemWords(kept)


@cache
def _british() -> dict[str, str]:
    """American spelling -> the codes' British one (data/search/spellings.yaml): the stemmer
    joins neither "organization" to "organisation" nor "behavior" to "behaviour"."""
    raw = read_yaml(SPELLINGS_FILE)
    try:
        entries = raw["spellings"].items()
    except (KeyError, TypeError, AttributeError) as error:
        raise BadData(f"data/{SPELLINGS_FILE}: expected a `spellings:` mapping") from error
    table = {}
    for british, americans in entries:
        if not isinstance(americans, list):
            raise BadData(f"data/{SPELLINGS_FILE}: {british!r} needs a list of spellings")
        for american in americans:
            for ending in ENDINGS:
                table[_with_ending(str(american), ending)] = _with_ending(british, ending)
    return table


def _with_ending(word: str, ending: str) -> str:
    """recognise + ing -> recognising; favour + ed -> favoured."""
    if word.endswith("e") and ending[:1] in ("a", "e", "i"):
        return word[:-1] + ending
    return word + ending
