"""The rostering app (issue 8, item 4): the core problem built from the database with agreed
flexible working, solving, repairing after sickness and publishing (audited), shift swaps
checked by the core checker (a swap that breaks 11 hours' rest is refused, WTR reg. 10),
who may see what on the pages and the API, and the CSV and iCalendar exports."""

import csv
import datetime
import io
from decimal import Decimal

import icalendar
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from probity.apps.accounts.services import token_create
from probity.apps.audit.models import AuditEntry, object_type
from probity.apps.offer.services import flexible_working_apply, flexible_working_decide
from probity.apps.rostering import selectors, services
from probity.apps.rostering.models import (
    Absence,
    Assignment,
    Demand,
    Roster,
    RosterStatus,
    SwapStatus,
)
from probity.apps.rostering.problems import problem_for
from probity.core.errors import BadInput
from tests.rostering_web_helpers import MONDAY, day, published, wing

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    return wing()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


def _actions(obj) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_type=object_type(obj), object_id=str(obj.pk))
        .order_by("sequence")
        .values_list("action", flat=True)
    )


def _agree_weekends_off(person, manager):
    request = flexible_working_apply(
        person=person,
        pattern="part-time",
        hours_per_week=Decimal(16),
        fixed_rest_days=["saturday", "sunday"],
        start_date=MONDAY - datetime.timedelta(days=7),
        reason="Caring for my father at weekends.",
    )
    flexible_working_decide(request=request, actor=manager, decision="approve")


# --- the core problem from the database ---------------------------------------------------------


def test_problem_for_carries_the_agreed_arrangement_demand_and_sickness(setup):
    team, people = setup
    _agree_weekends_off(people["a"], people["manager"])
    Absence.objects.create(
        person=people["b"], kind=Absence.Kind.SICK, first_day=day(2), last_day=day(3)
    )
    found = problem_for(team, MONDAY, 1)
    staff = {s.name: s for s in found.problem.staff}
    assert set(staff) == {"A", "B", "C"}  # the manager has no rostering details: not rostered
    assert staff["A"].arrangement.fixed_rest_weekdays == {5, 6}
    assert staff["A"].arrangement.max_minutes_per_week == 16 * 60  # part-time: a weekly cap
    assert staff["A"].contracted_minutes == 16 * 60
    assert staff["B"].leave_days == {2, 3}  # nobody is rostered on a sick day
    assert len(found.problem.cover) == 14  # Early and Late, every day of the week
    assert found.shifts["L"].start_minutes == 14 * 60


def test_term_time_keeps_the_school_holidays_free(setup):
    team, people = setup
    establishment = team.establishment
    establishment.school_holidays = [[day(3).isoformat(), day(4).isoformat()]]
    establishment.save()
    request = flexible_working_apply(
        person=people["c"],
        pattern="annualised-hours",
        term_time=True,
        start_date=MONDAY,
        reason="School terms only.",
    )
    flexible_working_decide(request=request, actor=people["manager"], decision="approve")
    found = problem_for(team, MONDAY, 1)
    staff = {s.name: s for s in found.problem.staff}
    assert staff["C"].arrangement.unavailable_days == {3, 4}
    assert staff["A"].arrangement.unavailable_days == set()


def test_problem_for_refuses_a_start_that_is_not_a_monday(setup):
    team, _ = setup
    with pytest.raises(BadInput) as error:
        problem_for(team, MONDAY + datetime.timedelta(days=1), 1)
    assert error.value.field == "start"


# --- night work (Working Time Regulations reg. 2, 6(7) and 7) -----------------------------------


def _night_work_answers(offered: datetime.date | None, *applies) -> dict:
    parts = {"day": "", "month": "", "year": ""}
    if offered is not None:
        parts = {"day": offered.day, "month": offered.month, "year": offered.year}
    return {
        "applies": list(applies),
        **{f"night_assessment_offered-{part}": str(value) for part, value in parts.items()},
    }


def test_the_night_work_page_saves_and_shows_the_change_for_the_next_roster(setup, client):
    team, people = setup
    client.force_login(people["manager"].user)
    week_page = client.get(f"/rostering/teams/{team.pk}/weeks/{MONDAY}").content.decode()
    assert f"/rostering/teams/{team.pk}/night-work" in week_page
    listing = client.get(f"/rostering/teams/{team.pk}/night-work").content.decode()
    assert listing.count("Never") == 3  # nobody has been offered a health assessment yet
    change = f"/rostering/teams/{team.pk}/night-work/{people['a'].pk}"
    assert "A's night work" in client.get(change).content.decode()
    offered = MONDAY - datetime.timedelta(days=70)
    answer = client.post(
        change, _night_work_answers(offered, "night_worker", "night_work_advised_against")
    )
    assert answer.status_code == 302
    listing = client.get(answer["Location"]).content.decode()
    assert f"{offered:%-d %B %Y}" in listing and listing.count("Never") == 2
    details = people["a"].rostering
    details.refresh_from_db()
    assert details.night_worker and details.night_work_advised_against
    assert not details.hazardous_night_work
    staff = {s.name: s for s in problem_for(team, MONDAY, 1).problem.staff}
    assert staff["A"].night_assessment_offered == offered
    assert staff["A"].night_worker and staff["A"].night_work_advised_against
    (entry,) = AuditEntry.objects.filter(object_type=object_type(details))
    assert entry.action == "staff_details.night_work_changed"
    assert entry.actor == people["manager"].user
    assert entry.details["changed"] == [
        "night_assessment_offered",
        "night_work_advised_against",
        "night_worker",
    ]  # the fields changed, not the medical advice itself


def test_saving_the_same_night_work_again_records_no_change(setup, client):
    team, people = setup
    client.force_login(people["manager"].user)
    change = f"/rostering/teams/{team.pk}/night-work/{people['b'].pk}"
    assert client.post(change, _night_work_answers(None)).status_code == 302
    assert not AuditEntry.objects.filter(action="staff_details.night_work_changed").exists()


def test_only_the_teams_managers_may_see_or_change_night_work(setup, client):
    team, people = setup
    change = f"/rostering/teams/{team.pk}/night-work/{people['b'].pk}"
    answers = _night_work_answers(None, "night_work_advised_against")
    for who in ("a", "outsider"):
        client.force_login(people[who].user)
        assert client.get(f"/rostering/teams/{team.pk}/night-work").status_code == 404
        assert client.post(change, answers).status_code == 404
    client.force_login(people["manager"].user)  # someone not on the team is not theirs
    elsewhere = f"/rostering/teams/{team.pk}/night-work/{people['outsider'].pk}"
    assert client.post(elsewhere, answers).status_code == 404
    with pytest.raises(PermissionDenied):
        services.night_work_update(
            actor=people["a"], person=people["b"], night_worker=False,
            hazardous_night_work=False, night_assessment_offered=None,
            night_work_advised_against=True,
        )  # fmt: skip
    people["b"].rostering.refresh_from_db()
    assert not people["b"].rostering.night_work_advised_against
    assert not AuditEntry.objects.filter(action="staff_details.night_work_changed").exists()


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ({"day": "31", "month": "2", "year": "2026"}, "must be a real date"),
        ({"day": "3", "month": "", "year": "2026"}, "must include a month"),
        ({"day": "1", "month": "1", "year": "2999"}, "must be today or in the past"),
    ],
    ids=["not a date", "no month", "in the future"],
)
def test_a_bad_health_assessment_date_is_shown_as_an_error(setup, client, date, message):
    team, people = setup
    client.force_login(people["manager"].user)
    answer = client.post(
        f"/rostering/teams/{team.pk}/night-work/{people['a'].pk}",
        {
            "applies": ["night_worker"],
            **{f"night_assessment_offered-{k}": v for k, v in date.items()},
        },
    )
    page = answer.content.decode()
    assert answer.status_code == 422
    assert "There is a problem" in page and 'href="#night_assessment_offered-day"' in page
    assert f"The date a free health assessment was last offered {message}" in page
    people["a"].rostering.refresh_from_db()
    assert not people["a"].rostering.night_worker  # nothing saved


# --- solving, publishing, repairing -------------------------------------------------------------


def test_a_solved_roster_honours_fixed_rest_days_and_is_published_to_the_team(setup, committed):
    team, people = setup
    _agree_weekends_off(people["a"], people["manager"])
    Demand.objects.filter(team=team).update(minimum=1)
    roster = services.roster_solve(
        team=team, start=MONDAY, weeks=1, actor=people["manager"], seconds=2
    )
    assert roster.status == RosterStatus.SOLVED
    weekend = Assignment.objects.filter(roster=roster, person=people["a"], on__gte=day(5))
    assert not weekend.exists()
    for offset in range(7):  # every minimum met
        assert Assignment.objects.filter(roster=roster, on=day(offset)).count() >= 2
    mail.outbox.clear()
    committed(services.roster_publish, roster=roster, actor=people["manager"])
    roster.refresh_from_db()
    assert roster.status == RosterStatus.PUBLISHED
    assert _actions(roster) == ["roster.solve_started", "roster.solved", "roster.published"]
    assert {m.to[0] for m in mail.outbox} == {"a@prison.test", "b@prison.test", "c@prison.test"}


def test_publishing_a_new_version_replaces_the_old_one(setup):
    team, people = setup
    old = published(team, people["manager"], {people["a"]: "E - - - - - -"})
    new = published(team, people["manager"], {people["a"]: "L - - - - - -"},
                   status=RosterStatus.SOLVED, version=2)  # fmt: skip
    services.roster_publish(roster=new, actor=people["manager"])
    old.refresh_from_db()
    assert old.status == RosterStatus.SUPERSEDED


def test_a_version_that_breaks_rules_since_it_was_worked_out_is_not_published(setup, client):
    team, people = setup
    draft = published(team, people["manager"], {people["a"]: "E - - - - - -"},
                      status=RosterStatus.SOLVED)  # fmt: skip
    services.sickness_record(
        person=people["a"], first_day=day(0), last_day=day(0), actor=people["manager"]
    )
    client.force_login(people["manager"].user)
    page = client.post(f"/rostering/rosters/{draft.pk}/publish", follow=True).content.decode()
    assert "There is a problem" in page and "no shifts on approved leave" in page
    draft.refresh_from_db()
    assert draft.status == RosterStatus.SOLVED


def test_no_roster_meets_impossible_demand_and_the_page_says_which_rules_conflict(setup, client):
    team, people = setup
    Demand.objects.filter(team=team).update(minimum=3, preferred=3)  # 3 staff, 6 places a day
    roster = services.roster_solve(
        team=team, start=MONDAY, weeks=1, actor=people["manager"], seconds=2
    )
    assert roster.status == RosterStatus.FAILED
    assert roster.conflicts and any("Early" in c or "Late" in c for c in roster.conflicts)
    client.force_login(people["manager"].user)
    page = client.get(f"/rostering/rosters/{roster.pk}").content.decode()
    assert "Rules that cannot all hold" in page
    assert "How it measures up" not in page


def test_bad_staff_details_are_refused_naming_the_person(setup, client):
    team, people = setup
    people["b"].rostering.contracted_hours = Decimal(-5)
    people["b"].rostering.save()
    client.force_login(people["manager"].user)
    answer = client.post(
        f"/rostering/teams/{team.pk}/solve",
        {"start": MONDAY.isoformat(), "weeks": "1", "seconds": "1"},
    )
    assert answer.status_code == 422
    assert (
        "B&#x27;s contracted hours: contracted hours must not be negative"
        in answer.content.decode()
    )
    assert not Roster.objects.exists()


def test_a_day_off_asked_for_on_the_page_is_met_by_the_next_roster(setup, client):
    team, people = setup
    Demand.objects.filter(team=team).update(minimum=1)
    client.force_login(people["a"].user)
    answer = client.post("/rostering/requests", {"on": day(1).isoformat(), "shift": ""})
    assert answer.status_code == 422
    assert "Select whether you would like to work or be off" in answer.content.decode()
    client.post("/rostering/requests", {"on": day(1).isoformat(), "shift": "", "work": "off"})
    asked = people["a"].shift_requests.get()
    assert (asked.on, asked.work, _actions(asked)) == (day(1), False, ["shift_request.added"])
    found = problem_for(team, MONDAY, 1)
    assert [(r.day, r.on) for r in found.problem.requests] == [(1, False)]
    roster = services.roster_solve(
        team=team, start=MONDAY, weeks=1, actor=people["manager"], seconds=2
    )
    assert not Assignment.objects.filter(roster=roster, person=people["a"], on=day(1)).exists()


def test_only_the_teams_managers_can_solve_or_publish(setup):
    team, people = setup
    with pytest.raises(PermissionDenied):
        services.roster_solve(team=team, start=MONDAY, weeks=1, actor=people["a"], seconds=1)
    draft = published(team, people["manager"], {}, status=RosterStatus.SOLVED)
    with pytest.raises(PermissionDenied):
        services.roster_publish(roster=draft, actor=people["outsider"])


def test_a_solve_stalled_by_a_restart_fails_when_the_team_is_rostered_again(setup, settings):
    settings.PROBITY_ROSTER_INLINE_SECONDS = 0
    team, people = setup
    stalled = services.roster_solve(
        team=team, start=MONDAY, weeks=1, actor=people["manager"], seconds=10
    )  # its thread never runs: the process "restarted"
    Roster.objects.filter(pk=stalled.pk).update(
        created_at=stalled.created_at - datetime.timedelta(hours=1)
    )
    settings.PROBITY_ROSTER_INLINE_SECONDS = 5
    services.roster_solve(team=team, start=MONDAY, weeks=1, actor=people["manager"], seconds=1)
    stalled.refresh_from_db()
    assert stalled.status == RosterStatus.FAILED
    assert "stopped without finishing" in stalled.failure


def test_sickness_is_repaired_with_few_changes_and_the_gap_shows_until_then(setup, client):
    team, people = setup
    Demand.objects.filter(team=team).update(minimum=1)
    current = published(team, people["manager"], {
        people["a"]: "E E E E E - -",
        people["b"]: "L L - - - E E",
        people["c"]: "- - L L L L L",
    })  # fmt: skip
    services.sickness_record(
        person=people["a"], first_day=day(3), last_day=day(3), actor=people["manager"]
    )
    client.force_login(people["manager"].user)
    page = client.get(f"/rostering/teams/{team.pk}/weeks/{MONDAY}").content.decode()
    assert "Sick</strong> (was Early)" in page
    assert "Gap: 1 below minimum" in page  # in words, not only a colour
    assert "has 0 staff, at least 1 needed" in page  # the checker's rule, listed
    repaired = services.roster_solve(
        team=team, start=MONDAY, weeks=1, actor=people["manager"], seconds=2,
        repairs=current, from_date=day(3),
    )  # fmt: skip
    assert repaired.status == RosterStatus.SOLVED and repaired.version == 2
    assert not Assignment.objects.filter(roster=repaired, person=people["a"], on=day(3)).exists()
    assert Assignment.objects.filter(roster=repaired, on=day(3), shift__code="E").exists()
    assert repaired.changes <= 3
    before = {(r.person_id, r.on) for r in Assignment.objects.filter(roster=current, on__lt=day(3))}
    after = {(r.person_id, r.on) for r in Assignment.objects.filter(roster=repaired, on__lt=day(3))}
    assert before == after  # days before the sickness stay as they were


def test_a_long_solve_runs_in_the_background_with_its_progress_shown(
    setup, client, settings, django_capture_on_commit_callbacks
):
    settings.PROBITY_ROSTER_INLINE_SECONDS = 0
    team, people = setup
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        roster = services.roster_solve(
            team=team, start=MONDAY, weeks=1, actor=people["manager"], seconds=30
        )
    assert roster.status == RosterStatus.SOLVING and callbacks
    client.force_login(people["manager"].user)
    progress = client.get(f"/rostering/rosters/{roster.pk}/progress.json").json()
    assert progress["status"] == "solving" and progress["time_limit"] == 30
    page = client.get(f"/rostering/rosters/{roster.pk}").content.decode()
    assert "Working it out" in page and "rostering/progress.js" in page
    services.roster_run_solver(roster.pk)  # what the background task runs
    roster.refresh_from_db()
    assert roster.status == RosterStatus.SOLVED


def test_a_long_solve_is_queued_as_a_task_and_the_worker_finishes_it(
    setup, settings, django_capture_on_commit_callbacks
):
    settings.PROBITY_ROSTER_INLINE_SECONDS = 0
    team, people = setup
    with django_capture_on_commit_callbacks(execute=True):  # the test backend runs it at once
        roster = services.roster_solve(
            team=team, start=MONDAY, weeks=1, actor=people["manager"], seconds=10
        )
    roster.refresh_from_db()
    assert roster.status == RosterStatus.SOLVED


# --- shift swaps --------------------------------------------------------------------------------


@pytest.fixture
def week(setup):
    team, people = setup
    roster = published(team, people["manager"], {
        people["a"]: "L - E - - - -",
        people["b"]: "- E - - - - -",
        people["c"]: "- - - L - - -",
    })  # fmt: skip
    return roster, people


def _accepted(people):
    """a asks b to work a's Early on Wednesday, and b accepts."""
    swap = services.swap_request(actor=people["a"], gives=day(2), colleague=people["b"])
    return services.swap_accept(swap=swap, actor=people["b"])


def test_a_swap_is_accepted_by_the_colleague_then_approved_and_the_shift_changes_hands(
    week, committed
):
    roster, people = week
    mail.outbox.clear()
    swap = committed(services.swap_request, actor=people["a"], gives=day(2), colleague=people["b"])
    assert swap.status == SwapStatus.ASKED and swap.status_label == "Waiting for B"
    assert [m.to for m in mail.outbox] == [["b@prison.test"]]  # only the colleague is asked
    assert "A asks you to work their shift" in mail.outbox[0].subject
    assert selectors.swaps_to_decide(people["manager"]) == []
    swap = committed(services.swap_accept, swap=swap, actor=people["b"])
    assert swap.status == SwapStatus.REQUESTED and swap.answered_at is not None
    assert {m.to[0] for m in mail.outbox[1:]} == {"manager@prison.test", "governor@prison.test"}
    assert "Shift swap to decide" in mail.outbox[-1].subject
    assert selectors.swaps_to_decide(people["manager"]) == [swap]
    swap = committed(services.swap_approve, swap=swap, actor=people["manager"])
    assert swap.status == SwapStatus.APPROVED
    assert Assignment.objects.get(roster=roster, on=day(2)).person == people["b"]
    assert _actions(swap) == ["swap.requested", "swap.accepted", "swap.approved"]
    assert "Shift swap approved" in mail.outbox[-1].subject


def test_a_colleague_who_declines_tells_the_requester_and_no_manager_sees_it(week, committed):
    roster, people = week
    swap = services.swap_request(actor=people["a"], gives=day(2), colleague=people["b"])
    mail.outbox.clear()
    swap = committed(
        services.swap_decline, swap=swap, actor=people["b"], reason=" I am on leave that week "
    )
    assert swap.status == SwapStatus.DECLINED and swap.answer_reason == "I am on leave that week"
    assert [m.to for m in mail.outbox] == [["a@prison.test"]]
    assert "declined by B" in mail.outbox[0].subject
    assert "Their reason: I am on leave that week" in mail.outbox[0].body
    assert selectors.swaps_to_decide(people["manager"]) == []
    with pytest.raises(BadInput):
        services.swap_approve(swap=swap, actor=people["manager"])
    assert Assignment.objects.get(roster=roster, on=day(2)).person == people["a"]
    assert _actions(swap) == ["swap.requested", "swap.declined"]


def test_a_manager_cannot_decide_a_swap_before_the_colleague_accepts(week):
    roster, people = week
    swap = services.swap_request(actor=people["a"], gives=day(2), colleague=people["b"])
    with pytest.raises(BadInput) as error:
        services.swap_approve(swap=swap, actor=people["manager"])
    assert "B has not accepted this swap yet" in error.value.message
    with pytest.raises(BadInput):
        services.swap_refuse(swap=swap, actor=people["manager"], reason="Short of staff")
    swap.refresh_from_db()
    assert swap.status == SwapStatus.ASKED
    assert Assignment.objects.get(roster=roster, on=day(2)).person == people["a"]
    assert _actions(swap) == ["swap.requested"]


def test_only_the_colleague_asked_may_accept_or_decline(week):
    _, people = week
    swap = services.swap_request(actor=people["a"], gives=day(2), colleague=people["b"])
    for who in ("a", "c", "manager", "outsider"):
        with pytest.raises(PermissionDenied):
            services.swap_accept(swap=swap, actor=people[who])
        with pytest.raises(PermissionDenied):
            services.swap_decline(swap=swap, actor=people[who])
    swap.refresh_from_db()
    assert swap.status == SwapStatus.ASKED and selectors.swaps_to_answer(people["b"]).get() == swap
    services.swap_accept(swap=swap, actor=people["b"])
    with pytest.raises(BadInput) as error:  # an answer is given once
        services.swap_decline(swap=swap, actor=people["b"])
    assert "waiting for a manager" in error.value.message


def test_a_swap_that_breaks_11_hours_rest_is_refused_naming_the_rule(week):
    _, people = week
    # a works Late on Monday (until 22:00); taking b's Early on Tuesday (07:00) leaves 9 hours.
    with pytest.raises(BadInput) as error:
        services.swap_request(actor=people["a"], gives=day(2), colleague=people["b"], takes=day(1))
    assert "11 hours' rest between shifts" in error.value.message
    assert "only 9 hours' rest" in error.value.message


def test_a_swap_the_roster_no_longer_allows_is_refused_on_approval(week):
    roster, people = week
    swap = _accepted(people)
    # Since then b was moved to a Late on Tuesday: Early on Wednesday would follow it.
    Assignment.objects.filter(roster=roster, person=people["b"], on=day(1)).update(
        shift=roster.team.establishment.shift_types.get(code="L")
    )
    swap = services.swap_approve(swap=swap, actor=people["manager"])
    assert swap.status == SwapStatus.REFUSED
    assert [rule["rule"] for rule in swap.broken_rules] == ["daily-rest"]
    assert "11 hours' rest" in swap.decision_reason
    assert Assignment.objects.get(roster=roster, on=day(2)).person == people["a"]  # unchanged
    assert _actions(swap)[-1] == "swap.refused"


def test_a_swap_on_a_roster_replaced_since_is_refused_saying_so(week):
    roster, people = week
    swap = _accepted(people)
    newer = published(roster.team, people["manager"], {people["a"]: "E - - - - - -"},
                      status=RosterStatus.SOLVED, version=2)  # fmt: skip
    services.roster_publish(roster=newer, actor=people["manager"])
    swap = services.swap_approve(swap=swap, actor=people["manager"])
    assert swap.status == SwapStatus.REFUSED and "replaced" in swap.decision_reason


def test_swap_transitions_only_by_whoever_may_make_them(week):
    _, people = week
    swap = _accepted(people)
    for who in ("a", "b", "outsider"):  # neither party decides, nor anyone outside the team
        with pytest.raises(PermissionDenied):
            services.swap_approve(swap=swap, actor=people[who])
    with pytest.raises(BadInput) as error:
        services.swap_refuse(swap=swap, actor=people["manager"], reason=" ")
    assert error.value.field == "reason"
    with pytest.raises(PermissionDenied):
        services.swap_withdraw(swap=swap, actor=people["b"])
    services.swap_withdraw(swap=swap, actor=people["a"])
    with pytest.raises(BadInput) as error:
        services.swap_approve(swap=swap, actor=people["manager"])
    assert "withdrawn" in error.value.message


def test_the_requester_may_withdraw_before_the_colleague_answers(week):
    _, people = week
    swap = services.swap_request(actor=people["a"], gives=day(2), colleague=people["b"])
    services.swap_withdraw(swap=swap, actor=people["a"])
    assert not selectors.swaps_to_answer(people["b"]).exists()
    with pytest.raises(BadInput) as error:
        services.swap_accept(swap=swap, actor=people["b"])
    assert "withdrawn" in error.value.message
    assert _actions(swap) == ["swap.requested", "swap.withdrawn"]


def test_a_swap_needs_a_shift_to_give_and_a_free_colleague(week):
    _, people = week
    with pytest.raises(BadInput) as error:
        services.swap_request(actor=people["a"], gives=day(1), colleague=people["b"])
    assert error.value.field == "gives"
    with pytest.raises(BadInput) as error:
        services.swap_request(actor=people["a"], gives=day(0), colleague=people["outsider"])
    assert error.value.field == "colleague"


# --- pages: who sees what -----------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, week):
    assert client.get("/rostering/my-shifts").status_code == 302


def test_staff_see_their_teams_published_roster_only(client, week):
    roster, people = week
    team = roster.team
    draft = published(team, people["manager"], {}, status=RosterStatus.SOLVED, version=2)
    client.force_login(people["a"].user)
    page = client.get(f"/rostering/teams/{team.pk}/weeks/{MONDAY}?version={draft.pk}")
    assert page.status_code == 200
    assert "version 1 (published)" in page.content.decode()
    managers_only = (
        f"/rostering/teams/{team.pk}/solve",
        f"/rostering/teams/{team.pk}/sickness",
        f"/rostering/rosters/{draft.pk}",
        f"/rostering/rosters/{draft.pk}.csv",
    )
    for path in managers_only:
        assert client.get(path).status_code == 404, path
    assert client.get(f"/rostering/rosters/{roster.pk}.csv").status_code == 200


def test_nobody_outside_the_team_sees_its_roster(client, week):
    roster, people = week
    swap = services.swap_request(actor=people["a"], gives=day(2), colleague=people["b"])
    client.force_login(people["outsider"].user)
    for path in (f"/rostering/teams/{roster.team.pk}/weeks/{MONDAY}",
                 f"/rostering/rosters/{roster.pk}.csv", f"/rostering/rosters/{roster.pk}.ics",
                 f"/rostering/swaps/{swap.pk}"):  # fmt: skip
        assert client.get(path).status_code == 404, path


def test_the_grid_shows_hours_against_contract_and_the_roster_its_measures(client, week):
    roster, people = week
    client.force_login(people["manager"].user)
    page = client.get(f"/rostering/teams/{roster.team.pk}/weeks/{MONDAY}").content.decode()
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">16 (37)</td>' in page  # a
    page = client.get(f"/rostering/rosters/{roster.pk}").content.decode()
    assert "Places short of the preferred number</dt>" in page
    assert 'Rules broken</dt><dd class="govuk-summary-list__value">0</dd>' in page


def test_managers_up_the_line_see_every_version_and_roster(client, week):
    roster, people = week
    draft = published(roster.team, people["manager"], {}, status=RosterStatus.SOLVED, version=2)
    for who in ("manager", "governor"):
        client.force_login(people[who].user)
        page = client.get(f"/rostering/teams/{roster.team.pk}/weeks/{MONDAY}").content.decode()
        assert "Version 2" in page and "Ready to review" in page
        assert client.get(f"/rostering/teams/{roster.team.pk}/solve").status_code == 200
        assert client.get(f"/rostering/rosters/{draft.pk}").status_code == 200


def test_a_manager_who_has_left_no_longer_sees_the_teams_rosters(client, week):
    roster, people = week
    people["manager"].active = False
    people["manager"].save()
    client.force_login(people["manager"].user)
    assert client.get(f"/rostering/teams/{roster.team.pk}/solve").status_code == 403
    client.force_login(people["governor"].user)  # the next one up still does
    assert client.get(f"/rostering/teams/{roster.team.pk}/solve").status_code == 200


def test_a_detail_office_planner_rosters_the_team_without_managing_anyone(client, week):
    roster, people = week
    team = roster.team
    client.force_login(people["outsider"].user)
    assert client.get(f"/rostering/teams/{team.pk}/solve").status_code == 404
    team.planners.add(people["outsider"])
    assert client.get(f"/rostering/teams/{team.pk}/solve").status_code == 200
    swap = _accepted(people)
    assert services.swap_approve(swap=swap, actor=people["outsider"]).status == "approved"


def test_the_solve_page_names_the_field_at_fault(client, week):
    roster, people = week
    client.force_login(people["manager"].user)
    answer = client.post(
        f"/rostering/teams/{roster.team.pk}/solve",
        {"start": MONDAY.isoformat(), "weeks": "0", "seconds": "ten"},
    )
    page = answer.content.decode()
    assert answer.status_code == 422
    assert "How many weeks must be at least 1" in page
    assert "Seconds must be a whole number" in page


def test_my_shifts_lists_the_next_shift_first(client, week):
    _, people = week
    client.force_login(people["a"].user)
    page = client.get("/rostering/my-shifts").content.decode()
    first, second = (
        page.index(day(0).strftime("%A %-d %B")),
        page.index(day(2).strftime("%A %-d %B")),
    )
    assert "Next shift" in page and first < second
    assert f"/rostering/swaps/new/{day(2).isoformat()}" in page


def test_the_swap_pages_ask_the_colleague_then_the_manager(client, week):
    roster, people = week
    client.force_login(people["a"].user)
    answer = client.post(
        f"/rostering/swaps/new/{day(2)}",
        {"colleague": people["b"].pk, "takes": day(1).isoformat(), "reason": ""},
    )
    assert answer.status_code == 422
    assert "11 hours" in answer.content.decode()
    answer = client.post(f"/rostering/swaps/new/{day(2)}", {"colleague": people["b"].pk})
    swap_url = answer["Location"]
    page = client.get(swap_url).content.decode()
    assert "Waiting for B" in page and "Withdraw the request" in page
    assert "Your answer" not in page
    client.force_login(people["manager"].user)
    page = client.get(swap_url).content.decode()
    assert "Waiting for B" in page and "Your decision" not in page
    answer = client.post(f"{swap_url}/decide", {"decision": "approve"})
    assert answer.status_code == 422
    assert "B has not accepted this swap yet" in answer.content.decode()

    client.force_login(people["b"].user)
    assert "A asks you to work their shift" in client.get("/rostering/swaps").content.decode()
    assert "Answer A about their shift" in client.get("/rostering/my-shifts").content.decode()
    assert "1 waiting for your answer" in client.get("/rostering").content.decode()
    page = client.get(swap_url).content.decode()
    assert "Waiting for your answer" in page and "Your answer" in page
    answer = client.post(f"{swap_url}/answer", {"reason": ""})
    page = answer.content.decode()
    assert answer.status_code == 422 and "There is a problem" in page
    assert '<a href="#answer">Select whether to accept or decline the swap</a>' in page
    assert client.post(f"{swap_url}/answer", {"answer": "accept"}).status_code == 302
    assert "Accepted by</dt>" in client.get(swap_url).content.decode()

    client.force_login(people["manager"].user)
    assert f'href="{swap_url}"' in client.get("/rostering/swaps").content.decode()
    page = client.get(swap_url).content.decode()
    assert "Waiting for a manager" in page and "Your decision" in page
    client.post(f"{swap_url}/decide", {"decision": "approve"})
    assert "Approved" in client.get(swap_url).content.decode()
    assert Assignment.objects.get(roster=roster, on=day(2)).person == people["b"]


def test_the_colleague_declines_on_the_swap_page_and_the_requester_sees_why(client, week):
    _, people = week
    swap = services.swap_request(actor=people["a"], gives=day(2), colleague=people["b"])
    swap_url = f"/rostering/swaps/{swap.pk}"
    for who in ("c", "manager"):  # nobody else answers for the colleague
        client.force_login(people[who].user)
        assert client.post(f"{swap_url}/answer", {"answer": "accept"}).status_code == 404
    client.force_login(people["b"].user)
    client.post(f"{swap_url}/answer", {"answer": "decline", "reason": "I am on leave that week"})
    client.force_login(people["a"].user)
    page = client.get(swap_url).content.decode()
    assert "Declined by the colleague" in page and "I am on leave that week" in page
    assert "Withdraw the request" not in page
    client.force_login(people["manager"].user)
    assert f'href="{swap_url}"' not in client.get("/rostering/swaps").content.decode()


# --- exports ------------------------------------------------------------------------------------


def test_the_roster_exports_as_csv(client, week):
    roster, people = week
    client.force_login(people["manager"].user)
    answer = client.get(f"/rostering/rosters/{roster.pk}.csv")
    assert answer["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.content.decode())))
    assert len(rows) == 4
    first = rows[0]
    assert (first["date"], first["staff_number"], first["shift_name"]) == (
        day(0).isoformat(), "a", "Late"
    )  # fmt: skip
    assert first["starts"].endswith("14:00") and first["ends"].endswith("22:00")


def test_the_teams_calendar_says_whose_shift_each_is(client, week):
    roster, people = week
    client.force_login(people["b"].user)
    calendar = icalendar.Calendar.from_ical(
        client.get(f"/rostering/rosters/{roster.pk}.ics").content
    )
    summaries = sorted(str(event["SUMMARY"]) for event in calendar.walk("VEVENT"))
    assert summaries[0] == "A: Early shift (A wing)" and len(summaries) == 4


def test_my_shifts_export_as_icalendar(client, week):
    _, people = week
    client.force_login(people["a"].user)
    answer = client.get("/rostering/my-shifts.ics")
    assert answer["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(answer.content)
    events = list(calendar.walk("VEVENT"))
    assert [str(e["SUMMARY"]) for e in events] == ["Late shift (A wing)", "Early shift (A wing)"]
    starts = events[0].decoded("DTSTART")
    assert (starts.date(), starts.hour) == (day(0), 14)
    assert str(starts.tzinfo) == "Europe/London"
    assert len({str(e["UID"]) for e in events}) == 2


# --- the JSON API -------------------------------------------------------------------------------


def _token(person) -> dict:
    _, secret = token_create(user=person.user, name="test", lifetime=None)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_api_my_shifts_and_team_roster_with_the_pages_permissions(client, week):
    roster, people = week
    shifts = client.get("/api/rostering/my-shifts", **_token(people["a"])).json()
    assert [(s["date"], s["shift"]) for s in shifts] == [
        (day(0).isoformat(), "L"), (day(2).isoformat(), "E")
    ]  # fmt: skip
    path = f"/api/rostering/teams/{roster.team.pk}/weeks/{MONDAY}"
    answer = client.get(path, **_token(people["b"])).json()
    assert answer["status"] == "published"
    assert {row["staff_number"]: row["shifts"][1] for row in answer["rows"]}["b"] == "E"
    assert client.get(path, **_token(people["outsider"])).status_code == 404
    assert client.get(path).status_code == 401
    draft = published(roster.team, people["manager"], {}, status=RosterStatus.SOLVED, version=2)
    asked = f"{path}?version={draft.pk}"
    assert client.get(asked, **_token(people["manager"])).json()["status"] == "solved"
    assert client.get(asked, **_token(people["b"])).json()["status"] == "published"


def test_api_swap_asked_refused_by_the_checker_accepted_then_approved(client, week):
    _, people = week
    asked = client.post(
        "/api/rostering/swaps",
        {"gives": day(2).isoformat(), "colleague_staff_number": "b", "takes": day(1).isoformat()},
        content_type="application/json",
        **_token(people["a"]),
    )
    assert asked.status_code == 422 and "11 hours" in asked.json()["message"]
    asked = client.post(
        "/api/rostering/swaps",
        {"gives": day(2).isoformat(), "colleague_staff_number": "b"},
        content_type="application/json",
        **_token(people["a"]),
    )
    assert asked.status_code == 201 and asked.json()["status"] == "asked"
    swap_id = asked.json()["id"]
    waiting = client.get("/api/rostering/swaps", **_token(people["manager"])).json()
    assert waiting["to_decide"] == []  # not before the colleague accepts
    waiting = client.get("/api/rostering/swaps", **_token(people["b"])).json()
    assert [s["id"] for s in waiting["to_answer"]] == [swap_id]
    path = f"/api/rostering/swaps/{swap_id}/answer"
    body = {"answer": "accept"}
    for who in ("a", "manager"):  # only the colleague asked answers
        answer = client.post(path, body, content_type="application/json", **_token(people[who]))
        assert answer.status_code == 404
    answer = client.post(path, body, content_type="application/json", **_token(people["b"]))
    assert answer.json()["status"] == "requested"
    waiting = client.get("/api/rostering/swaps", **_token(people["manager"])).json()
    assert [s["id"] for s in waiting["to_decide"]] == [swap_id]
    path = f"/api/rostering/swaps/{swap_id}/decision"
    body = {"decision": "approve"}
    refused = client.post(path, body, content_type="application/json", **_token(people["b"]))
    assert refused.status_code == 404  # a party to the swap never decides it
    decided = client.post(path, body, content_type="application/json", **_token(people["manager"]))
    assert decided.json()["status"] == "approved"
    assert Roster.objects.get().assignments.get(on=day(2)).person == people["b"]
