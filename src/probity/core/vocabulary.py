"""The guidance engine's vocabulary (data/vocabulary.yaml): roles, decisions, matters, facts."""

from __future__ import annotations

from collections import namedtuple
from functools import cache

from probity.core.datafiles import read_yaml


class Fact(namedtuple("Fact", "name question type answers labels", defaults=((), ()))):
    """A fact of a matter; type is "choice" (one of answers), "bool" or "number"."""

    __slots__ = ()

    def as_question(self) -> dict:
        """The spec's question shape: allowed answers, or the type for a number."""
        question: dict = {"fact": self.name, "text": self.question}
        if self.type == "number":
            question["type"] = "number"
        else:
            question["answers"] = list(self.possible_values())
        return question

    def possible_values(self) -> tuple:
        return (True, False) if self.type == "bool" else self.answers


Matter = namedtuple("Matter", "id title facts")


class Vocabulary(
    namedtuple(
        "Vocabulary",
        "roles decisions decision_labels authorities actions record_places matters",
    )
):
    """The spec's words: roles, decisions (least strict first), authorities, matters."""

    __slots__ = ()

    def strictness(self, decision: str) -> int:
        return self.decisions.index(decision)


@cache
def vocabulary() -> Vocabulary:
    raw = read_yaml("vocabulary.yaml")
    return Vocabulary(
        roles=dict(raw["roles"]),
        decisions=tuple(raw["decisions"]),
        decision_labels=dict(raw["decisions"]),
        authorities=dict(raw["authorities"]),
        actions=frozenset(raw["actions"]),
        record_places=dict(raw["record_places"]),
        matters={matter_id: _matter(matter_id, spec) for matter_id, spec in raw["matters"].items()},
    )


def _matter(matter_id: str, spec: dict) -> Matter:
    facts = {}
    for name, fact in (spec.get("facts") or {}).items():
        answers = fact.get("answers") or {}
        facts[name] = Fact(
            name=name,
            question=fact["question"],
            type=fact.get("type", "choice"),
            answers=tuple(answers),
            labels=tuple(answers.items()),
        )
    return Matter(id=matter_id, title=spec["title"], facts=facts)
