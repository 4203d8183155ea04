"""/api/flexible-working (hmpps-offer:flexible-working): the pages' services and permissions
for a personal API token, role by role, and bad input as 4xx naming the field."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from probity.apps.accounts.services import token_create
from probity.apps.audit.models import AuditEntry
from probity.apps.offer.selectors import agreed_arrangements
from probity.apps.offer.services import flexible_working_apply
from probity.apps.people.models import Person
from tests.test_flexible_working import make_people

pytestmark = pytest.mark.django_db
BASE = "/api/flexible-working"
ASK = {
    "pattern": "fixed-rest-days",
    "start_date": "2026-01-05",
    "fixed_rest_days": ["monday", "sunday"],
    "hours_per_week": "37",
    "reason": "School run on Mondays",
}


@pytest.fixture
def people():
    return make_people()


@pytest.fixture
def api(client):
    """Call the API as someone: api("officer", people).post(...)."""

    class As:
        def __init__(self, user):
            _, secret = token_create(user=user, name="test", lifetime=None)
            self.headers = {"authorization": f"Bearer {secret}"}

        def get(self, path):
            return client.get(BASE + path, headers=self.headers)

        def post(self, path, body=None):
            return client.post(
                BASE + path, body or {}, content_type="application/json", headers=self.headers
            )

    return lambda person: As(person.user)


@pytest.fixture
def asked(people):
    return flexible_working_apply(
        person=people["officer"],
        pattern="fixed-rest-days",
        start_date=datetime.date(2026, 1, 5),
        reason="School run on Mondays",
        fixed_rest_days=["monday"],
    )


def test_an_officer_applies_and_sees_the_request_waiting_for_their_manager(api, people):
    answer = api(people["officer"]).post("/requests", ASK)
    assert answer.status_code == 201
    made = answer.json()
    assert made["status"] == "submitted"
    assert made["decider"] == "Manager"
    assert made["fixed_rest_days"] == ["monday", "sunday"]
    assert made["url"] == f"/flexible-working/{made['id']}"
    assert AuditEntry.objects.filter(action="flexible_working_request.submitted").exists()
    [mine] = api(people["officer"]).get("/requests").json()
    assert mine["id"] == made["id"]
    [waiting] = api(people["manager"]).get("/to-decide").json()
    assert waiting["applicant"] == "Officer"
    assert api(people["colleague"]).get("/to-decide").json() == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"pattern": "four-day-weekends"}, "pattern"),
        ({"hours_per_week": "-1"}, "hours_per_week"),
        ({"fixed_rest_days": ["funday"]}, "fixed_rest_days"),
        ({"start_date": "5/1/2026"}, "start_date"),
        ({"end_date": "2025-01-01"}, "end_date"),  # before the start: the service says so
        ({"reason": " "}, "reason"),
        ({"rest_days": ["monday"]}, "rest_days"),  # misspelt: refused, not dropped
    ],
)
def test_bad_applications_are_422_naming_the_field(api, people, change, field):
    answer = api(people["officer"]).post("/requests", {**ASK, **change})
    assert answer.status_code == 422
    [problem] = answer.json()["detail"]
    assert problem["loc"][:3] == ["body", "application", field]


def test_someone_without_a_line_manager_is_told_which_field(api, people):
    answer = api(people["governor"]).post("/requests", ASK)
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "person"]


def test_an_account_with_no_staff_record_is_refused(api):
    admin = get_user_model().objects.create_user(username="admin")
    assert api(Person(user=admin)).get("/requests").status_code == 403


def test_no_token_is_401(client):
    assert client.get(BASE + "/requests").status_code == 401


@pytest.mark.parametrize(
    ("who", "status"),
    [("officer", 200), ("manager", 200), ("governor", 200), ("colleague", 404)],
)
def test_who_can_read_a_request(api, people, asked, who, status):
    assert api(people[who]).get(f"/requests/{asked.pk}").status_code == status


def test_the_line_manager_approves_and_the_arrangement_is_agreed(api, people, asked):
    answer = api(people["manager"]).post(f"/requests/{asked.pk}/decision", {"decision": "approve"})
    assert answer.status_code == 200
    assert answer.json()["arrangement"]["fixed_rest_days"] == ["monday"]
    assert agreed_arrangements(people["officer"], on=datetime.date(2026, 1, 5))
    again = api(people["manager"]).post(f"/requests/{asked.pk}/decision", {"decision": "approve"})
    assert again.status_code == 409


def test_approval_with_changes_agrees_only_what_changed(api, people, asked):
    answer = api(people["governor"]).post(
        f"/requests/{asked.pk}/decision",
        {
            "decision": "approve-with-changes",
            "reason": "Tuesdays suit the regime",
            "changes": {"fixed_rest_days": ["tuesday"], "hours_per_week": "30"},
        },
    )
    assert answer.status_code == 200
    agreed = answer.json()["arrangement"]
    assert agreed["fixed_rest_days"] == ["tuesday"]
    assert Decimal(agreed["hours_per_week"]) == 30
    assert agreed["start_date"] == "2026-01-05"  # as asked
    assert answer.json()["status_label"] == "Approved with changes"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"decision": "refuse"}, "reason"),
        ({"decision": "maybe"}, "decision"),
        ({"decision": "approve-with-changes", "reason": "Why not"}, "changes"),
        ({"decision": "approve", "changes": {"term_time": True}}, "changes"),
        (
            {"decision": "approve-with-changes", "reason": "x", "changes": {"start_date": None}},
            "changes.start_date",
        ),
        (
            {"decision": "approve-with-changes", "reason": "x", "changes": {"days": ["monday"]}},
            "changes.days",
        ),
        (
            {
                "decision": "approve-with-changes",
                "reason": "x",
                "changes": {"end_date": "2025-01-01"},
            },
            "changes.end_date",
        ),
    ],
)
def test_bad_decisions_are_422_naming_the_field(api, people, asked, body, field):
    answer = api(people["manager"]).post(f"/requests/{asked.pk}/decision", body)
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "decision", *field.split(".")]


def test_a_refusal_gives_the_reason_to_the_applicant(api, people, asked):
    api(people["manager"]).post(
        f"/requests/{asked.pk}/decision", {"decision": "refuse", "reason": "Too few on Mondays"}
    )
    [mine] = api(people["officer"]).get("/requests").json()
    assert (mine["status"], mine["decision_reason"]) == ("refused", "Too few on Mondays")
    assert mine["arrangement"] is None


@pytest.mark.parametrize(("who", "status"), [("officer", 403), ("colleague", 404)])
def test_nobody_else_decides(api, people, asked, who, status):
    answer = api(people[who]).post(f"/requests/{asked.pk}/decision", {"decision": "approve"})
    assert answer.status_code == status


@pytest.mark.parametrize(("who", "status"), [("manager", 403), ("colleague", 404)])
def test_only_the_applicant_withdraws(api, people, asked, who, status):
    assert api(people[who]).post(f"/requests/{asked.pk}/withdraw").status_code == status
    answer = api(people["officer"]).post(f"/requests/{asked.pk}/withdraw")
    assert answer.json()["status"] == "withdrawn"
    assert api(people["officer"]).post(f"/requests/{asked.pk}/withdraw").status_code == 409


def test_the_openapi_document_describes_the_requests(client):
    document = client.get("/api/openapi.json").json()
    assert {f"{BASE}/requests", f"{BASE}/requests/{{request_id}}/decision"} <= set(
        document["paths"]
    )
    schemas = document["components"]["schemas"]
    assert "fixed-rest-days" in schemas["Application"]["properties"]["pattern"]["enum"]
    assert schemas["Decision"]["properties"]["decision"]["enum"] == [
        "approve",
        "approve-with-changes",
        "refuse",
    ]


def test_a_list_is_one_query_however_long(api, people, django_assert_max_num_queries):
    officer = api(people["officer"])
    for day in (5, 6, 7):
        officer.post("/requests", {**ASK, "start_date": f"2026-01-0{day}"})
    with django_assert_max_num_queries(6):  # the token, the person, the list
        assert len(officer.get("/requests").json()) == 3
