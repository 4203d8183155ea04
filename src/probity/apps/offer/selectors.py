"""Reads for the offer pages: the offer's sections by the source's own grouping, its contacts,
search within it, the calculators per section, and flexible-working requests."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone

from probity.apps.codes.selectors import clause_search
from probity.apps.offer.models import AgreedArrangement, FlexibleWorkingRequest, Status
from probity.apps.people.models import Person
from probity.apps.people.selectors import person_managers
from probity.core.codes import Clause, Code, load_code
from probity.core.entitlements import CALCULATORS, Calculator
from probity.core.errors import BadInput
from probity.core.flexible import weekday_numbers

OFFER = "hmpps-offer"

# Contact details as the offer writes them: mailboxes, UK phone numbers, web addresses.
EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
PHONE = r"\b0\d{3} ?\d{3} ?\d{4}\b|\b0\d{3} ?\d{7}\b"
WEB = r"https?://[^\s)]+[^\s).,;]|www\.[^\s)]+[^\s).,;]"
CONTACT = re.compile(f"(?P<email>{EMAIL})|(?P<phone>{PHONE})|(?P<web>{WEB})")


@dataclass(frozen=True)
class Contact:
    kind: str  # email, phone, web
    text: str
    href: str
    section: Clause


@dataclass(frozen=True)
class Group:
    title: str
    sections: list[Clause]


def offer_code() -> Code:
    return load_code(OFFER)


def offer_groups() -> list[Group]:
    """The sections under the source's own contents headings (groups in hmpps-offer.yaml)."""
    code = offer_code()
    return [Group(title, [code.clause(cid) for cid in ids]) for title, ids in code.groups]


def offer_ungrouped() -> list[Clause]:
    """Sections outside the contents list (the foreword)."""
    grouped = {cid for _title, ids in offer_code().groups for cid in ids}
    return [clause for clause in offer_code().clauses.values() if clause.id not in grouped]


def offer_section(section_id: str) -> Clause:
    return offer_code().clause(section_id)  # BadInput for an unknown section


def group_of(section: Clause) -> str | None:
    return next((title for title, ids in offer_code().groups if section.id in ids), None)


def section_calculators(section: Clause) -> list[Calculator]:
    return [found for found in CALCULATORS.values() if found.section == section.id]


def contact_href(kind: str, text: str) -> str:
    if kind == "email":
        return f"mailto:{text}"
    if kind == "phone":
        return "tel:+44" + text.replace(" ", "")[1:]
    return text if text.startswith("http") else f"https://{text}"


def offer_contacts() -> list[Contact]:
    """Every helpline, mailbox and web address the offer gives, with the section it is in."""
    found = []
    for section in offer_code().clauses.values():
        for match in CONTACT.finditer(section.text):
            kind = match.lastgroup
            found.append(Contact(kind, match.group(), contact_href(kind, match.group()), section))
    return found


def offer_search(query: str):
    """The codes' own search, limited to the offer."""
    return clause_search(query=query, code_id=OFFER)


# --- flexible working --------------------------------------------------------------------------


@dataclass(frozen=True)
class Arrangement:
    """An agreed working arrangement in the shape a rostering tool reads."""

    request_id: int
    pattern: str
    hours_per_week: Decimal | None
    fixed_rest_days: list[str]  # weekday names, Monday first
    fixed_rest_weekdays: list[int]  # ISO weekday numbers (Monday 1)
    term_time: bool
    start_date: datetime.date
    end_date: datetime.date | None


def agreed_arrangements(person: Person, on: datetime.date | None = None) -> list[Arrangement]:
    """The arrangements agreed for a person that are in force on a date or start later,
    earliest first: what a rostering tool must honour."""
    on = on or timezone.localdate()
    rows = AgreedArrangement.objects.filter(person=person).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on)
    )
    return [
        Arrangement(
            request_id=row.request_id,
            pattern=row.pattern,
            hours_per_week=row.hours_per_week,
            fixed_rest_days=list(row.fixed_rest_days),
            fixed_rest_weekdays=weekday_numbers(row.fixed_rest_days),
            term_time=row.term_time,
            start_date=row.start_date,
            end_date=row.end_date,
        )
        for row in rows.order_by("start_date", "pk")
    ]


def requests_of(person: Person) -> QuerySet[FlexibleWorkingRequest]:
    return FlexibleWorkingRequest.objects.filter(person=person).select_related("decider")


def requests_to_decide(person: Person) -> QuerySet[FlexibleWorkingRequest]:
    return (
        FlexibleWorkingRequest.objects.filter(decider=person, status=Status.SUBMITTED)
        .select_related("person")
        .order_by("decide_by", "pk")
    )


def decider_for(person: Person) -> Person | None:
    """Who would decide a request the person makes now: their nearest active line manager."""
    return next(person_managers(person), None)


def may_decide(person: Person | None, request: FlexibleWorkingRequest) -> bool:
    """The line manager at the time of the request, or anyone above the applicant now."""
    if person is None or person.pk == request.person_id:
        return False
    if person.pk == request.decider_id:
        return True
    return any(manager.pk == person.pk for manager in person_managers(request.person))


def request_for(person: Person | None, pk: int) -> FlexibleWorkingRequest:
    """A request its applicant or a manager who may decide it can see; others cannot."""
    try:
        request = FlexibleWorkingRequest.objects.select_related(
            "person", "decider", "decided_by"
        ).get(pk=pk)
    except FlexibleWorkingRequest.DoesNotExist:
        raise BadInput("request", f"no flexible working request {pk}") from None
    if person is None or (person.pk != request.person_id and not may_decide(person, request)):
        raise PermissionDenied("Only the applicant and their line managers can see this request.")
    return request


def request_arrangement(request: FlexibleWorkingRequest) -> AgreedArrangement | None:
    return AgreedArrangement.objects.filter(request=request).first()
