"""The core can say which rules cite a clause, and what those rules test, in words."""

from probity.core.rules import all_rules, rule_conditions, rules_citing


def test_every_rule_citing_a_clause_is_found_and_nothing_else():
    for rule in all_rules():
        for citation in rule.citations:
            assert rule in rules_citing(citation["clause"])
    assert all(
        any(c["clause"] == "opcc:15.4" for c in rule.citations)
        for rule in rules_citing("opcc:15.4")
    )
    assert rules_citing("hmpps-offer:blue-light-card") == ()


def test_a_rule_on_gifts_from_service_users_reads_as_its_question_and_answers():
    rule = next(r for r in rules_citing("essex-probation:7.4") if r.id == "gift-from-service-user")
    (condition,) = rule_conditions(rule).when
    assert condition.question == "Who offered it?"
    assert any("service user" in answer for answer in condition.answers)
    assert not condition.negated


def test_every_rule_can_be_read_in_words():
    for rule in all_rules():
        conditions = rule_conditions(rule)
        for condition in [*conditions.when, *conditions.unless, *sum(conditions.either, ())]:
            assert condition.question
            assert all(isinstance(answer, str) and answer for answer in condition.answers)
