"""The guidance engine: a situation in, one outcome out (shared/spec/guidance.md).

The decision is the strictest any applicable rule gives. A rule that depends on a fact not
given still counts, so an unknown fact never makes the answer more lenient than it might be;
the facts that could change the decision come back as questions.
"""

from __future__ import annotations

from itertools import product
from math import prod

from probity.core.codes import load_code
from probity.core.rules import Rule, rules_for
from probity.core.situation import Situation, parse_situation
from probity.core.vocabulary import vocabulary


def decide(situation: Situation | dict) -> dict:
    """The outcome for a situation; raises BadInput naming the field for bad input."""
    if not isinstance(situation, Situation):
        situation = parse_situation(situation)
    codes, why, rules = _applicable(situation)
    facts = situation.facts
    held = [(rule, rule.holds(facts)) for rule in rules]
    live = [(rule, state) for rule, state in held if state is not False]
    strictness = max((rule.strictness for rule, _ in live), default=0)
    decision = vocabulary().decisions[strictness]
    chosen = [
        rule
        for rule, state in live
        if rule.strictness == strictness or (rule.always and state is True)
    ]
    outcome = _outcome(decision, chosen, codes, why)
    if decision == "not-covered":
        _add_advice(outcome, codes)
    outcome["questions"] = _questions(situation, live, strictness)
    return outcome


def _applicable(situation: Situation) -> tuple[dict, dict, list[Rule]]:
    codes: dict[str, str] = {}
    why: dict[str, str] = {}
    rules: list[Rule] = []
    for code_id, role in situation.roles.items():
        code = load_code(code_id)
        if not code.covers(role):
            codes[code_id] = "not-in-scope"
            why[code_id] = code.why_not_in_scope
            continue
        codes[code_id] = "applies"
        matter_rules = rules_for(code_id).by_matter.get(situation.matter, ())
        rules.extend(rule for rule in matter_rules if role in rule.roles)
    return codes, why, rules


def _outcome(decision: str, chosen: list[Rule], codes: dict, why: dict) -> dict:
    authority: dict[str, None] = {}
    actions: dict[tuple, dict] = {}
    citations: dict[str, dict] = {}
    for rule in sorted(chosen, key=lambda r: -r.strictness):
        authority.update(dict.fromkeys(rule.authority))
        for action in rule.actions:
            actions.setdefault((action["do"], action.get("where"), action["text"]), action)
        for citation in rule.citations:
            citations.setdefault(citation["clause"], citation)
    outcome = {
        "decision": decision,
        "authority": list(authority),
        "actions": list(actions.values()),
        "citations": list(citations.values()),
        "codes": codes,
    }
    if why:
        outcome["why"] = why
    return outcome


def _add_advice(outcome: dict, codes: dict) -> None:
    for code_id, state in codes.items():
        advice = rules_for(code_id).advice if state == "applies" else None
        if advice:
            outcome["actions"].extend(advice.actions)
            outcome["citations"].extend(advice.citations)


# Up to this many combinations of unknown answers, the engine tries them all to find exactly
# which facts can change the decision; beyond it, every fact a waiting rule reads is asked.
EXACT_LIMIT = 512


def _questions(situation: Situation, live: list, strictness: int) -> list[dict]:
    """Unknown facts that could change the decision, the most decisive first.

    Only rules stricter than every rule already known to hold can change the decision, so
    only the facts they read are candidates. Candidates are ranked by how far one answer
    alone could lower the decision, then by how many such rules wait for them, then in the
    matter's own order.
    """
    floor = max((rule.strictness for rule, state in live if state is True), default=0)
    waiting = [rule for rule, state in live if state is None and rule.strictness > floor]
    if not waiting:
        return []
    matter = vocabulary().matters[situation.matter]
    answers = {
        name: _answers_to_try(fact, waiting)
        for name, fact in matter.facts.items()
        if name not in situation.facts and any(name in rule.facts for rule in waiting)
    }
    drops = {
        name: max(
            strictness - _strictness_given(situation.facts, waiting, floor, name, answer)
            for answer in values
        )
        for name, values in answers.items()
    }
    relevant = {name for name, drop in drops.items() if drop}
    if len(relevant) < len(answers):  # a fact no single answer moves may still matter jointly
        relevant |= _facts_that_matter(situation.facts, waiting, floor, answers)
    ranked = [
        (-drops[name], -sum(1 for rule in waiting if name in rule.facts), position, fact)
        for position, (name, fact) in enumerate(matter.facts.items())
        if name in relevant
    ]
    return [fact.as_question() for *_, fact in sorted(ranked, key=lambda row: row[:3])]


def _facts_that_matter(facts: dict, waiting: list[Rule], floor: int, answers: dict) -> set:
    """The unknown facts on which the decision really turns, found by trying every answer.

    A fact matters when two sets of answers that differ only in that fact give different
    decisions (two rules may cover every answer of a fact between them, so it cannot matter).
    """
    names = list(answers)
    combinations = prod(len(values) for values in answers.values())
    if combinations > EXACT_LIMIT:
        return set(names)
    decisions = {}
    for combination in product(*answers.values()):
        trial = {**facts, **dict(zip(names, combination, strict=True))}
        decisions[combination] = max(
            [floor, *(rule.strictness for rule in waiting if rule.holds(trial))]
        )
    relevant = set()
    for index, name in enumerate(names):
        seen: dict[tuple, int] = {}
        for combination, decision in decisions.items():
            others = combination[:index] + combination[index + 1 :]
            if seen.setdefault(others, decision) != decision:
                relevant.add(name)
                break
    return relevant


def _strictness_given(facts: dict, undecided: list[Rule], floor: int, name: str, answer) -> int:
    trial = {**facts, name: answer}
    still = (rule.strictness for rule in undecided if rule.holds(trial) is not False)
    return max([floor, *still])


def _answers_to_try(fact, undecided: list[Rule]) -> tuple:
    if fact.type != "number":
        return fact.possible_values()
    bounds = {b for rule in undecided for b in rule.thresholds.get(fact.name, ())}
    return tuple(sorted({0.0, *bounds, *(max(b - 0.01, 0.0) for b in bounds)}))
