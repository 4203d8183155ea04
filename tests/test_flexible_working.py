"""Flexible-working requests (hmpps-offer:flexible-working): apply, the line manager decides
within the time limit, audit, emails, reminders, and the agreed arrangement for rostering."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied

from probity.apps.audit.models import AuditEntry
from probity.apps.offer.models import FlexibleWorkingRequest, Status
from probity.apps.offer.selectors import agreed_arrangements
from probity.apps.offer.services import (
    decide_by_date,
    flexible_working_apply,
    flexible_working_decide,
    flexible_working_remind,
    flexible_working_withdraw,
)
from probity.apps.people.models import Organisation, Person
from probity.core.errors import BadInput

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def _person(org, key, manager=None):
    user = get_user_model().objects.create_user(
        username=key, password=PASSWORD, email=f"{key}@prison.test"
    )
    return Person.objects.create(
        organisation=org,
        user=user,
        name=key.title(),
        email=f"{key}@prison.test",
        staff_number=key,
        line_manager=manager,
    )


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Emails go once the transaction commits: run a service call and then its emails."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


@pytest.fixture
def people():
    return make_people()


def make_people():
    """A governor, their manager, and two officers the manager line-manages."""
    org = Organisation.objects.create(name="HMP Example", slug="hmp-example")
    governor = _person(org, "governor")
    manager = _person(org, "manager", governor)
    officer = _person(org, "officer", manager)
    colleague = _person(org, "colleague", manager)
    return {"governor": governor, "manager": manager, "officer": officer, "colleague": colleague}


def _apply(person, **changes):
    fields = {
        "pattern": "fixed-rest-days",
        "start_date": datetime.date(2026, 1, 5),
        "reason": "School run on Mondays",
        "hours_per_week": Decimal(37),
        "fixed_rest_days": ["monday", "sunday"],
        "today": datetime.date(2025, 11, 3),
    }
    return flexible_working_apply(person=person, **{**fields, **changes})


def test_a_request_goes_to_the_line_manager_with_the_statutory_limit(people, committed):
    request = committed(_apply, people["officer"])
    assert request.decider == people["manager"]
    assert request.decide_by == datetime.date(2026, 1, 3)  # two months, the default
    assert request.fixed_rest_days == ["monday", "sunday"]
    assert AuditEntry.objects.filter(action="flexible_working_request.submitted").exists()
    assert mail.outbox[-1].to == ["manager@prison.test"]


def test_the_time_limit_is_a_setting(settings):
    settings.PROBITY_FLEXIBLE_WORKING_DECISION_MONTHS = 3
    assert decide_by_date(datetime.date(2025, 11, 30)) == datetime.date(2026, 2, 28)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"pattern": "four-day-weekends"}, "pattern"),
        ({"hours_per_week": Decimal(-1)}, "hours_per_week"),
        ({"fixed_rest_days": ["funday"]}, "fixed_rest_days"),
        ({"end_date": datetime.date(2025, 1, 1)}, "end_date"),
        ({"reason": " "}, "reason"),
    ],
)
def test_bad_requests_name_the_field(people, changes, field):
    with pytest.raises(BadInput) as caught:
        _apply(people["officer"], **changes)
    assert caught.value.field == field


def test_someone_without_a_line_manager_is_told(people):
    with pytest.raises(BadInput) as caught:
        _apply(people["governor"])
    assert caught.value.field == "person"


def test_approval_stores_the_arrangement_for_rostering(people, committed):
    request = _apply(people["officer"], term_time=True)
    committed(
        flexible_working_decide, request=request, actor=people["manager"].user, decision="approve"
    )
    request.refresh_from_db()
    assert request.status == Status.APPROVED
    [arrangement] = agreed_arrangements(people["officer"], on=datetime.date(2026, 1, 1))
    assert arrangement.fixed_rest_weekdays == [1, 7]
    assert arrangement.term_time is True
    assert arrangement.hours_per_week == Decimal(37)
    assert mail.outbox[-1].to == ["officer@prison.test"]
    assert AuditEntry.objects.filter(action="flexible_working_request.approved").exists()


def test_approval_with_changes_agrees_what_the_manager_changed(people):
    request = _apply(people["officer"])
    flexible_working_decide(
        request=request,
        actor=people["manager"],
        decision="approve-with-changes",
        reason="Tuesdays suit the regime better",
        changes={"fixed_rest_days": ["tuesday"]},
    )
    [arrangement] = agreed_arrangements(people["officer"], on=datetime.date(2026, 1, 1))
    assert arrangement.fixed_rest_days == ["tuesday"]


def test_refusal_needs_a_reason_and_agrees_nothing(people):
    request = _apply(people["officer"])
    with pytest.raises(BadInput) as caught:
        flexible_working_decide(request=request, actor=people["manager"], decision="refuse")
    assert caught.value.field == "reason"
    flexible_working_decide(
        request=request,
        actor=people["manager"],
        decision="refuse",
        reason="Not enough staff on Mondays",
    )
    assert agreed_arrangements(people["officer"]) == []


def test_only_a_line_manager_decides_and_only_once(people):
    request = _apply(people["officer"])
    with pytest.raises(PermissionDenied):
        flexible_working_decide(request=request, actor=people["colleague"], decision="approve")
    with pytest.raises(PermissionDenied):
        flexible_working_decide(request=request, actor=people["officer"], decision="approve")
    flexible_working_decide(request=request, actor=people["governor"], decision="approve")
    with pytest.raises(BadInput):
        flexible_working_decide(
            request=request, actor=people["manager"], decision="refuse", reason="Changed my mind"
        )


def test_withdraw(people):
    request = _apply(people["officer"])
    flexible_working_withdraw(request=request, actor=people["officer"])
    request.refresh_from_db()
    assert request.status == Status.WITHDRAWN


def test_reminder_near_the_limit_once_a_day(people, committed):
    _apply(people["officer"])  # decide by 2026-01-03
    assert flexible_working_remind(days_before=14, today=datetime.date(2025, 12, 1)) == []
    reminded = committed(flexible_working_remind, days_before=14, today=datetime.date(2025, 12, 21))
    assert len(reminded) == 1
    assert flexible_working_remind(days_before=14, today=datetime.date(2025, 12, 21)) == []
    assert "decide by 3 January 2026" in mail.outbox[-1].body


def test_apply_and_decide_through_the_pages(client, people):
    client.force_login(people["officer"].user)
    base = "/flexible-working/new/"
    assert client.post(base + "pattern", {"pattern": "compressed-hours"}).url == (
        base + "hours_per_week"
    )
    client.post(base + "hours_per_week", {"hours_per_week": "37"})
    client.post(base + "fixed_rest_days", {"fixed_rest_days": ["friday"]})
    client.post(base + "term_time", {"term_time": "no"})
    client.post(
        base + "start_date",
        {"start_date-day": "5", "start_date-month": "1", "start_date-year": "2026"},
    )
    client.post(base + "end_date", {})
    answer = client.post(base + "reason", {"reason": "Four long days"})
    assert answer.url == "/flexible-working/check"
    sent = client.post("/flexible-working/check")
    page = client.get(sent.url).content.decode()
    assert "Waiting for a decision" in page
    client.logout()
    client.force_login(people["manager"].user)
    assert "Officer" in client.get("/flexible-working/to-decide").content.decode()
    decided = client.post(sent.url + "/decide", {"decision": "approve"})
    assert decided.url == sent.url
    assert "Approved" in client.get(sent.url).content.decode()
    client.logout()
    client.force_login(people["colleague"].user)
    assert client.get(sent.url).status_code == 404  # nobody else sees it


def test_a_manager_can_agree_no_fixed_rest_days_through_the_pages(client, people):
    request = _apply(people["officer"])
    client.force_login(people["manager"].user)
    answer = client.post(
        f"/flexible-working/{request.pk}/decide",
        {"decision": "approve-with-changes", "reason": "Rest days rotate"},
    )
    assert answer.url == f"/flexible-working/{request.pk}/changes"
    client.post(
        answer.url,
        {
            "hours_per_week": "37",
            "term_time": "no",
            "start_date-day": "5",
            "start_date-month": "1",
            "start_date-year": "2026",
        },
    )
    [arrangement] = agreed_arrangements(people["officer"], on=datetime.date(2026, 1, 5))
    assert arrangement.fixed_rest_days == []
    assert "Approved with changes" in client.get(f"/flexible-working/{request.pk}").content.decode()


def test_the_demo_shows_a_request_to_decide_and_an_agreed_arrangement():
    from probity.apps.people.demo import demo_load

    report = demo_load()
    assert "has asked for compressed hours" in report.as_text()
    carl = Person.objects.get(organisation__slug="hmp-example-demo", staff_number="hmp007")
    [waiting] = FlexibleWorkingRequest.objects.filter(status=Status.SUBMITTED)
    assert waiting.decider == carl  # Jade Robinson's line manager
    [arrangement] = agreed_arrangements(carl, on=waiting.decide_by)
    assert arrangement.fixed_rest_days == ["saturday", "sunday"]
    made = FlexibleWorkingRequest.objects.count()
    assert demo_load().changes == 0  # made once
    assert FlexibleWorkingRequest.objects.count() == made


def test_someone_without_a_line_manager_is_told_before_asking(client, people):
    client.force_login(people["governor"].user)
    page = client.get("/flexible-working").content.decode()
    assert "you have no line manager on record" in page
    assert 'href="/flexible-working/new/pattern"' not in page
    client.post("/flexible-working/new/pattern", {"pattern": "part-time"})
    for name, data in [
        ("hours_per_week", {"hours_per_week": "30"}),
        ("fixed_rest_days", {}),
        ("term_time", {"term_time": "no"}),
        ("start_date", {"start_date-day": "5", "start_date-month": "1", "start_date-year": "2026"}),
        ("end_date", {}),
        ("reason", {"reason": "Caring for my father"}),
    ]:
        client.post(f"/flexible-working/new/{name}", data)
    sent = client.post("/flexible-working/check")
    assert sent.status_code == 422
    text = sent.content.decode()
    assert "You have no line manager on record; ask HR to add one first" in text
    assert "Person You" not in text  # the service's sentence, as it is
