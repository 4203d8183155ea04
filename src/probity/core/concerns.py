"""Concerns: the kinds a person may raise, where each goes, its deadlines and receipt codes.

Plain Python on data/concerns.yaml; the Django app `probity.apps.concerns` resolves the
route's authorities to people.

    route_candidates("impropriety", reporter_known=True, subject_known=True)
    → [RouteStep("line-manager", "reporter"), RouteStep("monitoring-officer", ""), ...]
"""

from __future__ import annotations

import calendar
import datetime
import re
import secrets
from dataclasses import dataclass
from functools import cache

from probity.core.codes import find_clause
from probity.core.datafiles import read_yaml
from probity.core.errors import BadData, BadInput

# Crockford's base32 without I, L, O and U: nothing a frightened reader can misread.
RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RECEIPT_GROUPS = 4
RECEIPT_GROUP_LENGTH = 4  # 16 characters: 80 random bits
PASSPHRASE_MIN_LENGTH = 10


@dataclass(frozen=True)
class RouteStep:
    authority: str
    of: str  # "reporter", "subject", or "" for an office of the organisation


@dataclass(frozen=True)
class ConcernKind:
    id: str
    title: str
    clauses: tuple[str, ...]
    route: tuple[RouteStep, ...]
    retention_days: int


@dataclass(frozen=True)
class Decision:
    id: str
    title: str
    adverse: bool  # needs a right of reply first and may be reviewed
    clause: str


@dataclass(frozen=True)
class Deadlines:
    acknowledge_days: int
    feedback_months: int


@cache
def _data() -> dict:
    return read_yaml("concerns.yaml")


@cache
def concern_kinds() -> dict[str, ConcernKind]:
    kinds = {}
    for raw in _data()["kinds"]:
        for ref in raw["clauses"]:
            try:
                find_clause(ref)
            except (KeyError, ValueError, BadInput) as error:
                raise BadData(f"concerns.yaml: kind {raw['id']} cites {ref}: {error}") from None
        route = tuple(RouteStep(step["authority"], step.get("of", "")) for step in raw["route"])
        kinds[raw["id"]] = ConcernKind(
            id=raw["id"],
            title=raw["title"],
            clauses=tuple(raw["clauses"]),
            route=route,
            retention_days=int(raw["retention_days"]),
        )
    return kinds


def kinds_for_codes(code_ids: list[str]) -> list[ConcernKind]:
    """The kinds whose clauses come from any of these codes (an organisation's adopted
    codes), in the data file's order; every kind when none does."""
    adopted = set(code_ids)
    kinds = [
        kind
        for kind in concern_kinds().values()
        if any(ref.partition(":")[0] in adopted for ref in kind.clauses)
    ]
    return kinds or list(concern_kinds().values())


def concern_kind(kind_id: str) -> ConcernKind:
    try:
        return concern_kinds()[kind_id]
    except KeyError:
        raise BadInput(
            "kind", f"unknown kind of concern {kind_id!r}; known: {', '.join(concern_kinds())}"
        ) from None


@cache
def triage_outcomes() -> dict[str, str]:
    return dict(_data()["triage_outcomes"])


@cache
def decisions() -> dict[str, Decision]:
    return {
        key: Decision(key, raw["title"], bool(raw["adverse"]), raw.get("clause", ""))
        for key, raw in _data()["decisions"].items()
    }


def default_deadlines() -> Deadlines:
    raw = _data()["deadlines"]
    return Deadlines(int(raw["acknowledge_days"]), int(raw["feedback_months"]))


def unrouted_assigners() -> tuple[str, ...]:
    """The offices whose holders assign a case nobody could be routed to."""
    return tuple(_data().get("assign_unrouted", ()))


def route_candidates(kind_id: str, *, reporter_known: bool, subject_known: bool) -> list[RouteStep]:
    """The authorities to try, in order, for a concern of this kind. A step relative to the
    reporter is skipped when the reporter is anonymous (they have no line manager we may
    know of); a step relative to the subject when nobody in the organisation is named."""
    steps = []
    for step in concern_kind(kind_id).route:
        if step.of == "reporter" and not reporter_known:
            continue
        if step.of == "subject" and not subject_known:
            continue
        steps.append(step)
    return steps


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day (31 January + 1 → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_dates(received: datetime.date, deadlines: Deadlines) -> tuple[datetime.date, datetime.date]:
    """(acknowledge by, feedback by) for a concern received on `received`."""
    acknowledge_by = received + datetime.timedelta(days=deadlines.acknowledge_days)
    return acknowledge_by, add_months(received, deadlines.feedback_months)


def receipt_code_new() -> str:
    """A random receipt code such as 7KQ2-M9XD-4TRB-H0WE (from `secrets`, 80 bits)."""
    chars = "".join(
        secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_GROUPS * RECEIPT_GROUP_LENGTH)
    )
    return "-".join(
        chars[i : i + RECEIPT_GROUP_LENGTH] for i in range(0, len(chars), RECEIPT_GROUP_LENGTH)
    )


_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def receipt_code_normalise(text: str) -> str:
    """The receipt code as typed (any case, spaces or dashes, O for 0) in its canonical form;
    empty when it cannot be one."""
    chars = re.sub(r"[\s\-]", "", (text or "").upper()).translate(_CONFUSABLE)
    if len(chars) != RECEIPT_GROUPS * RECEIPT_GROUP_LENGTH or any(
        c not in RECEIPT_ALPHABET for c in chars
    ):
        return ""
    return "-".join(
        chars[i : i + RECEIPT_GROUP_LENGTH] for i in range(0, len(chars), RECEIPT_GROUP_LENGTH)
    )


def passphrase_problem(passphrase: str) -> str:
    """Why a passphrase will not do, or empty when it will."""
    if len((passphrase or "").strip()) < PASSPHRASE_MIN_LENGTH:
        return (
            f"Your passphrase must be at least {PASSPHRASE_MIN_LENGTH} characters: "
            "try three or four words you will remember"
        )
    return ""
