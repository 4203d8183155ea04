"""How the rostering app scales: a generated wing of --staff people over --weeks weeks,
stored in a throwaway database, then each step a manager or officer causes, timed.

    .venv/bin/python benchmarks/roster_pages.py                      # 150 staff, 4 weeks
    .venv/bin/python benchmarks/roster_pages.py --staff 300 --weeks 8 --seconds 60

The wing comes from probity.core.rostering.generate.prison_establishment (its demand, grades
and leave; its flexible-working arrangements are left out, since in the app they come from
the offer's agreed requests). Steps: building the core problem from the database
(problems.problem_for), solving it (services.roster_solve, inline), the manager's grid for one
week (selectors.roster_grid), checking a shift swap (services.swap_breaks), one officer's
shifts and the whole roster as CSV and iCalendar. Each time is also given as a ratio to
problem_for, the read every page starts from.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=150)
    parser.add_argument("--weeks", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=20, help="solver time limit")
    args = parser.parse_args()
    os.environ["PROBITY_HOME"] = tempfile.mkdtemp(prefix="probity-roster-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "probity.web.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.PROBITY_ROSTER_INLINE_SECONDS = args.seconds + 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    call_command("migrate", verbosity=0)
    team, manager, people = _wing(args.staff, args.weeks)
    return _measure(team, manager, people, args)


def _wing(staff: int, weeks: int):
    from probity.apps.people.models import Organisation, Person, Team
    from probity.apps.rostering.models import (
        Absence,
        Demand,
        Establishment,
        RosteredTeam,
        ShiftType,
        StaffDetails,
    )
    from probity.core.rostering.generate import prison_establishment

    generated = prison_establishment(staff=staff, weeks=weeks)
    org = Organisation.objects.create(name="HMP Bench", slug="hmp-bench")
    establishment = Establishment.objects.create(organisation=org, name="HMP Bench")
    team = Team.objects.create(organisation=org, name="Wing")
    wing = RosteredTeam.objects.create(establishment=establishment, team=team)
    manager = Person.objects.create(organisation=org, name="Manager", staff_number="m")
    shifts = {
        shift.id: ShiftType.objects.create(
            establishment=establishment,
            code=shift.id,
            name=shift.label,
            starts=datetime.time(shift.start // 60, shift.start % 60),
            length_minutes=shift.length,
            night=shift.night,
            may_not_follow=sorted(shift.forbidden_next),
        )
        for shift in generated.shifts
    }
    Demand.objects.bulk_create(
        Demand(
            team=wing,
            shift=shifts[cover.shift],
            on=generated.date(cover.day),
            minimum=cover.minimum,
            preferred=cover.preferred,
            skill=cover.skill or "",
        )
        for cover in generated.cover
    )
    people = []
    for member in generated.staff:
        person = Person.objects.create(
            organisation=org, name=member.label, staff_number=member.id, team=team,
            line_manager=manager,
        )  # fmt: skip
        StaffDetails.objects.create(
            person=person,
            grade=member.grade,
            skills=sorted(member.skills),
            contracted_hours=Decimal(member.contracted_minutes) / 60,
            opted_out_48h=member.opted_out_48h,
            night_worker=member.night_worker,
            night_assessment_offered=member.night_assessment_offered,
        )
        for day in sorted(member.leave_days):
            on = generated.date(day)
            Absence.objects.create(person=person, kind="leave", first_day=on, last_day=on)
        people.append(person)
    return wing, manager, people


def _timed(label: str, call, results: list):
    started = time.perf_counter()
    value = call()
    results.append((label, time.perf_counter() - started))
    return value


def _measure(team, manager, people, args) -> int:
    from probity.apps.rostering import exports, selectors, services
    from probity.apps.rostering.models import Assignment
    from probity.apps.rostering.problems import problem_for
    from probity.core.rostering.generate import prison_establishment

    start = prison_establishment(staff=args.staff, weeks=args.weeks).start
    results: list[tuple[str, float]] = []
    _timed("problem_for (the read every page starts from)",
           lambda: problem_for(team, start, args.weeks), results)  # fmt: skip
    roster = _timed(
        f"roster_solve ({args.seconds} s limit)",
        lambda: services.roster_solve(
            team=team, start=start, weeks=args.weeks, actor=manager, seconds=args.seconds
        ),
        results,
    )
    if roster.status != "solved":
        print(f"no roster: {roster.status} {roster.failure}")
        return 1
    services.roster_publish(roster=roster, actor=manager)
    _timed("roster_grid, one week", lambda: selectors.roster_grid(roster, start), results)
    given = Assignment.objects.filter(roster=roster).order_by("on").first()
    colleague = next(p for p in people if p.pk != given.person_id)
    _timed(
        "swap_breaks (the checker, before and after)",
        lambda: services.swap_breaks(roster, given.person, colleague, given.on, None),
        results,
    )
    _timed("my_shifts", lambda: selectors.my_shifts(given.person, since=start), results)
    rows = _timed("roster_shifts", lambda: selectors.roster_shifts(roster), results)
    _timed("CSV export", lambda: exports.shifts_csv(rows), results)
    _timed("iCalendar export", lambda: exports.shifts_ics(rows, name="Wing", host="bench"),
           results)  # fmt: skip
    base = results[0][1]
    solver = f"{roster.solver_status}, penalty {roster.objective}, gap {roster.gap_percent}%"
    print(f"{args.staff} staff, {args.weeks} weeks, {len(rows)} shifts; solver {solver}")
    print(f"{'step':52} {'seconds':>9} {'x problem_for':>14}")
    for label, seconds in results:
        print(f"{label:52} {seconds:9.3f} {seconds / base:14.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
