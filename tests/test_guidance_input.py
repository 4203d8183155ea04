"""Bad input gets one clear message naming the field (shared/spec/guidance.md)."""

import pytest

from probity.core.engine import decide
from probity.core.errors import BadInput
from probity.core.situation import parse_situation_json

GOOD = {"roles": {"essex-probation": "employee"}, "matter": "gift", "facts": {}}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"matter": "bribe"}, "matter"),
        ({"matter": None}, "matter"),
        ({"roles": {"essex": "employee"}}, "roles.essex"),
        ({"roles": {"essex-probation": "boss"}}, "roles.essex-probation"),
        ({"roles": {}}, "roles"),
        ({"roles": ["essex-probation"]}, "roles"),
        ({"facts": {"colour": "red"}}, "facts.colour"),
        ({"facts": {"offered_by": "mum"}}, "facts.offered_by"),
        ({"facts": {"nominal": "yes"}}, "facts.nominal"),
        ({"facts": {"value_gbp": "ten"}}, "facts.value_gbp"),
        ({"facts": {"value_gbp": -5}}, "facts.value_gbp"),
        ({"facts": {"value_gbp": True}}, "facts.value_gbp"),
        ({"facts": ["offered_by"]}, "facts"),
        ({"when": "today"}, "when"),
    ],
)
def test_bad_input_names_the_field(change, field):
    with pytest.raises(BadInput) as raised:
        decide({**GOOD, **change})
    assert raised.value.field == field


def test_malformed_json_is_bad_input():
    with pytest.raises(BadInput) as raised:
        parse_situation_json('{"roles": ')
    assert raised.value.field == "situation"
    assert "not valid JSON" in str(raised.value)


def test_a_situation_must_be_an_object():
    with pytest.raises(BadInput) as raised:
        decide(["gift"])
    assert raised.value.field == "situation"


def test_null_means_unknown():
    outcome = decide({**GOOD, "facts": {"offered_by": None}})
    assert any(q["fact"] == "offered_by" for q in outcome["questions"])


def test_spec_example_gives_the_spec_outcome():
    outcome = decide(
        {
            "roles": {"essex-probation": "employee", "probation-institute": "member"},
            "matter": "gift",
            "facts": {"offered_by": "service-user", "kind": "item", "value_gbp": 10},
        }
    )
    assert outcome["decision"] == "prohibited"
    assert outcome["authority"] == ["line-manager"]
    assert [a["do"] for a in outcome["actions"]] == ["decline", "record"]
    assert outcome["actions"][1]["where"] == "contact-log"
    assert [c["clause"] for c in outcome["citations"]] == ["essex-probation:7.4"]
    assert outcome["codes"] == {"essex-probation": "applies", "probation-institute": "applies"}
    assert outcome["questions"] == []


def test_number_questions_give_a_type_not_answers():
    from probity.core.vocabulary import vocabulary

    question = vocabulary().matters["gift"].facts["value_gbp"].as_question()
    assert question == {"fact": "value_gbp", "text": question["text"], "type": "number"}


def test_a_fact_that_cannot_change_the_decision_is_not_asked():
    # opcc:6.1 and 6.4 between them forbid every decision about a relative, so which
    # decision it is cannot matter.
    outcome = decide(
        {
            "roles": {"opcc": "employee"},
            "matter": "recruitment",
            "facts": {"applicant_relationship": "relative"},
        }
    )
    assert outcome["decision"] == "prohibited"
    assert outcome["questions"] == []
