"""Plain-text rendering of outcomes, codes and clauses for people at a terminal."""

from __future__ import annotations

import textwrap

from probity.core.codes import Clause, Code, find_clause
from probity.core.vocabulary import vocabulary

WIDTH = 88


def format_outcome(outcome: dict) -> str:
    vocab = vocabulary()
    decision = outcome["decision"]
    lines = [f"Decision: {vocab.decision_labels[decision]} ({decision})"]
    if outcome["authority"]:
        who = ", ".join(vocab.authorities[a] for a in outcome["authority"])
        lines.append(f"Who to ask or tell: {who}")
    if outcome["actions"]:
        lines.append("What to do:")
        for number, action in enumerate(outcome["actions"], 1):
            refs = ", ".join(action.get("clauses", ()))
            lines.append(_wrapped(f"{number}. {action['text']} [{refs}]", "   "))
    lines.extend(_codes_lines(outcome))
    if outcome["questions"]:
        lines.append("Still to answer (the decision may change):")
        for question in outcome["questions"]:
            answers = ", ".join(map(_answer, question.get("answers", ()))) or "a number"
            lines.append(_wrapped(f"- {question['text']} ({question['fact']}: {answers})", "  "))
    if outcome["citations"]:
        lines.append("Clauses:")
        for citation in outcome["citations"]:
            clause = find_clause(citation["clause"])
            lines.append(f"  {clause.ref} — {clause.heading}")
            lines.append(_wrapped(f'"{citation["text"]}"', "    "))
    return "\n".join(lines)


def _answer(value) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _codes_lines(outcome: dict) -> list[str]:
    lines = []
    for code_id, state in outcome["codes"].items():
        reason = outcome.get("why", {}).get(code_id)
        lines.append(_wrapped(f"- {code_id}: {state}" + (f". {reason}" if reason else ""), "  "))
    return ["Codes:", *lines]


def format_clause(clause: Clause) -> str:
    where = clause.heading + (f" (part of {clause.code}:{clause.parent})" if clause.parent else "")
    return f"{clause.ref} — {where}\n\n{_paragraphs(clause.text, '')}"


def format_code(code: Code) -> str:
    roles = ", ".join(sorted(code.roles))
    lines = [
        f"{code.title}",
        f"{code.issuer} · {code.id} · revision {code.revision}",
        f"Covers: {roles} ({code.id}:{code.scope_clause})",
        "",
    ]
    heading = None
    for clause in code.clauses.values():
        if clause.heading != heading:
            heading = clause.heading
            lines.append(f"== {heading} ==")
        lines.append(f"[{clause.id}]")
        lines.append(_paragraphs(clause.text, "  "))
    return "\n".join(lines)


def _paragraphs(text: str, indent: str) -> str:
    return "\n".join(_wrapped(line, indent) for line in text.splitlines() if line.strip())


def _wrapped(text: str, indent: str) -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent + "  ")
