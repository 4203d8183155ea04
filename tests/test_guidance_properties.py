"""Properties every outcome keeps, whatever the situation (shared/spec/guidance.md)."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from probity.core.codes import code_ids, load_code
from probity.core.engine import decide
from probity.core.errors import BadInput
from probity.core.situation import parse_situation_json
from probity.core.vocabulary import vocabulary

VOCAB = vocabulary()
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _value(fact):
    if fact.type == "bool":
        return st.booleans()
    if fact.type == "number":
        return st.floats(min_value=0, max_value=100_000, allow_nan=False)
    return st.sampled_from(fact.answers)


@st.composite
def situations(draw):
    roles = draw(
        st.dictionaries(st.sampled_from(code_ids()), st.sampled_from(list(VOCAB.roles)), min_size=1)
    )
    matter = draw(st.sampled_from(list(VOCAB.matters)))
    facts = {}
    for name, fact in VOCAB.matters[matter].facts.items():
        if draw(st.booleans()):
            facts[name] = draw(_value(fact))
    return {"roles": roles, "matter": matter, "facts": facts}


@FAST
@given(situations())
def test_every_valid_situation_gets_a_valid_outcome(situation):
    outcome = decide(situation)
    assert outcome["decision"] in VOCAB.decisions
    assert set(outcome["authority"]) <= set(VOCAB.authorities)
    assert set(outcome["codes"]) == set(situation["roles"])
    for action in outcome["actions"]:
        assert action["do"] in VOCAB.actions
        assert action["text"]
        if action["do"] == "record":
            assert action["where"] in VOCAB.record_places
    for citation in outcome["citations"]:
        code_id, _, clause_id = citation["clause"].partition(":")
        assert outcome["codes"][code_id] == "applies", "a code not in scope is never cited"
        assert citation["text"] == load_code(code_id).clause(clause_id).text
    json.dumps(outcome)  # the outcome is JSON as the spec shows it


@FAST
@given(situations())
def test_no_board_clause_is_cited_for_anyone_but_a_board_member(situation):
    outcome = decide(situation)
    if situation["roles"].get("essex-probation") != "board-member":
        cited = [citation["clause"] for citation in outcome["citations"]]
        assert not any(clause.startswith("essex-probation:board.") for clause in cited)


@FAST
@given(situations(), st.data())
def test_learning_a_fact_never_makes_the_decision_stricter(situation, data):
    matter = VOCAB.matters[situation["matter"]]
    unknown = [name for name in matter.facts if name not in situation["facts"]]
    if not unknown:
        return
    name = data.draw(st.sampled_from(unknown))
    before = decide(situation)["decision"]
    situation["facts"][name] = data.draw(_value(matter.facts[name]))
    after = decide(situation)["decision"]
    assert VOCAB.strictness(after) <= VOCAB.strictness(before)


@FAST
@given(situations(), st.data())
def test_answering_every_question_gives_a_definite_decision(situation, data):
    matter = VOCAB.matters[situation["matter"]]
    outcome = decide(situation)
    for _ in range(len(matter.facts)):
        if not outcome["questions"]:
            return
        question = outcome["questions"][0]
        assert question["fact"] not in situation["facts"], "a known fact is never asked"
        situation["facts"][question["fact"]] = data.draw(_value(matter.facts[question["fact"]]))
        outcome = decide(situation)
    assert outcome["questions"] == []


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


@FAST
@given(st.one_of(json_values, situations().map(lambda s: {**s, "facts": {"x": 1}})))
def test_bad_input_is_refused_with_a_message_never_a_crash(raw):
    try:
        decide(raw)
    except BadInput as error:
        assert error.field and error.message


@FAST
@given(st.text(max_size=60))
def test_any_text_as_json_is_refused_or_answered(text):
    try:
        parse_situation_json(text)
    except BadInput as error:
        assert error.field
