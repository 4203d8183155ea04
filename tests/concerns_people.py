"""An organisation with everyone a concern can involve, for the concerns tests.

chief (Chief Executive)
├── monitoring (Monitoring Officer)      secretary (Secretary to the Board, under chief)
├── senior ── manager ── worker, colleague
│          └── volunteers (responsible manager) ── volunteer
└── keeper (register keeper), hr (Human Resources)
member: a board member (no line manager)
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model

from probity.apps.concerns.services import case_report
from probity.apps.people.models import AdoptedCode, OfficeHolder, Organisation, Person

PASSWORD = "correct horse battery staple"
TODAY = datetime.date(2026, 11, 23)


class People(dict):
    """Person by short name; .organisation."""

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None


def make_people(slug: str = "essex") -> People:
    organisation = Organisation.objects.create(name=slug.title(), slug=slug)
    for code in ("essex-probation", "moj-volunteers", "opcc"):
        AdoptedCode.objects.create(organisation=organisation, code_id=code)
    people = People()
    people.organisation = organisation

    def person(key, manager=None, office=None):
        user = get_user_model().objects.create_user(
            username=f"{slug}-{key}", password=PASSWORD, email=f"{key}@{slug}.test"
        )
        people[key] = Person.objects.create(
            organisation=organisation,
            user=user,
            name=f"{key.title()} {slug.title()}",
            email=f"{key}@{slug}.test",
            staff_number=f"{slug}-{key}",
            line_manager=people.get(manager),
            start_date=datetime.date(2020, 1, 1),
        )
        if office:
            OfficeHolder.objects.create(
                organisation=organisation, office=office, person=people[key]
            )

    person("chief", office="chief-executive")
    person("monitoring", "chief", office="monitoring-officer")
    person("secretary", "chief", office="board-secretary")
    person("hr", "chief", office="human-resources")
    person("keeper", "chief", office="register-keeper")
    person("senior", "chief")
    person("manager", "senior")
    person("worker", "manager")
    person("colleague", "manager")
    person("volunteers", "senior", office="responsible-manager")
    person("volunteer", "volunteers")
    person("member")
    return people


def report(people, kind="impropriety", by="worker", subject=None, **kwargs):
    """The case made by a concern reported through the service (named unless told)."""
    kwargs.setdefault("treatment", "named")
    return case_report(
        organisation=people.organisation,
        kind=kind,
        what=kwargs.pop("what", "Expenses claimed for a trip that did not happen."),
        actor=people[by] if by else None,
        subject=people[subject] if subject else None,
        today=kwargs.pop("today", TODAY),
        **kwargs,
    )[0]
