"""Offices an organisation fills: the authorities of the codes that are posts, not relations.

`line-manager`, `manager` and `responsible-manager` are relations between two people (a
person's line manager); `court` is an outside body. The rest are offices that an organisation
fills with one or more people (several directors) or leaves vacant. `responsible-manager` is
also an office, for volunteers who have no line manager of their own (moj-volunteers), and
`register-keeper` keeps a register (declarations are copied to them).
"""

from __future__ import annotations

from probity.core.vocabulary import vocabulary

# Authorities that resolve along the line-management chain, not to an office.
MANAGERIAL = ("line-manager", "manager", "responsible-manager")
OUTSIDE_BODIES = ("court",)
REGISTER_KEEPER = "register-keeper"

OFFICE_LABELS = {
    "director": "Director",
    "chief-executive": "Chief Executive",
    "monitoring-officer": "Monitoring Officer",
    "board-secretary": "Secretary to the Board",
    "human-resources": "Human Resources",
    "finance-and-administration-manager": "Finance and Administration Manager",
    "responsible-manager": "Responsible manager (volunteers, agency and sessional workers)",
    REGISTER_KEEPER: "Register keeper",
}


def office_ids() -> tuple[str, ...]:
    """Every office: the vocabulary's authorities that are posts, then the register keeper."""
    authorities = [
        authority
        for authority in vocabulary().authorities
        if authority not in ("line-manager", "manager", *OUTSIDE_BODIES)
    ]
    return (*authorities, REGISTER_KEEPER)


def office_choices() -> list[tuple[str, str]]:
    return [(office, OFFICE_LABELS.get(office, office)) for office in office_ids()]


def office_label(office: str) -> str:
    return OFFICE_LABELS.get(office) or vocabulary().authorities.get(office, office)


def role_choices() -> list[tuple[str, str]]:
    return list(vocabulary().roles.items())
