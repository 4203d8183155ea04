"""Rules as data (data/rules/<code>.yaml): which facts of a matter lead to which decision.

A rule's `when` is a conjunction of fact tests, `any` a list of conjunctions of which one must
hold, and `unless` a conjunction that must not hold. Facts may be unknown, so tests are
three-valued (True, False, None for "depends on a fact not given"), as in Kleene's logic.
A small evaluator of our own is used because the rule language is tiny and must stay fast
(tens of thousands of decisions a second) and explainable; a general rules library would hide
which fact a rule is waiting for, which the interview needs.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable
from functools import cache

from probity.core.codes import Code, load_code
from probity.core.datafiles import data_names, read_yaml
from probity.core.errors import BadData
from probity.core.vocabulary import Fact, vocabulary

Test = tuple[str, Callable[[object], bool]]
Conjunction = tuple[Test, ...]


class Rule(
    namedtuple(
        "Rule",
        "id code matter roles decision strictness authority actions citations always "
        "when any unless facts thresholds",
    )
):
    """A compiled rule; `facts` are the facts its tests read, `thresholds` the numbers."""

    __slots__ = ()

    def holds(self, facts: dict) -> bool | None:
        """True, False, or None when it depends on facts not yet known."""
        result = _all(self.when, facts)
        if result is False:
            return False
        if self.any:
            either = _either(self.any, facts)
            if either is False:
                return False
            result = None if either is None else result
        if self.unless is not None:
            excluded = _all(self.unless, facts)
            if excluded is True:
                return False
            result = None if excluded is None else result
        return result


# What a code tells people to do when it says nothing about their situation.
Advice = namedtuple("Advice", "actions citations")
# A code's rules by matter, and its advice for what it does not speak to.
CodeRules = namedtuple("CodeRules", "by_matter advice")


def rule_files() -> list[str]:
    return data_names("rules")


@cache
def rules_for(code_id: str) -> CodeRules:
    """The rules of one code, checked against the vocabulary and the code's clauses."""
    if code_id not in rule_files():
        return CodeRules(by_matter={}, advice=None)
    raw = read_yaml(f"rules/{code_id}.yaml")
    code = load_code(code_id)
    by_matter: dict[str, list[Rule]] = {}
    for item in raw.get("rules", ()):
        rule = _compile(code, item)
        by_matter.setdefault(rule.matter, []).append(rule)
    advice = _advice(code, raw["advice"]) if raw.get("advice") else None
    return CodeRules({m: tuple(rules) for m, rules in by_matter.items()}, advice)


def all_rules() -> list[Rule]:
    return [
        rule
        for code_id in rule_files()
        for rules in rules_for(code_id).by_matter.values()
        for rule in rules
    ]


def _all(tests: Conjunction, facts: dict) -> bool | None:
    result: bool | None = True
    for name, test in tests:
        if name not in facts:
            result = None
        elif not test(facts[name]):
            return False
    return result


def _either(conjunctions: tuple[Conjunction, ...], facts: dict) -> bool | None:
    result: bool | None = False
    for conjunction in conjunctions:
        held = _all(conjunction, facts)
        if held:
            return True
        if held is None:
            result = None
    return result


def _compile(code: Code, item: dict) -> Rule:
    where = f"data/rules/{code.id}.yaml, rule {item.get('id', '?')}"
    try:
        return _build_rule(code, item)
    except (KeyError, TypeError, ValueError) as error:
        raise BadData(f"{where}: {error}") from error


def _build_rule(code: Code, item: dict) -> Rule:
    vocab = vocabulary()
    matter = vocab.matters.get(item["matter"])
    if matter is None:
        raise ValueError(f"unknown matter {item['matter']!r}")
    decision = item["decision"]
    if decision not in vocab.decisions or decision == "not-covered":
        raise ValueError(f"unknown decision {decision!r}")
    cites = [str(clause) for clause in item["cites"]]
    roles = _roles(code, item.get("roles"), cites)
    when = _conjunction(matter.facts, item.get("when") or {})
    either = tuple(_conjunction(matter.facts, c) for c in item.get("any") or ())
    unless = _conjunction(matter.facts, item["unless"]) if item.get("unless") else None
    tests = [*when, *(t for c in either for t in c), *(unless or ())]
    return Rule(
        id=item["id"],
        code=code.id,
        matter=matter.id,
        roles=roles,
        decision=decision,
        strictness=vocab.strictness(decision),
        authority=tuple(_checked_authority(a) for a in item.get("authority") or ()),
        actions=tuple(_action(code, a, cites) for a in item.get("actions") or ()),
        citations=tuple(_citation(code, clause) for clause in cites),
        always=bool(item.get("always", False)),
        when=when,
        any=either,
        unless=unless,
        facts=frozenset(name for name, _ in tests),
        thresholds=_thresholds(item, matter.facts),
    )


def _roles(code: Code, listed, cites: list[str]) -> frozenset[str]:
    roles = frozenset(listed) if listed else code.roles
    for clause in cites:
        code.clause(clause)
        unbound = [role for role in roles if not code.binds(clause, role)]
        if listed and unbound:
            raise ValueError(f"clause {clause} does not bind {', '.join(sorted(unbound))}")
        roles = frozenset(role for role in roles if code.binds(clause, role))
    unknown = roles - set(vocabulary().roles)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")
    return roles


def _conjunction(facts: dict[str, Fact], spec: dict) -> Conjunction:
    return tuple(_test(facts, name, expected) for name, expected in spec.items())


def _test(facts: dict[str, Fact], name: str, expected) -> Test:
    fact = facts.get(name)
    if fact is None:
        raise ValueError(f"unknown fact {name!r}")
    if fact.type == "bool":
        if not isinstance(expected, bool):
            raise ValueError(f"{name} is true or false")
        return name, (lambda value: value is expected)
    if fact.type == "number":
        low, below = expected.get("at_least", float("-inf")), expected.get("below", float("inf"))
        return name, (lambda value: low <= value < below)
    negate = isinstance(expected, dict)
    values = expected["not"] if negate else expected
    allowed = frozenset([values] if isinstance(values, str) else values)
    stray = allowed - set(fact.answers)
    if stray:
        raise ValueError(f"{name} has no value {sorted(stray)}")
    if negate:
        return name, (lambda value: value not in allowed)
    return name, (lambda value: value in allowed)


def _thresholds(item: dict, facts: dict[str, Fact]) -> dict[str, tuple[float, ...]]:
    """Numbers a rule compares a fact with, so the engine can try answers either side."""
    found: dict[str, set[float]] = {}
    conjunctions = [item.get("when") or {}, item.get("unless") or {}, *(item.get("any") or ())]
    for spec in conjunctions:
        for name, expected in spec.items():
            if facts[name].type == "number":
                found.setdefault(name, set()).update(expected.values())
    return {name: tuple(sorted(values)) for name, values in found.items()}


def _checked_authority(authority: str) -> str:
    if authority not in vocabulary().authorities:
        raise ValueError(f"unknown authority {authority!r}")
    return authority


def _action(code: Code, spec: dict, cites: list[str]) -> dict:
    vocab = vocabulary()
    if spec["do"] not in vocab.actions:
        raise ValueError(f"unknown action {spec['do']!r}")
    action = {"do": spec["do"]}
    if spec["do"] == "record":
        if spec.get("where") not in vocab.record_places:
            raise ValueError(f"record needs a where from {sorted(vocab.record_places)}")
        action["where"] = spec["where"]
    for authority in spec.get("to") or ():
        _checked_authority(authority)
    if spec.get("to"):
        action["to"] = list(spec["to"])
    action["text"] = spec["text"].strip()
    action["clauses"] = [f"{code.id}:{clause}" for clause in spec.get("cites") or cites]
    return action


def _citation(code: Code, clause_id: str) -> dict:
    clause = code.clause(clause_id)
    return {"clause": clause.ref, "text": clause.text}


def _advice(code: Code, spec: dict) -> Advice:
    cites = [str(clause) for clause in spec["cites"]]
    return Advice(
        actions=tuple(_action(code, action, cites) for action in spec["actions"]),
        citations=tuple(_citation(code, clause) for clause in cites),
    )


# --- Reading rules back in words, for the clause pages and the API ----------------------------

# One test of a rule in words: the fact's question and the answers that make it hold (or, when
# `negated`, every answer but these).
Condition = namedtuple("Condition", "fact question answers negated")
# A rule's tests in words: all of `when`, one of the `either` groups, none of `unless`.
Conditions = namedtuple("Conditions", "when either unless")


@cache
def _citing_index() -> dict[str, tuple[Rule, ...]]:
    index: dict[str, list[Rule]] = {}
    for rule in all_rules():
        for citation in rule.citations:
            index.setdefault(citation["clause"], []).append(rule)
    return {ref: tuple(rules) for ref, rules in index.items()}


def rules_citing(ref: str) -> tuple[Rule, ...]:
    """Every rule that cites a clause (`CODE:CLAUSE`), in the order of the rule files."""
    return _citing_index().get(ref, ())


def rule_conditions(rule: Rule) -> Conditions:
    """The facts a rule tests, in the vocabulary's words (questions and answer labels)."""
    raw = next(
        (item for item in read_yaml(f"rules/{rule.code}.yaml")["rules"] if item["id"] == rule.id),
        None,
    )
    if raw is None:
        raise BadData(f"data/rules/{rule.code}.yaml has no rule {rule.id!r}")
    facts = vocabulary().matters[rule.matter].facts
    return Conditions(
        when=_in_words(facts, raw.get("when") or {}),
        either=tuple(_in_words(facts, spec) for spec in raw.get("any") or ()),
        unless=_in_words(facts, raw.get("unless") or {}),
    )


def _in_words(facts: dict[str, Fact], spec: dict) -> tuple[Condition, ...]:
    conditions = []
    for name, expected in spec.items():
        fact = facts[name]
        negated = fact.type == "choice" and isinstance(expected, dict)
        answers = _answers_in_words(fact, expected["not"] if negated else expected)
        conditions.append(Condition(name, fact.question, answers, negated))
    return tuple(conditions)


def _answers_in_words(fact: Fact, expected) -> tuple[str, ...]:
    if fact.type == "bool":
        return ("Yes" if expected else "No",)
    if fact.type == "number":
        bounds = []
        if "at_least" in expected:
            bounds.append(f"{expected['at_least']:g} or more")
        if "below" in expected:
            bounds.append(f"less than {expected['below']:g}")
        return (" and ".join(bounds),)
    labels = dict(fact.labels)
    values = [expected] if isinstance(expected, str) else expected
    return tuple(labels.get(value, value) for value in values)
