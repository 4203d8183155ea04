"""Reads for the interview: the interview kept in the session, the next page to show, the
shareable address of an outcome, and an outcome in the words the pages use.

Everything the guidance means comes from `probity.core`: which codes and roles exist, the
matters and their facts, what the engine still needs to know and the outcome itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from urllib.parse import quote, urlencode

from django.http import QueryDict
from django.urls import reverse

from probity.core.codes import code_ids, find_clause, load_code
from probity.core.engine import decide
from probity.core.errors import BadInput
from probity.core.situation import Situation, parse_situation
from probity.core.vocabulary import Fact, vocabulary

SESSION_KEY = "probity.ask"
DONT_KNOW = "dont-know"  # an answer that leaves the fact unknown

# The codes in the words people use for the organisation that binds them (shown as choices).
CODE_CHOICE_LABELS = {
    "essex-probation": "Essex Probation (Code of Conduct)",
    "opcc": "Office of the Police and Crime Commissioner",
    "hmpps-offer": "HM Prison and Probation Service employee offer",
    "moj-volunteers": "Ministry of Justice: volunteers, agency and sessional staff",
    "probation-institute": "The Probation Institute (I'm a member)",
}
# …and as a name in a sentence or a heading.
CODE_NAMES = {
    "essex-probation": "Essex Probation",
    "opcc": "Office of the Police and Crime Commissioner",
    "hmpps-offer": "HM Prison and Probation Service employee offer",
    "moj-volunteers": "Ministry of Justice: volunteers, agency and sessional staff",
    "probation-institute": "The Probation Institute",
}
BOOL_ANSWERS = (("yes", True, "Yes"), ("no", False, "No"))
AMOUNT = re.compile(r"\d{1,9}(\.\d{1,2})?")


@dataclass(frozen=True)
class Interview:
    """Where someone is in the interview: who they are, the matter, what they have answered.

    `codes` are the codes chosen (in the order they are listed), `roles` the role under each
    code answered so far, `facts` the known facts, `unknown` the facts answered "I don't know"
    and `asked` every fact asked, in the order it was asked.
    """

    codes: tuple[str, ...] = ()
    roles: dict = field(default_factory=dict)
    matter: str | None = None
    facts: dict = field(default_factory=dict)
    unknown: tuple[str, ...] = ()
    asked: tuple[str, ...] = ()

    def situation(self) -> dict:
        """The spec's situation (shared/spec/guidance.md) for what is known so far."""
        return {
            "roles": {code: self.roles[code] for code in self.codes if code in self.roles},
            "matter": self.matter,
            "facts": dict(self.facts),
        }

    def as_session(self) -> dict:
        return {
            "codes": list(self.codes),
            "roles": dict(self.roles),
            "matter": self.matter,
            "facts": dict(self.facts),
            "unknown": list(self.unknown),
            "asked": list(self.asked),
        }


@dataclass(frozen=True)
class Step:
    """One page of the interview: who, role (of a code), about, question (a fact), check."""

    name: str
    arg: str | None = None

    @property
    def url(self) -> str:
        if self.arg is None:
            return reverse(f"ask:{self.name}")
        return reverse(f"ask:{self.name}", args=[self.arg])


# --- The interview in the session ---------------------------------------------------------


def interview_get(*, session) -> Interview:
    """The interview kept in the session, dropping anything the data no longer knows."""
    raw = session.get(SESSION_KEY)
    if not isinstance(raw, dict):
        return Interview()
    known_codes = code_ids()
    known_roles = vocabulary().roles
    codes = tuple(code for code in raw.get("codes") or () if code in known_codes)
    roles = {
        code: role
        for code, role in (raw.get("roles") or {}).items()
        if code in codes and role in known_roles
    }
    matter = raw.get("matter")
    if matter not in vocabulary().matters:
        return Interview(codes=codes, roles=roles)
    facts = {}
    for name, value in (raw.get("facts") or {}).items():
        if situation_problem(roles=None, matter=matter, facts={name: value}) is None:
            facts[name] = value
    matter_facts = vocabulary().matters[matter].facts
    unknown = tuple(n for n in raw.get("unknown") or () if n in matter_facts and n not in facts)
    asked = tuple(n for n in raw.get("asked") or () if n in facts or n in unknown)
    return Interview(codes, roles, matter, facts, unknown, asked)


def situation_problem(*, roles: dict | None, matter: str | None, facts: dict) -> BadInput | None:
    """What the core finds wrong with a (partial) situation, or None when it is sound.

    Roles not yet given are checked with a stand-in role, a matter not yet chosen with the
    first matter, so each page can check its own answer the core's way.
    """
    matters = vocabulary().matters
    situation = {
        "roles": roles or {code_ids()[0]: next(iter(vocabulary().roles))},
        "matter": matter if matter is not None else next(iter(matters)),
        "facts": facts,
    }
    try:
        parse_situation(situation)
    except BadInput as error:
        return error
    return None


def implied_role(code_id: str) -> str | None:
    """The role a code's choice already says: a professional body's code binds members only."""
    roles = load_code(code_id).roles
    return "member" if roles == frozenset({"member"}) else None


def codes_needing_role(interview: Interview) -> list[str]:
    return [code for code in interview.codes if implied_role(code) is None]


def questions_pending(interview: Interview) -> list[dict]:
    """The engine's questions for this situation, in its order, less those answered "I don't
    know"."""
    if interview.matter is None or not interview.codes:
        return []
    outcome = decide(interview.situation())
    return [q for q in outcome["questions"] if q["fact"] not in interview.unknown]


def interview_next_step(interview: Interview) -> Step:
    """The first page still to answer; check your answers when nothing is left."""
    if not interview.codes:
        return Step("who")
    for code in interview.codes:
        if code not in interview.roles:
            return Step("role", code)
    if interview.matter is None:
        return Step("about")
    pending = questions_pending(interview)
    if pending:
        return Step("question", pending[0]["fact"])
    return Step("check")


def step_open(interview: Interview, step: Step) -> bool:
    """Whether every page before this one has been answered, so this page can be shown."""
    roles_given = bool(interview.codes) and all(c in interview.roles for c in interview.codes)
    if step.name == "who":
        return True
    if step.name == "role":
        return step.arg in interview.codes and implied_role(step.arg) is None
    if step.name == "about":
        return roles_given
    if step.name == "question":
        return roles_given and interview.matter is not None
    return interview_next_step(interview) == step


def interview_previous_step(interview: Interview, current: Step) -> Step | None:
    """The page before this one in the journey as this person has taken it."""
    journey = [Step("who"), *(Step("role", code) for code in codes_needing_role(interview))]
    if interview.codes:
        journey.append(Step("about"))
    journey.extend(Step("question", fact) for fact in interview.asked)
    if current in journey:
        position = journey.index(current)
        return journey[position - 1] if position else None
    return journey[-1] if journey else None


# --- Choices in plain words ---------------------------------------------------------------


def code_name(code_id: str) -> str:
    code = load_code(code_id)
    return CODE_NAMES.get(code_id) or f"{code.issuer}: {code.title}"


def code_choices() -> list[tuple[str, str, str]]:
    """(code, label, hint) for every code, in the order the data lists them."""
    choices = []
    for code_id in code_ids():
        code = load_code(code_id)
        label = CODE_CHOICE_LABELS.get(code_id) or f"{code.issuer}: {code.title}"
        choices.append((code_id, label, f"{code.issuer}: {code.title}"))
    return choices


def role_choices() -> list[tuple[str, str]]:
    return list(vocabulary().roles.items())


def role_label(role: str) -> str:
    return vocabulary().roles.get(role, role)


def matter_choices() -> list[tuple[str, str]]:
    return [(matter.id, matter.title) for matter in vocabulary().matters.values()]


def matter_title(matter: str) -> str:
    return vocabulary().matters[matter].title


def fact_get(matter: str | None, name: str) -> Fact | None:
    if matter is None:
        return None
    return vocabulary().matters[matter].facts.get(name)


def fact_choices(fact: Fact) -> list[tuple[str, str]]:
    """(value as sent by a form or a link, label) for a choice or yes/no fact."""
    if fact.type == "bool":
        return [(text, label) for text, _, label in BOOL_ANSWERS]
    return list(fact.labels)


def fact_is_money(fact: Fact) -> bool:
    return fact.type == "number" and fact.name.endswith("_gbp")


def value_from_text(fact: Fact, text: str):
    """A fact's value from what a form or a link sends; raises BadInput when it is not one."""
    field_name = f"facts.{fact.name}"
    if fact.type == "bool":
        for answer, value, _ in BOOL_ANSWERS:
            if text == answer:
                return value
        raise BadInput(field_name, "must be yes or no")
    if fact.type == "number":
        amount = text.replace(",", "").replace(" ", "")
        if fact_is_money(fact):
            amount = amount.removeprefix("£")
        if not AMOUNT.fullmatch(amount):
            raise BadInput(field_name, "must be a number, like 25 or 12.50")
        try:
            number = Decimal(amount)
        except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
            raise BadInput(field_name, "must be a number, like 25 or 12.50") from None
        return int(number) if number == number.to_integral_value() else float(number)
    return text  # a choice: the core checks it is one of the fact's answers


def value_to_text(fact: Fact, value) -> str:
    if fact.type == "bool":
        return "yes" if value else "no"
    if fact.type == "number":
        return format(Decimal(str(value)).normalize(), "f")
    return str(value)


def answer_label(fact: Fact, value) -> str:
    """An answer as the person chose it: the label of a choice, Yes or No, or an amount."""
    if fact.type == "bool":
        return "Yes" if value else "No"
    if fact.type == "number":
        amount = Decimal(str(value))
        text = f"{amount:,.2f}".removesuffix(".00")
        return f"£{text}" if fact_is_money(fact) else text
    return dict(fact.labels).get(value, str(value))


# --- Check your answers -------------------------------------------------------------------


def check_answers(interview: Interview) -> dict:
    """The rows of check your answers, each with the page that changes it."""
    change = "?change=1"
    about_you = [
        {
            "key": "Codes of conduct that bind you",
            "value": [label for code, label, _ in code_choices() if code in interview.codes],
            "href": Step("who").url + change,
            "hidden": "the codes of conduct that bind you",
        }
    ]
    for code in codes_needing_role(interview):
        about_you.append(
            {
                "key": f"Your role under {code_name(code)}",
                "value": [role_label(interview.roles[code])],
                "href": Step("role", code).url + change,
                "hidden": f"your role under {code_name(code)}",
            }
        )
    question = [
        {
            "key": "What it is about",
            "value": [matter_title(interview.matter)],
            "href": Step("about").url + change,
            "hidden": "what it is about",
        }
    ]
    for name in interview.asked:
        fact = fact_get(interview.matter, name)
        known = name in interview.facts
        question.append(
            {
                "key": fact.question,
                "value": [answer_label(fact, interview.facts[name]) if known else "I don't know"],
                "href": Step("question", name).url + change,
                "hidden": fact.question.rstrip("?").lower(),
            }
        )
    return {"about_you": about_you, "question": question}


# --- The shareable address of an outcome --------------------------------------------------


def situation_to_query(situation: dict) -> str:
    """A situation as a query string: readable, stable, and holding nothing personal.

    `roles=essex-probation:employee,probation-institute:member&matter=gift&offered_by=…`,
    known facts in the matter's own order, yes/no for true/false; unknown facts are left out.
    """
    roles = ",".join(f"{code}:{role}" for code, role in situation["roles"].items())
    pairs = [("roles", roles), ("matter", situation["matter"])]
    matter = vocabulary().matters[situation["matter"]]
    for name, fact in matter.facts.items():
        if name in situation["facts"]:
            pairs.append((name, value_to_text(fact, situation["facts"][name])))
    return urlencode(pairs, safe=":,")


def situation_from_query(query: QueryDict) -> Situation:
    """The situation a shareable address encodes; raises BadInput naming what is wrong."""
    for key in query:
        if len(query.getlist(key)) > 1:
            raise BadInput(key, "appears more than once")
    roles_text = query.get("roles", "")
    roles: dict[str, str] = {}
    for pair in filter(None, roles_text.split(",")):
        code, sep, role = pair.partition(":")
        if not sep:
            raise BadInput("roles", f"{pair!r} is not of the form code:role")
        if code in roles:
            raise BadInput(f"roles.{code}", "appears more than once")
        roles[code] = role
    matter = query.get("matter")
    # Check roles and matter first: the facts can only be read once the matter is known.
    parse_situation({"roles": roles, "matter": matter})
    facts = {}
    known = vocabulary().matters[matter].facts
    for key, text in query.items():
        if key in ("roles", "matter"):
            continue
        fact = known.get(key)
        facts[key] = value_from_text(fact, text) if fact else text
    return parse_situation({"roles": roles, "matter": matter, "facts": facts})


def outcome_url(situation: dict) -> str:
    return f"{reverse('ask:outcome')}?{situation_to_query(situation)}"


# --- An outcome in words ------------------------------------------------------------------

NEXT_STEPS = {
    "must-declare": "Declare this",
    "needs-permission": "Ask for permission",
}


def clause_url(ref: str) -> str:
    code, _, clause = ref.partition(":")
    return f"/codes/{quote(code)}/{quote(clause)}"


def clause_title(ref: str) -> str:
    code, _, clause = ref.partition(":")
    where = f"clause {clause}" if clause[:1].isdigit() else clause.replace("-", " ")
    return f"{code_name(code)}, {where}"


def outcome_for_page(situation: Situation) -> dict:
    """The engine's outcome in the words and links of the outcome page."""
    outcome = decide(situation)
    words = vocabulary()
    query = situation_to_query(situation._asdict())
    matter = words.matters[situation.matter]
    citations = []
    for citation in outcome["citations"]:
        ref = citation["clause"]
        try:
            heading = find_clause(ref).heading
        except BadInput:
            heading = ""
        citations.append(
            {
                "ref": ref,
                "url": clause_url(ref),
                "title": clause_title(ref),
                "heading": heading,
                "text": citation["text"],
            }
        )
    codes = []
    for code, state in outcome["codes"].items():
        codes.append(
            {
                "id": code,
                "name": code_name(code),
                "role": role_label(situation.roles[code]),
                "applies": state == "applies",
                "why": outcome.get("why", {}).get(code, ""),
            }
        )
    next_step = None
    if outcome["decision"] in NEXT_STEPS:
        next_step = {
            "label": NEXT_STEPS[outcome["decision"]],
            "url": f"/declarations/new?{query}",
        }
    return {
        "decision": outcome["decision"],
        "decision_label": words.decision_labels[outcome["decision"]],
        "matter_title": matter.title,
        "known": [
            {"question": fact.question, "answer": answer_label(fact, situation.facts[name])}
            for name, fact in matter.facts.items()
            if name in situation.facts
        ],
        "authorities": [_sentence_case(words.authorities[a]) for a in outcome["authority"]],
        "actions": [
            {
                "text": action["text"],
                "clauses": [
                    {"ref": ref, "url": clause_url(ref)} for ref in action.get("clauses", ())
                ],
            }
            for action in outcome["actions"]
        ],
        "citations": citations,
        "codes": codes,
        "questions": [question["text"] for question in outcome["questions"]],
        "next_step": next_step,
        "query": query,
    }


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]
