"""Rostering pages: the manager's grid by team and week, solving and repairing, the team's
night work (Working Time Regulations), my shifts on a phone, shift swaps, and exports. Views
stay thin: selectors read and decide who may see what (anyone else gets 404, never a hint),
services change; BadInput becomes an error on the page."""

from __future__ import annotations

import contextlib
import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from probity.apps.registers.views import signed_in
from probity.apps.rostering import exports, selectors, services
from probity.apps.rostering.forms import (
    AnswerForm,
    DecisionForm,
    NightWorkForm,
    ShiftRequestForm,
    SicknessForm,
    SolveForm,
    SwapForm,
    day_choices,
)
from probity.apps.rostering.models import (
    Roster,
    RosteredTeam,
    RosterStatus,
    ShiftRequest,
    SwapRequest,
    SwapStatus,
)
from probity.core.errors import BadInput

STATUS_TAGS = {
    RosterStatus.SOLVING: "govuk-tag--blue",
    RosterStatus.SOLVED: "govuk-tag--yellow",
    RosterStatus.FAILED: "govuk-tag--red",
    RosterStatus.PUBLISHED: "govuk-tag--green",
    RosterStatus.SUPERSEDED: "govuk-tag--grey",
    SwapStatus.ASKED: "govuk-tag--light-blue",
    SwapStatus.DECLINED: "govuk-tag--orange",
    SwapStatus.REQUESTED: "govuk-tag--blue",
    SwapStatus.APPROVED: "govuk-tag--green",
    SwapStatus.REFUSED: "govuk-tag--red",
    SwapStatus.WITHDRAWN: "govuk-tag--grey",
}


@require_safe
@signed_in
def index(request):
    context = {
        "teams": selectors.teams_managed(request.person),
        "own_team": selectors.team_of(request.person),
        "to_answer": selectors.swaps_to_answer(request.person).count(),
        "to_decide": len(selectors.swaps_to_decide(request.person)),
    }
    return render(request, "rostering/index.html", context)


# --- my shifts ----------------------------------------------------------------------------------


@require_safe
@signed_in
def my_shifts(request):
    shifts = selectors.my_shifts(request.person)
    context = {
        "shifts": shifts,
        "next_shift": shifts[0] if shifts else None,
        "own_team": selectors.team_of(request.person),
        "swaps": selectors.swaps_of(request.person)[:10],
        "to_answer": selectors.swaps_to_answer(request.person),
        "tags": STATUS_TAGS,
        "today": timezone.localdate(),
    }
    return render(request, "rostering/my_shifts.html", context)


@require_safe
@signed_in
def my_shifts_csv(request):
    rows = [(request.person, shift) for shift in selectors.my_shifts(request.person)]
    return _download(exports.shifts_csv(rows), "text/csv", "my-shifts.csv")


@require_safe
@signed_in
def my_shifts_ics(request):
    rows = [(request.person, shift) for shift in selectors.my_shifts(request.person)]
    body = exports.shifts_ics(rows, name="My shifts", host=request.get_host().split(":")[0])
    return _download(body, "text/calendar", "my-shifts.ics")


# --- team grid ----------------------------------------------------------------------------------


@require_safe
@signed_in
def team(request, pk: int):
    found = _visible_team(request, pk)
    this_week = selectors.week_start(timezone.localdate())
    return redirect("rostering:week", pk=found.pk, week=this_week.isoformat())


@require_safe
@signed_in
def week(request, pk: int, week: str):
    found = _visible_team(request, pk)
    monday = _monday(week)
    manager = selectors.may_manage(request.person, found)
    versions = selectors.rosters_covering(found, monday, published_only=not manager)
    chosen = _chosen_version(request, versions)
    context = {
        "team": found,
        "week": monday,
        "previous": monday - datetime.timedelta(days=7),
        "next": monday + datetime.timedelta(days=7),
        "manager": manager,
        "versions": versions,
        "grid": selectors.roster_grid(chosen, monday) if chosen else None,
        "tags": STATUS_TAGS,
    }
    return render(request, "rostering/week.html", context)


def _chosen_version(request, versions: list[Roster]) -> Roster | None:
    wanted = request.GET.get("version")
    for roster in versions:
        if wanted and str(roster.pk) == wanted:
            return roster
    for status in (RosterStatus.PUBLISHED, RosterStatus.SOLVED):
        found = [r for r in versions if r.status == status]
        if found:
            return found[0]
    return None


@require_http_methods(["GET", "POST"])
@signed_in
def solve(request, pk: int):
    found = _managed_team(request, pk)
    this_week = selectors.week_start(timezone.localdate())
    mondays = [this_week + datetime.timedelta(days=7 * n) for n in range(9)]
    form = SolveForm(request.POST or None, mondays=mondays, initial={"weeks": 1, "seconds": 10})
    if request.method == "POST" and form.is_valid():
        try:
            roster = services.roster_solve(
                team=found,
                start=form.cleaned_data["start"],
                weeks=form.cleaned_data["weeks"],
                seconds=form.cleaned_data["seconds"],
                actor=request.person,
            )
        except BadInput as problem:
            form.add_error(problem.field if problem.field in form.fields else None, problem.message)
        else:
            return redirect("rostering:roster", pk=roster.pk)
    status = 422 if form.errors else 200
    return render(request, "rostering/solve.html", {"team": found, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
@signed_in
def sickness(request, pk: int):
    """Record sickness, then repair the published roster from its first day."""
    found = _managed_team(request, pk)
    today = timezone.localdate()
    published = selectors.published_roster(found, today) or selectors.published_roster(
        found, today + datetime.timedelta(days=7)
    )
    if published is None:
        return render(request, "rostering/sickness.html", {"team": found, "published": None})
    people = list(selectors.rostered_staff(found))
    days = day_choices(published.start, 7 * published.weeks)
    form = SicknessForm(request.POST or None, people=people, days=days, initial={"days": 1})
    if request.method == "POST" and form.is_valid():
        first = form.cleaned_data["first_day"]
        sick = next(p for p in people if str(p.pk) == form.cleaned_data["person"])
        try:
            services.sickness_record(
                person=sick,
                first_day=first,
                last_day=first + datetime.timedelta(days=form.cleaned_data["days"] - 1),
                actor=request.person,
            )
            roster = services.roster_solve(
                team=found,
                start=published.start,
                weeks=published.weeks,
                actor=request.person,
                seconds=10,
                repairs=published,
                from_date=first,
            )
        except BadInput as problem:
            form.add_error(None, problem.message)
        else:
            return redirect("rostering:roster", pk=roster.pk)
    context = {"team": found, "published": published, "form": form}
    return render(request, "rostering/sickness.html", context, status=422 if form.errors else 200)


@require_safe
@signed_in
def night_work(request, pk: int):
    """Each rostered person's night work, for the team's managers to check and change."""
    found = _managed_team(request, pk)
    context = {"team": found, "people": selectors.rostered_staff(found).select_related("rostering")}
    return render(request, "rostering/night_work.html", context)


@require_http_methods(["GET", "POST"])
@signed_in
def night_work_change(request, pk: int, person: int):
    found = _managed_team(request, pk)
    member = get_object_or_404(
        selectors.rostered_staff(found).select_related("rostering"), pk=person
    )
    form = NightWorkForm(
        request.POST if request.method == "POST" else None, details=member.rostering
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.night_work_update(actor=request.person, person=member, **form.changes())
        except BadInput as problem:
            form.add_error(problem.field if problem.field in form.fields else None, problem.message)
        else:
            return redirect("rostering:night_work", pk=found.pk)
    context = {"team": found, "member": member, "form": form}
    status = 422 if form.errors else 200
    return render(request, "rostering/night_work_change.html", context, status=status)


# --- one roster version -------------------------------------------------------------------------


@require_safe
@signed_in
def roster(request, pk: int):
    found = _managed_roster(request, pk)
    context = {
        "roster": found,
        "progress": selectors.roster_progress(found),
        "measures": selectors.roster_measures(found),
        "tag": STATUS_TAGS[found.status],
        "weeks": [found.start + datetime.timedelta(days=7 * n) for n in range(found.weeks)],
        "error": request.session.pop(f"rostering:publish:{pk}", ""),
    }
    return render(request, "rostering/roster.html", context)


@require_safe
@signed_in
def progress(request, pk: int):
    return JsonResponse(selectors.roster_progress(_managed_roster(request, pk)))


@require_POST
@signed_in
def publish(request, pk: int):
    found = _managed_roster(request, pk)
    try:
        services.roster_publish(roster=found, actor=request.person)
    except BadInput as problem:
        request.session[f"rostering:publish:{pk}"] = problem.message
    return redirect("rostering:roster", pk=pk)


@require_safe
@signed_in
def roster_csv(request, pk: int):
    found = _visible_roster(request, pk)
    name = f"roster-{found.team.team.name}-{found.start}-v{found.version}.csv"
    return _download(exports.shifts_csv(selectors.roster_shifts(found)), "text/csv", name)


@require_safe
@signed_in
def roster_ics(request, pk: int):
    found = _visible_roster(request, pk)
    body = exports.shifts_ics(
        selectors.roster_shifts(found),
        name=f"{found.team} roster",
        host=request.get_host().split(":")[0],
        named=True,
    )
    return _download(body, "text/calendar", f"roster-{found.start}-v{found.version}.ics")


# --- shift requests -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@signed_in
def shift_requests(request):
    """Ask to work or be off a day (or a shift) in the next 8 weeks, for the next roster."""
    own_team = selectors.team_of(request.person)
    if own_team is None:
        raise Http404("You are not on a rostered team")
    shifts = list(own_team.establishment.shift_types.all())
    days = day_choices(timezone.localdate(), 56)
    form = ShiftRequestForm(request.POST or None, shifts=shifts, days=days)
    if request.method == "POST" and form.is_valid():
        chosen = next((s for s in shifts if s.code == form.cleaned_data["shift"]), None)
        try:
            services.shift_request_add(
                actor=request.person,
                on=form.cleaned_data["on"],
                shift=chosen,
                work=form.cleaned_data["work"] == "work",
            )
        except BadInput as problem:
            form.add_error(problem.field if problem.field in form.fields else None, problem.message)
        else:
            return redirect("rostering:requests")
    context = {"form": form, "requests": selectors.shift_requests_of(request.person)}
    status = 422 if form.errors else 200
    return render(request, "rostering/requests.html", context, status=status)


@require_POST
@signed_in
def shift_request_withdraw(request, pk: int):
    found = get_object_or_404(ShiftRequest, pk=pk, person=request.person)
    services.shift_request_withdraw(actor=request.person, request=found)
    return redirect("rostering:requests")


# --- swaps --------------------------------------------------------------------------------------


@require_safe
@signed_in
def swaps(request):
    context = {
        "mine": selectors.swaps_of(request.person),
        "to_answer": selectors.swaps_to_answer(request.person),
        "to_decide": selectors.swaps_to_decide(request.person),
        "tags": STATUS_TAGS,
    }
    return render(request, "rostering/swaps.html", context)


@require_http_methods(["GET", "POST"])
@signed_in
def swap_new(request, day: str):
    gives = _date(day)
    own_team = selectors.team_of(request.person)
    published = own_team and selectors.published_roster(own_team, gives)
    shift = published and selectors.shift_on(published, request.person, gives)
    if not shift:
        raise Http404("You have no published shift that day")
    colleagues = list(selectors.swap_colleagues(request.person, own_team))
    days = day_choices(published.start, 7 * published.weeks)
    form = SwapForm(request.POST or None, colleagues=colleagues, days=days)
    if request.method == "POST" and form.is_valid():
        colleague = next(p for p in colleagues if str(p.pk) == form.cleaned_data["colleague"])
        try:
            created = services.swap_request(
                actor=request.person,
                gives=gives,
                colleague=colleague,
                takes=form.cleaned_data["takes"],
                reason=form.cleaned_data["reason"],
            )
        except BadInput as problem:
            field = problem.field if problem.field in form.fields else "colleague"
            form.add_error(field, problem.message)
        else:
            return redirect("rostering:swap", pk=created.pk)
    context = {"form": form, "shift": shift, "gives": gives}
    return render(request, "rostering/swap_new.html", context, status=422 if form.errors else 200)


@require_safe
@signed_in
def swap(request, pk: int):
    return _swap_page(request, _visible_swap(request, pk))


@require_POST
@signed_in
def swap_answer(request, pk: int):
    return _swap_response(request, pk, AnswerForm, selectors.may_answer_swap, "answer_form")


@require_POST
@signed_in
def swap_decide(request, pk: int):
    return _swap_response(request, pk, DecisionForm, selectors.may_decide_swap, "decision_form")


def _swap_response(request, pk: int, form_class, may, form_name: str):
    found = _visible_swap(request, pk)
    if not may(request.person, found):
        raise Http404("No such swap")
    form = form_class(request.POST)
    if form.is_valid():
        try:
            services.swap_respond(
                swap=found,
                actor=request.person,
                field=form.choice,
                choice=form.cleaned_data[form.choice],
                reason=form.cleaned_data["reason"],
            )
        except BadInput as problem:
            form.add_error(None, problem.message)
        else:
            return redirect("rostering:swap", pk=pk)
    return _swap_page(request, found, **{form_name: form})


@require_POST
@signed_in
def swap_withdraw(request, pk: int):
    found = _visible_swap(request, pk)
    with contextlib.suppress(BadInput, PermissionDenied):  # the page shows the swap as it is
        services.swap_withdraw(swap=found, actor=request.person)
    return redirect("rostering:swap", pk=pk)


# --- helpers ------------------------------------------------------------------------------------


def _download(body, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise Http404("Not a date") from None


def _monday(text: str) -> datetime.date:
    return selectors.week_start(_date(text))


def _visible_team(request, pk: int) -> RosteredTeam:
    found = get_object_or_404(RosteredTeam.objects.select_related("team", "establishment"), pk=pk)
    if not selectors.may_see_published(request.person, found):
        raise Http404("No such team")
    return found


def _managed_team(request, pk: int) -> RosteredTeam:
    found = _visible_team(request, pk)
    if not selectors.may_manage(request.person, found):
        raise Http404("No such team")
    return found


def _managed_roster(request, pk: int) -> Roster:
    found = get_object_or_404(Roster.objects.select_related("team__team"), pk=pk)
    if not selectors.may_manage(request.person, found.team):
        raise Http404("No such roster")
    return found


def _visible_roster(request, pk: int) -> Roster:
    found = get_object_or_404(Roster.objects.select_related("team__team"), pk=pk)
    if selectors.may_manage(request.person, found.team):
        return found
    if found.status == RosterStatus.PUBLISHED and selectors.may_see_published(
        request.person, found.team
    ):
        return found
    raise Http404("No such roster")


def _swap_page(request, swap: SwapRequest, *, answer_form=None, decision_form=None):
    """The swap, with the one question the person may answer now: the colleague's accept or
    decline, or a manager's decision once the colleague accepted (a form with errors again)."""
    person = request.person
    if answer_form is None and swap.status == SwapStatus.ASKED:
        answer_form = AnswerForm() if selectors.may_answer_swap(person, swap) else None
    if decision_form is None and swap.status == SwapStatus.REQUESTED:
        decision_form = DecisionForm() if selectors.may_decide_swap(person, swap) else None
    context = {
        "swap": swap,
        "tags": STATUS_TAGS,
        "answer_form": answer_form,
        "form": decision_form,
        "may_withdraw": swap.status in (SwapStatus.ASKED, SwapStatus.REQUESTED)
        and swap.requester_id == person.pk,
    }
    failed = any(form is not None and form.errors for form in (answer_form, decision_form))
    return render(request, "rostering/swap.html", context, status=422 if failed else 200)


def _visible_swap(request, pk: int):
    found = get_object_or_404(
        SwapRequest.objects.select_related(
            "requester", "colleague", "roster__team__team", "decided_by"
        ),
        pk=pk,
    )
    if not selectors.may_see_swap(request.person, found):
        raise Http404("No such swap")
    return found
