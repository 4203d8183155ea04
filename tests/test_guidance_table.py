"""The guidance engine read against the codes, case by case (tests/guidance_cases.yaml).

Each case is a situation a person might bring, the clause of a code it checks, and the outcome
that clause gives according to shared/spec/guidance.md: the decision, who decides or is told,
and the clauses that must (or must not) be cited. The expected results come from reading the
codes, not from running the engine.

A case may also say:
- `codes`: codes whose status is not "applies" (e.g. `{moj-volunteers: not-in-scope}`);
- `questions`: facts the outcome must ask for (`[]`: it must ask nothing);
- `actions_include`: actions that must be advised, as `do` or `do:where`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import yaml

from probity.core.codes import find_clause, load_code
from probity.core.engine import decide

CASES_FILE = Path(__file__).with_name("guidance_cases.yaml")

# The outcome vocabulary of shared/spec/guidance.md ("Outcome (JSON)"), copied by hand so a
# change to data/vocabulary.yaml cannot quietly widen it.
SPEC_DECISIONS = {"prohibited", "needs-permission", "must-declare", "permitted", "not-covered"}
SPEC_AUTHORITIES = {
    "line-manager",
    "manager",
    "responsible-manager",
    "director",
    "chief-executive",
    "monitoring-officer",
    "board-secretary",
    "human-resources",
    "finance-and-administration-manager",
    "court",
}
SPEC_ACTIONS = {
    "decline",
    "return",
    "hand-over",
    "record",
    "declare",
    "report",
    "seek-permission",
    "seek-advice",
    "reimburse",
    "withdraw",
}
SPEC_RECORD_PLACES = {
    "contact-log",
    "gifts-and-hospitality-register",
    "register-of-interests",
    "formal-record",
    "case-record",
}
SPEC_MATTERS = {
    "gift",
    "hospitality",
    "outside-employment",
    "interest",
    "relationship",
    "conviction",
    "safeguarding-registration-withdrawn",
    "media",
    "disclosure",
    "favour",
    "executor",
    "beneficiary-in-will",
    "witness",
    "reference",
    "invention",
    "recruitment",
    "tender",
    "facilities",
    "political-activity",
    "sponsorship",
    "corruption",
    "concern",
    "change-in-circumstances",
    "property",
    "fitness-for-duty",
    "lone-contact",
    "misrepresentation",
}
CASE_KEYS = {
    "name",
    "clause",
    "roles",
    "matter",
    "facts",
    "decision",
    "authority_includes",
    "cites",
    "not_cites",
    "codes",
    "questions",
    "actions_include",
}


@cache
def load_cases() -> tuple[dict, ...]:
    with CASES_FILE.open(encoding="utf-8") as handle:
        return tuple(yaml.safe_load(handle))


CASES = load_cases()


def situation(case: dict) -> dict:
    return {"roles": case["roles"], "matter": case["matter"], "facts": case.get("facts") or {}}


def label(case: dict) -> str:
    return f"case {case['name']!r} (checks {case['clause']})"


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_the_engine_gives_what_the_code_says(case):
    where = label(case)
    outcome = decide(situation(case))
    cited = [citation["clause"] for citation in outcome["citations"]]
    shown = (
        f"\n  got decision={outcome['decision']!r} authority={outcome['authority']}"
        f" cites={cited} questions={[q['fact'] for q in outcome['questions']]}"
    )

    assert outcome["decision"] == case["decision"], f"{where}: wrong decision{shown}"

    missing = set(case.get("authority_includes") or ()) - set(outcome["authority"])
    assert not missing, f"{where}: authority lacks {sorted(missing)}{shown}"

    uncited = [clause for clause in case.get("cites") or () if clause not in cited]
    assert not uncited, f"{where}: does not cite {uncited}{shown}"
    wrongly = [clause for clause in case.get("not_cites") or () if clause in cited]
    assert not wrongly, f"{where}: must not cite {wrongly}{shown}"

    expected_codes = dict.fromkeys(case["roles"], "applies") | (case.get("codes") or {})
    assert outcome["codes"] == expected_codes, f"{where}: codes {outcome['codes']}"
    for code, status in expected_codes.items():
        if status == "not-in-scope":
            why = outcome.get("why", {}).get(code, "")
            assert f"{load_code(code).id}:" in why, f"{where}: no reason why {code} is out of scope"

    code_of_clause = case["clause"].partition(":")[0]
    if outcome["decision"] != "not-covered" and expected_codes[code_of_clause] == "applies":
        assert case["clause"] in cited, f"{where}: the clause checked is not cited{shown}"

    asked = [question["fact"] for question in outcome["questions"]]
    if "questions" in case:
        if case["questions"]:
            unasked = [fact for fact in case["questions"] if fact not in asked]
            assert not unasked, f"{where}: does not ask about {unasked}{shown}"
        else:
            assert not asked, f"{where}: asks {asked} though every fact that matters is known"

    advised = {action["do"] for action in outcome["actions"]} | {
        f"{action['do']}:{action['where']}" for action in outcome["actions"] if "where" in action
    }
    unadvised = [a for a in case.get("actions_include") or () if a not in advised]
    assert not unadvised, f"{where}: does not advise {unadvised}; advised {sorted(advised)}"


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_every_outcome_speaks_the_spec_vocabulary(case):
    where = label(case)
    outcome = decide(situation(case))
    assert outcome["decision"] in SPEC_DECISIONS, where
    assert set(outcome["authority"]) <= SPEC_AUTHORITIES, f"{where}: {outcome['authority']}"
    for action in outcome["actions"]:
        assert action["do"] in SPEC_ACTIONS, f"{where}: action {action['do']!r} not in the spec"
        if action["do"] == "record":
            assert action.get("where") in SPEC_RECORD_PLACES, f"{where}: record where? {action}"
        assert set(action.get("to") or ()) <= SPEC_AUTHORITIES, f"{where}: {action}"
        assert action["text"].strip(), f"{where}: an action without words"
    for citation in outcome["citations"]:
        clause = find_clause(citation["clause"])
        assert citation["text"] == clause.text and clause.text, (
            f"{where}: {citation['clause']} is cited without its own text"
        )
    for question in outcome["questions"]:
        assert question["text"] and ("answers" in question or question.get("type") == "number"), (
            f"{where}: question {question}"
        )


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_every_case_is_well_formed(case):
    where = label(case)
    assert set(case) <= CASE_KEYS, f"{where}: unknown keys {sorted(set(case) - CASE_KEYS)}"
    assert case["matter"] in SPEC_MATTERS, f"{where}: unknown matter"
    assert case["decision"] in SPEC_DECISIONS, f"{where}: unknown decision"
    for ref in [case["clause"], *(case.get("cites") or ()), *(case.get("not_cites") or ())]:
        find_clause(ref)  # raises for a clause that does not exist
    assert case["clause"].partition(":")[0] in case["roles"], f"{where}: clause of another code"


def test_case_names_are_unique():
    names = [case["name"] for case in CASES]
    assert len(names) == len(set(names)), sorted({n for n in names if names.count(n) > 1})


def test_every_matter_and_every_code_is_read():
    assert {case["matter"] for case in CASES} == SPEC_MATTERS
    codes = {code for case in CASES for code in case["roles"]}
    assert codes == {
        "moj-volunteers",
        "essex-probation",
        "opcc",
        "probation-institute",
        "hmpps-offer",
    }


def test_unknown_facts_are_asked_and_answering_them_settles_the_decision():
    """Each case that leaves a fact unknown has a twin that answers it with a definite result."""
    undecided = [case for case in CASES if case.get("questions")]
    assert len(undecided) >= 10
    for case in undecided:
        twins = [
            other
            for other in CASES
            if other["roles"] == case["roles"]
            and other["matter"] == case["matter"]
            and other.get("questions") == []
            and all(
                other.get("facts", {}).get(name) == value
                for name, value in (case.get("facts") or {}).items()
            )
            and set(case["questions"]) <= set(other.get("facts") or {})
        ]
        assert twins, f"{label(case)}: no case answers {case['questions']}"
