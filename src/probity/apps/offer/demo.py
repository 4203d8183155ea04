"""Demo flexible-working requests for `probity demo` (hmpps-offer:flexible-working).

In HMP Example (demo) a Prison Officer's request waits for her line manager's decision, and the
line manager's own request for fixed rest days has been approved, so the pages (and the
arrangement rostering reads) have something to show. Made through the services, so each has
its audit entry; made once a person, so running the demo again changes nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from probity.apps.offer.models import FlexibleWorkingRequest
from probity.apps.offer.services import flexible_working_apply, flexible_working_decide
from probity.apps.people.models import Person

ORGANISATION = "hmp-example-demo"
WAITING = "hmp008"  # Jade Robinson, Prison Officer; her line manager decides
APPROVED = "hmp007"  # Carl Young, Custodial Manager; approved by his line manager
# The demo's addresses go nowhere, and the console backend would print each email among the
# demo's own output: the demo's requests send none.
NO_EMAIL = "django.core.mail.backends.dummy.EmailBackend"


def flexible_working_demo() -> list[str]:
    """Load the demo requests if they are not there yet; what it made, in words."""
    people = {
        person.staff_number: person
        for person in Person.objects.filter(
            organisation__slug=ORGANISATION,
            organisation__is_demo=True,
            staff_number__in=(WAITING, APPROVED),
        ).select_related("line_manager")
    }
    made = []
    today = timezone.localdate()
    with override_settings(EMAIL_BACKEND=NO_EMAIL), transaction.atomic():
        waiting = people.get(WAITING)
        if waiting and not FlexibleWorkingRequest.objects.filter(person=waiting).exists():
            flexible_working_apply(
                person=waiting,
                pattern="compressed-hours",
                hours_per_week=Decimal(37),
                fixed_rest_days=["friday"],
                start_date=_first_of_month(today, ahead=2),
                reason="Four longer shifts Monday to Thursday, so I can care for my father "
                "on Fridays. Colleagues on the wing have said they would swap Fridays.",
                today=today,
            )
            made.append(
                f"{waiting.name} has asked for compressed hours: "
                f"{waiting.line_manager.name} has it to decide at /flexible-working/to-decide."
            )
        approved = people.get(APPROVED)
        if approved and not FlexibleWorkingRequest.objects.filter(person=approved).exists():
            request = flexible_working_apply(
                person=approved,
                pattern="fixed-rest-days",
                fixed_rest_days=["saturday", "sunday"],
                start_date=_first_of_month(today, ahead=1),
                reason="Weekends at home while my children are young; I will cover two "
                "weekday late shifts instead.",
                today=today,
            )
            flexible_working_decide(
                request=request, actor=approved.line_manager, decision="approve"
            )
            made.append(
                f"{approved.name}'s fixed rest days (Saturday and Sunday) are agreed: "
                "see /flexible-working."
            )
    return made


def _first_of_month(today: datetime.date, ahead: int) -> datetime.date:
    months = today.month - 1 + ahead
    return datetime.date(today.year + months // 12, months % 12 + 1, 1)
