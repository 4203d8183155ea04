"""Organisations, the codes they adopt, their people, line management and office holders.

Who may give permission or receive a declaration comes from here: a person's line manager
(`Person.line_manager`) and the organisation's office holders (`OfficeHolder`). Resolving an
authority of the guidance to a person is `selectors.authority_resolve`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from probity.apps.people.offices import REGISTER_KEEPER, office_choices, office_ids, role_choices
from probity.core.codes import code_ids, load_code
from probity.core.vocabulary import vocabulary


def code_choices() -> list[tuple[str, str]]:
    return [(code_id, f"{code_id} — {load_code(code_id).title}") for code_id in code_ids()]


def validate_code_id(value: str) -> None:
    if value not in code_ids():
        raise ValidationError(
            "%(value)s is not a code Probity holds; known codes: %(known)s",
            params={"value": value, "known": ", ".join(code_ids())},
            code="unknown_code",
        )


def validate_role(value: str) -> None:
    if value not in vocabulary().roles:
        raise ValidationError(
            "%(value)s is not a role; roles: %(known)s",
            params={"value": value, "known": ", ".join(vocabulary().roles)},
            code="unknown_role",
        )


def validate_office(value: str) -> None:
    if value not in office_ids():
        raise ValidationError(
            "%(value)s is not an office; offices: %(known)s",
            params={"value": value, "known": ", ".join(office_ids())},
            code="unknown_office",
        )


class Organisation(models.Model):
    """A justice-sector body that adopts one or more codes, e.g. a probation service."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    is_demo = models.BooleanField(
        default=False, help_text="Demonstration data loaded by `probity demo`, not real people."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    def adopted_code_ids(self) -> list[str]:
        """The codes this organisation adopts, in Probity's order of codes."""
        adopted = {a.code_id for a in self.adopted_codes.all()}
        return [code_id for code_id in code_ids() if code_id in adopted]


class AdoptedCode(models.Model):
    """An organisation adopts a code: its people may be bound by it (in the roles it covers)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="adopted_codes"
    )
    code_id = models.CharField(max_length=64, choices=code_choices, validators=[validate_code_id])
    adopted_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ("organisation", "code_id")
        constraints = (
            models.UniqueConstraint(
                fields=["organisation", "code_id"], name="people_adoptedcode_once_per_code"
            ),
        )

    def __str__(self) -> str:
        return f"{self.organisation} adopts {self.code_id}"


class Team(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ("organisation", "name")
        constraints = (
            models.UniqueConstraint(
                fields=["organisation", "name"], name="people_team_unique_name"
            ),
        )

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """Someone who works or volunteers for an organisation, with their line manager."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="people")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        help_text="The account this person signs in with, if they have one.",
    )
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    staff_number = models.CharField(max_length=64)
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="members"
    )
    line_manager = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        help_text="Gives permissions and receives declarations addressed to 'your line manager'.",
    )
    active = models.BooleanField(
        default=True, help_text="Untick when the person leaves; their records are kept."
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ("organisation", "name")
        verbose_name_plural = "people"
        constraints = (
            models.UniqueConstraint(
                fields=["organisation", "staff_number"], name="people_person_unique_staff_number"
            ),
            models.CheckConstraint(
                condition=~models.Q(line_manager=models.F("pk")),
                name="people_person_not_own_line_manager",
            ),
        )

    def __str__(self) -> str:
        return f"{self.name} ({self.staff_number})"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        manager = self.line_manager
        if manager is not None:
            if manager.organisation_id != self.organisation_id:
                errors["line_manager"] = "A line manager must work for the same organisation."
            elif self.pk is not None and manager_cycle(self, manager):
                errors["line_manager"] = (
                    f"{manager.name} cannot be {self.name}'s line manager: "
                    f"{self.name} is already above them in the line management chain."
                )
        if self.team is not None and self.team.organisation_id != self.organisation_id:
            errors["team"] = "The team must belong to the same organisation."
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = "The end date must not be before the start date."
        if errors:
            raise ValidationError(errors)


def manager_cycle(person: Person, manager: Person) -> bool:
    """Whether making `manager` the line manager of `person` would close a loop."""
    seen: set[int] = set()
    current: Person | None = manager
    while current is not None:
        if current.pk == person.pk:
            return True
        if current.pk in seen:  # an existing loop further up; not of this change's making
            return False
        seen.add(current.pk)
        current = current.line_manager
    return False


class CodeRole(models.Model):
    """A person's role under one code (the `roles` of a guidance situation)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="code_roles")
    code_id = models.CharField(max_length=64, choices=code_choices, validators=[validate_code_id])
    role = models.CharField(max_length=32, choices=role_choices, validators=[validate_role])

    history = HistoricalRecords()

    class Meta:
        ordering = ("person", "code_id")
        constraints = (
            models.UniqueConstraint(fields=["person", "code_id"], name="people_coderole_one_role"),
        )

    def __str__(self) -> str:
        return f"{self.person.name}: {self.role} under {self.code_id}"

    def clean(self) -> None:
        if self.code_id not in code_ids() or self.role not in vocabulary().roles:
            return  # the field validators say so
        code = load_code(self.code_id)
        if not code.covers(self.role):
            raise ValidationError(
                {
                    "role": f"{code.id} does not cover the role {self.role} "
                    f"(it covers {', '.join(sorted(code.roles))}): "
                    "leave the person out of this code instead."
                }
            )
        person = getattr(self, "person", None)
        if (
            person is not None
            and not person.organisation.adopted_codes.filter(code_id=self.code_id).exists()
        ):
            raise ValidationError(
                {"code_id": f"{person.organisation} has not adopted {self.code_id}."}
            )


class OfficeHolder(models.Model):
    """An office of the organisation and who holds it; no person means the office is vacant."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="office_holders"
    )
    office = models.CharField(max_length=64, choices=office_choices, validators=[validate_office])
    register = models.CharField(
        max_length=64,
        blank=True,
        help_text="For a register keeper: which register (blank: every register).",
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="offices",
        help_text="Leave empty while the office is vacant.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ("organisation", "office", "id")

    def __str__(self) -> str:
        holder = self.person.name if self.person else "vacant"
        return f"{self.get_office_display()}, {self.organisation}: {holder}"

    @property
    def vacant(self) -> bool:
        return self.person is None or not self.person.active

    def clean(self) -> None:
        if self.person is not None and self.person.organisation_id != self.organisation_id:
            raise ValidationError({"person": "The office holder must work for the organisation."})
        if self.register:
            if self.office != REGISTER_KEEPER:
                raise ValidationError({"register": "Only a register keeper keeps a register."})
            if self.register not in vocabulary().record_places:
                raise ValidationError(
                    {
                        "register": f"{self.register} is not a register; use one of "
                        f"{', '.join(vocabulary().record_places)}."
                    }
                )
