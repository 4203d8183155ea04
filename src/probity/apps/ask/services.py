"""Writes for the interview: each answer changes the interview kept in the session.

Nothing here is stored in the database: the interview lives in the person's session, and an
outcome is shared by an address that encodes the situation alone (selectors.outcome_url).
Answers reach these functions already checked by the core (see forms.py).
"""

from __future__ import annotations

from dataclasses import replace

from probity.apps.ask.selectors import (
    DONT_KNOW,
    SESSION_KEY,
    Interview,
    implied_role,
    interview_get,
)
from probity.core.codes import code_ids


def _save(session, interview: Interview) -> Interview:
    session[SESSION_KEY] = interview.as_session()
    return interview


def interview_start(*, session) -> Interview:
    """A new question: who the person is is remembered; the matter and its answers are not."""
    interview = interview_get(session=session)
    return _save(session, Interview(codes=interview.codes, roles=interview.roles))


def interview_codes_choose(*, session, codes: list[str]) -> Interview:
    """The codes that bind the person; a role already given under a code is kept."""
    interview = interview_get(session=session)
    chosen = tuple(code for code in code_ids() if code in codes)
    roles = {code: role for code, role in interview.roles.items() if code in chosen}
    for code in chosen:
        implied = implied_role(code)
        if implied:
            roles[code] = implied
    return _save(session, replace(interview, codes=chosen, roles=roles))


def interview_role_choose(*, session, code: str, role: str) -> Interview:
    interview = interview_get(session=session)
    return _save(session, replace(interview, roles={**interview.roles, code: role}))


def interview_matter_choose(*, session, matter: str) -> Interview:
    """What the question is about; choosing another matter forgets the old matter's answers."""
    interview = interview_get(session=session)
    if matter == interview.matter:
        return interview
    return _save(session, replace(interview, matter=matter, facts={}, unknown=(), asked=()))


def interview_answer(*, session, fact: str, value) -> Interview:
    """A fact's answer, or DONT_KNOW to leave it unknown and move on."""
    interview = interview_get(session=session)
    facts = {name: known for name, known in interview.facts.items() if name != fact}
    unknown = tuple(name for name in interview.unknown if name != fact)
    if value == DONT_KNOW:
        unknown = (*unknown, fact)
    else:
        facts[fact] = value
    asked = interview.asked if fact in interview.asked else (*interview.asked, fact)
    return _save(session, replace(interview, facts=facts, unknown=unknown, asked=asked))
