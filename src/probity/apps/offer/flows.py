"""One question a page, GOV.UK style, for the calculators and the flexible-working request.

A flow is a list of core `Question`s. Answers live in the session as typed in (so a page shows
exactly what was entered) and are checked one at a time by the same parser the CLI and API
use; the check-your-answers page lists them with Change links.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from probity.core.entitlements.inputs import (
    CHOICE,
    CHOICES,
    DATE,
    DATE_RANGES,
    DECIMAL,
    DECIMALS,
    TEXT,
    WHOLE,
    Question,
    parse_answer,
)
from probity.core.errors import BadInput

DATE_PARTS = ("day", "month", "year")
ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


@dataclass
class Page:
    """What a question page shows: the question, the value as typed and any error."""

    question: Question
    value: Any  # str; list for CHOICES; {"day","month","year"} for DATE
    error: str = ""

    @property
    def template(self) -> str:
        return {
            DATE: "offer/_date.html",
            CHOICE: "offer/_choices.html",
            CHOICES: "offer/_choices.html",
            DECIMALS: "offer/_textarea.html",
            DATE_RANGES: "offer/_textarea.html",
            TEXT: "offer/_textarea.html",
        }.get(self.question.kind, "offer/_input.html")

    @property
    def hint(self) -> str:
        """The question's hint, with dates written as the day, month and year boxes take them."""
        if self.question.kind != DATE:
            return self.question.hint
        return ISO_DATE.sub(lambda m: f"{int(m[3])} {int(m[2])} {m[1]}", self.question.hint)

    @property
    def input_mode(self) -> str:
        return "numeric" if self.question.kind == WHOLE else "decimal"

    @property
    def choice_kind(self) -> str:
        return "checkboxes" if self.question.kind == CHOICES else "radios"

    @property
    def first_input(self) -> str:
        """Where the error summary links: the day box of a date, the first radio."""
        if self.question.kind == DATE:
            return f"{self.question.name}-day"
        return self.question.name

    @property
    def prefix(self) -> str:
        return "£" if self.question.unit == "GBP" else ""

    @property
    def suffix(self) -> str:
        return "" if self.question.unit in ("", "GBP") else self.question.unit

    def choices(self) -> list[dict]:
        chosen = self.value if isinstance(self.value, list) else [self.value]
        return [
            {
                "value": value,
                "label": label,
                "id": self.question.name if index == 0 else f"{self.question.name}-{index + 1}",
                "checked": value in chosen,
            }
            for index, (value, label) in enumerate(self.question.choices)
        ]


@dataclass
class Problems:
    """A page's errors in the shape the shared _error_summary.html reads as `form`."""

    error_links: list[dict]  # {"href": "#input-id", "text": message}

    @property
    def errors(self) -> list[dict]:
        return self.error_links


def page_problems(pages: list[Page]) -> Problems:
    return Problems([{"href": f"#{p.first_input}", "text": p.error} for p in pages if p.error])


def applicable(questions: list[Question], answers: dict) -> list[Question]:
    return [question for question in questions if question.applies(answers)]


def question_get(questions: list[Question], name: str) -> Question:
    for question in questions:
        if question.name == name:
            return question
    raise BadInput("question", f"no question {name!r}")


def next_question(questions: list[Question], answers: dict, after: str | None) -> Question | None:
    """The next question that applies, given the answers so far; None: check the answers."""
    names = [question.name for question in questions]
    start = names.index(after) + 1 if after in names else 0
    for question in questions[start:]:
        if question.applies(answers):
            return question
    return None


def first_unanswered(questions: list[Question], answers: dict) -> Question | None:
    for question in applicable(questions, answers):
        if question.name not in answers and question.required and question.default is None:
            return question
    return None


def read_post(question: Question, post) -> Any:
    """The answer as typed, from a submitted question page."""
    if question.kind == DATE:
        return {part: post.get(f"{question.name}-{part}", "").strip() for part in DATE_PARTS}
    if question.kind == CHOICES:
        return post.getlist(question.name)
    return post.get(question.name, "").strip()


def check(question: Question, typed: Any) -> str:
    """'' if the typed answer is acceptable, else the message to show."""
    try:
        value = _as_text(question, typed)
        if value in ("", []):
            if question.required and question.default is None:
                return _missing(question)
            return ""
        parse_answer(question, value)
    except BadInput as error:
        return f"{question.subject} {error.message}"
    return ""


def answers_for_core(questions: list[Question], typed: dict) -> dict:
    """The answers that apply, as the core's parser reads them (blank ones left out)."""
    result = {}
    for question in applicable(questions, typed):
        if question.name in typed:
            value = _as_text(question, typed[question.name])
            if value not in ("", []):
                result[question.name] = value
    return result


def shown(question: Question, typed: Any) -> str:
    """An answer on the check-your-answers page."""
    value = _as_text(question, typed)
    if value in ("", [], None):
        return "Not given"
    labels = dict(question.choices)
    if question.kind == CHOICE:
        return labels.get(value, value)
    if question.kind == CHOICES:
        return ", ".join(labels.get(item, item) for item in value)
    if question.kind == DATE:  # as GOV.UK writes dates: 1 April 2015
        day = datetime.date.fromisoformat(value)
        return f"{day.day} {day:%B %Y}"
    if question.unit == "GBP":
        return f"£{value}"
    return f"{value} {question.unit}".strip()


def _as_text(question: Question, typed: Any) -> Any:
    if question.kind == DATE and isinstance(typed, dict):
        parts = [typed.get(part, "") for part in DATE_PARTS]
        if not any(parts):
            return ""
        day, month, year = parts
        if not all(parts):
            missing = [name for name, part in zip(DATE_PARTS, parts, strict=True) if not part]
            raise BadInput(question.name, f"must include a {' and '.join(missing)}")
        try:
            return datetime.date(int(year), int(month), int(day)).isoformat()
        except ValueError:
            raise BadInput(question.name, "must be a real date, like 27 3 2025") from None
    return typed if typed is not None else ""


def _missing(question: Question) -> str:
    if question.kind in (CHOICE, CHOICES):
        return "Select an answer"
    if question.kind == DATE:
        return "Enter a date"
    if question.kind in (DECIMAL, WHOLE):
        return "Enter a number"
    return "Enter an answer"
