"""The questions a calculator asks, and turning typed-in answers into dates and Decimals.

One description serves the CLI (options), the API (its request schema) and the web (one
question a page), so the three ask the same questions and refuse the same answers.
"""

from __future__ import annotations

import datetime
from collections import namedtuple
from decimal import Decimal, InvalidOperation

from probity.core.errors import BadInput

# kinds of answer
DATE = "date"
DECIMAL = "decimal"  # hours, money: never negative
WHOLE = "whole"  # whole numbers of years or weeks
CHOICE = "choice"
DECIMALS = "decimals"  # a list of hours
DATE_RANGES = "date-ranges"  # a list of first-day..last-day periods
CHOICES = "choices"  # several of the choices (e.g. weekdays)
TEXT = "text"  # free text, e.g. a reason

# Far beyond any real answer, well inside what date and Decimal arithmetic can carry.
EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2199, 12, 31)
LARGEST = Decimal(10) ** 9


class Question(
    namedtuple(
        "Question",
        "name kind label hint required default choices unit ask_if max_length noun",
        defaults=("", True, None, (), "", None, 0, ""),
    )
):
    """A question: its name, kind (DATE, DECIMAL, …), label (the question as a page heading),
    hint, whether it is required, the default when left blank, choices ((value, label) pairs),
    unit, ask_if (asked only when another answer is one of some values: (question name,
    values)), max_length (for TEXT) and noun (what an error message calls the answer; else
    the name in words). A named tuple, not a dataclass, for the CLI's cold start (result.py)."""

    __slots__ = ()

    @property
    def subject(self) -> str:
        return self.noun or self.name.replace("_", " ").capitalize()

    def applies(self, answers: dict[str, object]) -> bool:
        if self.ask_if is None:
            return True
        name, values = self.ask_if
        return answers.get(name) in values

    @property
    def choice_values(self) -> list[str]:
        return [value for value, _label in self.choices]


def parse_answers(questions: list[Question], raw: dict[str, object]) -> dict[str, object]:
    """Typed keyword arguments for a calculator; BadInput names the first field at fault."""
    known = {question.name for question in questions}
    for name in raw:
        if name not in known:
            raise BadInput(name, f"is not a question of this calculator ({', '.join(known)})")
    answers = {}
    for question in questions:
        value = raw.get(question.name)
        if _blank(value):
            if question.required and question.default is None:
                raise BadInput(question.name, f"answer '{question.label}'")
            continue  # the calculator's own default applies
        answers[question.name] = parse_answer(question, value)
    return answers


def parse_answer(question: Question, value: object) -> object:
    parse = _PARSERS[question.kind]
    return parse(question, value)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str | list | tuple) and not value)


def _date(question: Question, value: object) -> datetime.date:
    if isinstance(value, datetime.date):
        day = value
    else:
        try:
            day = datetime.date.fromisoformat(str(value).strip())
        except ValueError:
            message = f"must be a real date as YYYY-MM-DD, not {value!r}"
            raise BadInput(question.name, message) from None
    if not EARLIEST <= day <= LATEST:
        raise BadInput(question.name, f"must be between {EARLIEST} and {LATEST}, not {day}")
    return day


def _decimal(question: Question, value: object) -> Decimal:
    if isinstance(value, bool):
        raise BadInput(question.name, f"must be a number, not {value!r}")
    try:
        number = Decimal(str(value).strip().replace(",", "").lstrip("£"))
    except InvalidOperation:
        raise BadInput(question.name, f"must be a number, not {value!r}") from None
    if not number.is_finite():
        raise BadInput(question.name, f"must be a number, not {value!r}")
    if number < 0:
        raise BadInput(question.name, f"cannot be negative ({value})")
    if number >= LARGEST:
        raise BadInput(question.name, f"must be less than {LARGEST:,}")
    return number


def _whole(question: Question, value: object) -> int:
    number = _decimal(question, value)
    if number != number.to_integral_value():
        raise BadInput(question.name, f"must be a whole number, not {value!r}")
    return int(number)


def _choice(question: Question, value: object) -> str:
    text = str(value).strip()
    if text not in question.choice_values:
        known = ", ".join(question.choice_values)
        raise BadInput(question.name, f"must be one of {known}, not {value!r}")
    return text


def _choices(question: Question, value: object) -> list[str]:
    return [_choice(question, item) for item in _items(value)]


def _text(question: Question, value: object) -> str:
    text = str(value).strip()
    if question.max_length and len(text) > question.max_length:
        raise BadInput(question.name, f"must be {question.max_length} characters or fewer")
    return text


def _decimals(question: Question, value: object) -> list[Decimal]:
    return [_decimal(question, item) for item in _items(value)]


def _date_ranges(question: Question, value: object) -> list[tuple[datetime.date, datetime.date]]:
    periods = []
    for item in _items(value):
        if isinstance(item, list | tuple) and len(item) == 2:
            first, last = item
        elif isinstance(item, dict):
            first, last = item.get("first"), item.get("last")
        else:
            first, sep, last = _split_period(str(item))
            if not sep:
                raise BadInput(
                    question.name, f"give each period as FIRST..LAST (YYYY-MM-DD), not {item!r}"
                )
        first, last = _date(question, first), _date(question, last)
        if last < first:
            raise BadInput(question.name, f"the period {first}..{last} ends before it starts")
        periods.append((first, last))
    return periods


def _split_period(text: str) -> tuple[str, str, str]:
    """FIRST..LAST, or FIRST to LAST as a person types it on a phone."""
    for separator in ("..", " to "):
        first, sep, last = text.partition(separator)
        if sep:
            return first, sep, last
    return text, "", ""


def _items(value: object) -> list:
    """A list, or text with one item a line or comma-separated (what a person types)."""
    if isinstance(value, list | tuple):
        return [item for item in value if not _blank(item)]
    text = str(value).replace("\n", ",")
    return [part.strip() for part in text.split(",") if part.strip()]


_PARSERS = {
    DATE: _date,
    DECIMAL: _decimal,
    WHOLE: _whole,
    CHOICE: _choice,
    DECIMALS: _decimals,
    DATE_RANGES: _date_ranges,
    CHOICES: _choices,
    TEXT: _text,
}
