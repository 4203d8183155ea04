"""Made-up but plausible roster problems for benchmarks, demos and tests (seeded, repeatable).

- `prison_establishment(staff=300, weeks=8)`: a prison's operational staff (OSG, Band 3
  officers, Band 4 supervisors) on Early, Late, Long day and Night shifts, with demand by
  weekday and grade, a quarter of staff on agreed flexible-working arrangements (part-time,
  compressed hours, fixed rest days, term-time, no nights, job shares, minimum hours,
  annualised hours), approved leave and TOIL, 48-hour opt-outs and weighted requests.
  Demand is sized so that preferred cover takes nearly all contracted hours.
- `nrp_like(staff=150, weeks=52)`: an instance in the NRP benchmark's terms (per-person
  limits, days off, requests, soft cover) the size of the largest published instance, to
  show how the solver scales.
"""

from __future__ import annotations

import dataclasses
import datetime
import random

from probity.core.rostering.model import (
    NRP_RULES,
    AnnualisedHours,
    Arrangement,
    Cover,
    Limits,
    Problem,
    Request,
    ShiftType,
    Staff,
)

PRISON_SHIFTS = (
    ShiftType("E", 480, start=7 * 60, name="Early"),
    ShiftType("L", 480, start=13 * 60 + 30, name="Late"),
    ShiftType("LD", 720, start=7 * 60 + 30, name="Long day"),
    ShiftType("N", 660, start=20 * 60 + 45, night=True, name="Night"),
)
# Staff on a shift at once, per 100 staff, weekday and weekend; split by grade below.
PRISON_DEMAND = {"E": (22, 18), "L": (20, 17), "LD": (9, 7), "N": (8, 8)}
GRADES = (("OSG", 0.2), ("B3", 0.65), ("B4", 0.15))


def prison_establishment(staff: int = 300, weeks: int = 8, seed: int = 1) -> Problem:
    rng = random.Random(seed)
    start = datetime.date(2026, 1, 5)  # a Monday
    horizon = 7 * weeks
    people = _prison_staff(rng, staff, horizon, start)
    cover = _prison_cover(staff, horizon, start)
    requests = _requests(rng, people, horizon, PRISON_SHIFTS, per_person=4)
    return Problem(
        start=start,
        horizon=horizon,
        shifts=PRISON_SHIFTS,
        cover=tuple(cover),
        staff=tuple(people),
        requests=tuple(requests),
        name=f"Generated establishment, {staff} staff, {weeks} weeks",
    )


def _prison_staff(
    rng: random.Random, count: int, horizon: int, start: datetime.date
) -> list[Staff]:
    people = []
    index = 0
    while len(people) < count:
        index += 1
        grade = rng.choices([g for g, _ in GRADES], [w for _, w in GRADES])[0]
        skills = frozenset({"B3"} if grade == "B4" else set())
        base = {
            "id": f"s{index:03d}",
            "name": f"Officer {index:03d}",
            "grade": grade,
            "skills": skills,
            "contracted_minutes": 37 * 60 if grade != "OSG" else 39 * 60,
            "leave_days": _leave(rng, horizon),
            "toil_days": frozenset({rng.randrange(horizon)}) if rng.random() < 0.2 else frozenset(),
            "opted_out_48h": rng.random() < 0.1,
            "night_worker": rng.random() < 0.2,
            # offered on the first day, so reg. 7 leaves nights open for a year's roster
            "night_assessment_offered": start,
        }
        kind = rng.random()
        if kind < 0.06 and len(people) + 2 <= count:  # a job share: two people, one post
            partner = f"s{index + 1:03d}"
            for me, other in ((base["id"], partner), (partner, base["id"])):
                terms = Arrangement(
                    description="Job share", job_share_with=other, max_days_per_week=3
                )
                fields = {**base, "id": me, "name": f"Officer {me[1:]}"}
                fields["contracted_minutes"] = 18 * 60 + 30
                people.append(Staff(**fields, arrangement=terms))
            index += 1
            continue
        people.append(Staff(**base, arrangement=_arrangement(rng, kind)))
        people[-1] = _contract_for(people[-1], rng, horizon)
    return people


def _arrangement(rng: random.Random, kind: float) -> Arrangement:
    if kind < 0.12:
        return Arrangement(
            description="Part-time, three days", max_days_per_week=3, max_minutes_per_week=26 * 60
        )
    if kind < 0.16:
        return Arrangement(
            description="Compressed hours: four long days",
            shifts=frozenset({"LD", "N"}),
            max_days_per_week=4,
        )
    if kind < 0.20:
        rest = frozenset(rng.sample(range(7), 2))
        return Arrangement(description="Fixed rest days (caring)", fixed_rest_weekdays=rest)
    if kind < 0.23:
        return Arrangement(description="No nights (caring)", no_nights=True)
    if kind < 0.25:
        return Arrangement(description="Term-time only", unavailable_days=frozenset(range(42, 49)))
    if kind < 0.27:
        return Arrangement(description="Minimum-hours contract", min_minutes_per_week=16 * 60)
    return Arrangement()


def _contract_for(person: Staff, rng: random.Random, horizon: int) -> Staff:
    description = person.arrangement.description
    if description.startswith("Part-time"):
        return dataclasses.replace(person, contracted_minutes=22 * 60 + 12)
    if description.startswith("Minimum-hours"):
        return dataclasses.replace(person, contracted_minutes=16 * 60)
    if description.startswith("Term-time"):
        return dataclasses.replace(person, contracted_minutes=32 * 60)
    if rng.random() < 0.15:  # annualised hours, part way through the year
        worked = rng.randint(-40, 40) * 60 + 37 * 60 * 26
        annual = AnnualisedHours(37 * 60 * 52, worked, reference_days_left=26 * 7)
        return dataclasses.replace(person, annualised=annual)
    return person


def _leave(rng: random.Random, horizon: int) -> frozenset[int]:
    """About a week's leave in eight weeks for most people, in one block."""
    if rng.random() < 0.3:
        return frozenset()
    first = rng.randrange(0, horizon - 7)
    return frozenset(range(first, first + rng.choice((3, 5, 7))))


def _prison_cover(staff: int, horizon: int, start: datetime.date) -> list[Cover]:
    cover = []
    for day in range(horizon):
        weekend = (start.weekday() + day) % 7 >= 5
        for shift, (weekday_need, weekend_need) in PRISON_DEMAND.items():
            preferred = round((weekend_need if weekend else weekday_need) * staff / 100)
            minimum = int(preferred * 0.75)
            cover.append(Cover(day, shift, minimum, preferred, None, 10, 2))
            supervisors = max(1, round(preferred * 0.12))
            cover.append(Cover(day, shift, int(supervisors * 0.7), supervisors, "B4", 10, 0))
            if shift != "N":
                osg = max(1, round(preferred * 0.15))
                cover.append(Cover(day, shift, int(osg * 0.7), osg, "OSG", 5, 0))
    return cover


def _requests(
    rng: random.Random, people: list[Staff], horizon: int, shifts, per_person: int
) -> list[Request]:
    requests = []
    for person in people:
        for day in rng.sample(range(horizon), per_person):
            if rng.random() < 0.7:
                requests.append(Request(person.id, day, None, False, rng.choice((1, 2, 3))))
            else:
                shift = rng.choice([s.id for s in shifts if not s.night])
                requests.append(Request(person.id, day, shift, True, rng.choice((1, 2))))
    return requests


NRP_SHIFTS = (
    ShiftType("E", 480, forbidden_next=frozenset()),
    ShiftType("D", 480, forbidden_next=frozenset()),
    ShiftType("L", 480, forbidden_next=frozenset({"E", "D"})),
    ShiftType("N", 600, forbidden_next=frozenset({"E", "D", "L"})),
)


def nrp_like(staff: int = 150, weeks: int = 52, seed: int = 1) -> Problem:
    """An NRP-format instance (hard limits, soft cover, weighted requests) of any size."""
    rng = random.Random(seed)
    horizon = 7 * weeks
    people = []
    for index in range(staff):
        allowed = {s.id: horizon for s in NRP_SHIFTS}
        for shift in rng.sample(["E", "L", "N"], rng.choice((0, 0, 1))):
            allowed[shift] = 0
        allowed["N"] = min(allowed["N"], 4 * weeks // 4)
        off = frozenset(rng.sample(range(horizon), weeks // 2))
        people.append(
            Staff(
                id=f"P{index:03d}",
                days_off=off,
                limits=Limits(
                    max_shifts=allowed,
                    max_minutes=weeks * 2400,
                    min_minutes=weeks * 1900,
                    max_consecutive=5,
                    min_consecutive=2,
                    min_consecutive_off=2,
                    max_weekends=weeks // 2,
                ),
            )
        )
    cover = []
    for day in range(horizon):
        weekend = day % 7 >= 5
        for shift in NRP_SHIFTS:
            need = round(staff * (0.11 if not weekend else 0.08)) + rng.randint(-2, 2)
            cover.append(Cover(day, shift.id, 0, max(1, need), None, 100, 1))
    requests = _requests(rng, people, horizon, NRP_SHIFTS, per_person=weeks)
    return Problem(
        start=datetime.date(2024, 1, 1),
        horizon=horizon,
        shifts=NRP_SHIFTS,
        cover=tuple(cover),
        staff=tuple(people),
        requests=tuple(requests),
        rules=NRP_RULES,
        name=f"Generated NRP-like, {staff} staff, {weeks} weeks",
    )
