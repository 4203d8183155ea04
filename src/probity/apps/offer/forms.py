"""The flexible-working request's questions, one a page (flows.py), and the decision form."""

from __future__ import annotations

from probity.core.entitlements.inputs import (
    CHOICE,
    CHOICES,
    DATE,
    DECIMAL,
    TEXT,
    Question,
)
from probity.core.flexible import WEEKDAYS, patterns

YES_NO = (("yes", "Yes"), ("no", "No"))
REASON_LENGTH = 5000


def request_questions() -> list[Question]:
    return [
        Question(
            "pattern",
            CHOICE,
            "Which flexible working pattern are you asking for?",
            choices=tuple((pattern.id, pattern.title) for pattern in patterns().values()),
        ),
        Question(
            "hours_per_week",
            DECIMAL,
            "How many hours a week would you work?",
            hint="For example 30. Leave blank to keep your current hours.",
            required=False,
            unit="hours",
        ),
        Question(
            "fixed_rest_days",
            CHOICES,
            "Which days would be your fixed rest days?",
            hint="Select all that apply. Leave all unticked if you are not asking for fixed "
            "rest days.",
            required=False,
            choices=WEEKDAYS,
        ),
        Question(
            "term_time",
            CHOICE,
            "Would you work school terms only?",
            choices=YES_NO,
        ),
        Question(
            "start_date",
            DATE,
            "When would you like the pattern to start?",
            hint="For example 1 9 2026.",
        ),
        Question(
            "end_date",
            DATE,
            "When would the pattern end?",
            hint="Leave blank if it would not end.",
            required=False,
        ),
        Question(
            "reason",
            TEXT,
            "How would the pattern work for you and your team?",
            hint="Your line manager decides locally, subject to the needs of the prison.",
            max_length=REASON_LENGTH,
        ),
    ]


DECISION_QUESTIONS = [
    Question(
        "decision",
        CHOICE,
        "What is your decision?",
        choices=(
            ("approve", "Approve the request as asked"),
            ("approve-with-changes", "Approve with changes"),
            ("refuse", "Refuse the request"),
        ),
    ),
    Question(
        "reason",
        TEXT,
        "Reasons for your decision",
        hint="Needed to refuse or change a request. The applicant sees this.",
        required=False,
        max_length=REASON_LENGTH,
    ),
]
