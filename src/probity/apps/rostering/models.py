"""Rostering in the database: what `services.problem_for` turns into a core `Problem`.

- `Establishment` (a prison, linked to its people.Organisation) holds the shift types and the
  school holidays that term-time arrangements keep free; `RosteredTeam` makes a people.Team
  rostered there and names its detail-office planners (besides the members' line managers).
- `Demand`: staff wanted on a shift, by weekday (or one date), minimum (hard) and preferred
  (soft), optionally of a grade or skill.
- `StaffDetails`: a person's grade, skills, contract, working pattern, annualised-hours target
  and 48-hour opt-out. Agreed flexible-working arrangements come from the offer app.
- `Absence` (approved leave, TOIL, sickness) and `ShiftRequest` (a wish to work or be off).
- `Roster`: one version of a team's roster for some weeks; solved → published (→ superseded
  by a later version); its `Assignment` rows are the shifts. `SwapRequest`: two people swap
  shifts on a published roster: asked of the colleague, who accepts or declines; once
  accepted, a manager of the team approves or refuses it.

State changes happen only in services.py: the FSM fields are protected.
"""

from __future__ import annotations

import datetime

from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords


class Establishment(models.Model):
    organisation = models.ForeignKey(
        "people.Organisation", on_delete=models.CASCADE, related_name="establishments"
    )
    name = models.CharField(max_length=200)
    school_holidays = models.JSONField(
        default=list,
        blank=True,
        help_text='Days term-time arrangements keep free: [["2026-02-16", "2026-02-20"], …]',
    )

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    def holiday_dates(self) -> set[datetime.date]:
        dates = set()
        for first, last in self.school_holidays:
            day = datetime.date.fromisoformat(first)
            while day <= datetime.date.fromisoformat(last):
                dates.add(day)
                day += datetime.timedelta(days=1)
        return dates


class RosteredTeam(models.Model):
    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="teams")
    team = models.OneToOneField("people.Team", on_delete=models.CASCADE, related_name="rostering")
    planners = models.ManyToManyField(
        "people.Person",
        blank=True,
        related_name="planned_teams",
        help_text="Detail-office planners who see and edit this team's rosters.",
    )

    class Meta:
        ordering = ("team__name",)

    def __str__(self) -> str:
        return str(self.team)


class ShiftType(models.Model):
    establishment = models.ForeignKey(
        Establishment, on_delete=models.CASCADE, related_name="shift_types"
    )
    code = models.SlugField(max_length=8, help_text="Short code shown in the grid, e.g. E")
    name = models.CharField(max_length=60)
    starts = models.TimeField()
    length_minutes = models.PositiveIntegerField()
    night = models.BooleanField(default=False)
    may_not_follow = models.JSONField(
        default=list, blank=True, help_text="Codes of shifts that may not come the day after"
    )

    class Meta:
        ordering = ("establishment", "starts")
        constraints = (
            models.UniqueConstraint(
                fields=["establishment", "code"], name="rostering_shifttype_unique_code"
            ),
        )

    def __str__(self) -> str:
        return self.name

    @property
    def start_minutes(self) -> int:
        return self.starts.hour * 60 + self.starts.minute

    def ends(self, on: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(on, self.starts) + datetime.timedelta(
            minutes=self.length_minutes
        )


class Demand(models.Model):
    """Staff wanted on a shift: every `weekday` (0 = Monday), or only `on` a date (which then
    replaces the weekday's lines for that shift)."""

    team = models.ForeignKey(RosteredTeam, on_delete=models.CASCADE, related_name="demand")
    shift = models.ForeignKey(ShiftType, on_delete=models.CASCADE, related_name="demand")
    weekday = models.PositiveSmallIntegerField(null=True, blank=True)
    on = models.DateField(null=True, blank=True)
    minimum = models.PositiveSmallIntegerField()
    preferred = models.PositiveSmallIntegerField()
    skill = models.CharField(max_length=20, blank=True, help_text="A grade or skill, or blank")

    class Meta:
        ordering = ("team", "on", "weekday", "shift")
        constraints = (
            models.CheckConstraint(
                condition=models.Q(weekday__isnull=False) ^ models.Q(on__isnull=False),
                name="rostering_demand_weekday_or_date",
            ),
        )


class Grade(models.TextChoices):
    OSG = "OSG", "Operational support grade"
    B3 = "B3", "Band 3 prison officer"
    B4 = "B4", "Band 4 supervising officer"
    B5 = "B5", "Band 5 custodial manager"


class StaffDetails(models.Model):
    person = models.OneToOneField(
        "people.Person", on_delete=models.CASCADE, related_name="rostering"
    )
    grade = models.CharField(max_length=8, choices=Grade.choices)
    skills = models.JSONField(default=list, blank=True)
    contracted_hours = models.DecimalField(max_digits=5, decimal_places=2)
    working_pattern = models.CharField(
        max_length=200,
        blank=True,
        help_text='Repeating shift codes from pattern_start, "-" for a day off: "E E L L - - -"',
    )
    pattern_start = models.DateField(null=True, blank=True)
    annualised_hours = models.DecimalField(
        max_digits=7, decimal_places=2, null=True, blank=True, help_text="Hours owed a year"
    )
    reference_start = models.DateField(null=True, blank=True)
    hours_brought_forward = models.DecimalField(
        max_digits=7, decimal_places=2, default=0, help_text="Worked this reference period before"
    )
    opted_out_48h = models.BooleanField(default=False)
    night_worker = models.BooleanField(
        default=False,
        help_text="Works at least 3 hours of night time as a normal course: "
        "at most 8 hours in each 24 on average, opt-out or not (Working Time Regulations)",
    )
    hazardous_night_work = models.BooleanField(
        default=False,
        help_text="Night work with special hazards or heavy physical or mental strain: at most "
        "8 hours' work in any 24 with night work in them (Working Time Regulations)",
    )
    night_assessment_offered = models.DateField(
        null=True,
        blank=True,
        help_text="When a free health assessment was last offered: a night worker works nights "
        "only within 12 months of it (Working Time Regulations reg. 7(1))",
    )
    night_work_advised_against = models.BooleanField(
        default=False,
        help_text="A registered medical practitioner advised that night work harms their health: "
        "no night shifts (Working Time Regulations reg. 7(6))",
    )

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.person.name}: {self.grade}, {self.contracted_hours} hours"


class Absence(models.Model):
    class Kind(models.TextChoices):
        LEAVE = "leave", "Annual leave"
        TOIL = "toil", "Time off in lieu"
        SICK = "sick", "Sick"

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="absences")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    first_day = models.DateField()
    last_day = models.DateField()
    recorded_by = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ("first_day",)


class ShiftRequest(models.Model):
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="shift_requests"
    )
    on = models.DateField()
    shift = models.ForeignKey(ShiftType, on_delete=models.CASCADE, null=True, blank=True)
    work = models.BooleanField(help_text="True: wants to work it; False: wants it off")
    weight = models.PositiveSmallIntegerField(default=10)

    class Meta:
        ordering = ("on",)


class RosterStatus(models.TextChoices):
    SOLVING = "solving", "Being worked out"
    SOLVED = "solved", "Ready to review"
    FAILED = "failed", "No roster found"
    PUBLISHED = "published", "Published"
    SUPERSEDED = "superseded", "Replaced by a later version"


class Roster(ConcurrentTransitionMixin, models.Model):
    team = models.ForeignKey(RosteredTeam, on_delete=models.CASCADE, related_name="rosters")
    start = models.DateField(help_text="A Monday")
    weeks = models.PositiveSmallIntegerField()
    version = models.PositiveIntegerField()
    status = FSMField(
        max_length=16, choices=RosterStatus.choices, default=RosterStatus.SOLVING, protected=True
    )
    repairs = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="repaired_by"
    )
    repair_from = models.DateField(null=True, blank=True, help_text="Days before stay as they were")
    created_by = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    time_limit = models.PositiveIntegerField(help_text="Seconds the solver may take")
    solver_status = models.CharField(max_length=16, blank=True)
    objective = models.IntegerField(null=True, blank=True)
    best_bound = models.FloatField(null=True, blank=True)
    solve_seconds = models.FloatField(null=True, blank=True)
    changes = models.IntegerField(null=True, blank=True, help_text="Staff-days a repair changed")
    conflicts = models.JSONField(default=list, blank=True)
    failure = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ("team", "-start", "-version")
        constraints = (
            models.UniqueConstraint(
                fields=["team", "start", "version"], name="rostering_roster_unique_version"
            ),
        )

    def __str__(self) -> str:
        return f"{self.team} from {self.start:%d %b %Y}, version {self.version}"

    @property
    def end(self) -> datetime.date:
        return self.start + datetime.timedelta(days=7 * self.weeks - 1)

    @property
    def gap_percent(self) -> int | None:
        """How far the penalty may be above the best possible, as the solver's bound proves."""
        if self.objective is None or self.best_bound is None:
            return None
        return round(100 * max(0.0, self.objective - self.best_bound) / max(1, abs(self.objective)))

    @transition(field=status, source=RosterStatus.SOLVING, target=RosterStatus.SOLVED)
    def solved(self) -> None:
        pass

    @transition(field=status, source=RosterStatus.SOLVING, target=RosterStatus.FAILED)
    def fail(self) -> None:
        pass

    @transition(field=status, source=RosterStatus.SOLVED, target=RosterStatus.PUBLISHED)
    def publish(self) -> None:
        pass

    @transition(field=status, source=RosterStatus.PUBLISHED, target=RosterStatus.SUPERSEDED)
    def supersede(self) -> None:
        pass


class Assignment(models.Model):
    roster = models.ForeignKey(Roster, on_delete=models.CASCADE, related_name="assignments")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="shifts")
    on = models.DateField()
    shift = models.ForeignKey(ShiftType, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ("on", "shift__starts")
        constraints = (
            models.UniqueConstraint(
                fields=["roster", "person", "on"], name="rostering_assignment_one_a_day"
            ),
        )


class SwapStatus(models.TextChoices):
    # "requested" keeps its meaning from before colleagues answered: waiting for a manager.
    ASKED = "asked", "Waiting for the colleague"
    DECLINED = "declined", "Declined by the colleague"
    REQUESTED = "requested", "Waiting for a manager"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"


class SwapRequest(ConcurrentTransitionMixin, models.Model):
    """`requester` gives their shift on `gives` to `colleague`, and works the colleague's shift
    on `takes` (if any: without one it is a shift given away). The colleague answers first
    (`answered_at`, with an optional `answer_reason` when declining); a manager decides after."""

    roster = models.ForeignKey(Roster, on_delete=models.PROTECT, related_name="swaps")
    requester = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="swaps_asked"
    )
    colleague = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="swaps_offered"
    )
    gives = models.DateField()
    takes = models.DateField(null=True, blank=True)
    reason = models.TextField(blank=True)
    status = FSMField(
        max_length=16, choices=SwapStatus.choices, default=SwapStatus.ASKED, protected=True
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    broken_rules = models.JSONField(default=list, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ("-requested_at",)

    @property
    def status_label(self) -> str:
        if self.status == SwapStatus.ASKED:
            return f"Waiting for {self.colleague.name}"
        return self.get_status_display()

    @transition(field=status, source=SwapStatus.ASKED, target=SwapStatus.REQUESTED)
    def accept(self) -> None:
        pass

    @transition(field=status, source=SwapStatus.ASKED, target=SwapStatus.DECLINED)
    def decline(self) -> None:
        pass

    @transition(field=status, source=SwapStatus.REQUESTED, target=SwapStatus.APPROVED)
    def approve(self) -> None:
        pass

    @transition(field=status, source=SwapStatus.REQUESTED, target=SwapStatus.REFUSED)
    def refuse(self) -> None:
        pass

    @transition(
        field=status, source=(SwapStatus.ASKED, SwapStatus.REQUESTED), target=SwapStatus.WITHDRAWN
    )
    def withdraw(self) -> None:
        pass
