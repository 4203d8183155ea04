"""The rostering pages' questions, checked field by field with GOV.UK messages. Days in a roster
are chosen from the roster's own days (a list), so they can never be mistyped; the one date
typed in, when a health assessment was offered, is a GOV.UK date input."""

from __future__ import annotations

import datetime

from django import forms

from probity.apps.registers.forms import DateInput, RegistersForm
from probity.apps.rostering.problems import MAX_WEEKS
from probity.apps.rostering.services import MAX_SECONDS


def day_choices(first: datetime.date, count: int) -> list[tuple[str, str]]:
    days = [first + datetime.timedelta(days=offset) for offset in range(count)]
    return [(day.isoformat(), day.strftime("%A %-d %B %Y")) for day in days]


class SolveForm(RegistersForm):
    start = forms.ChoiceField(
        label="First week",
        error_messages={
            "required": "Select the first week",
            "invalid_choice": "Select a week from the list",
        },
    )
    weeks = forms.IntegerField(
        label="How many weeks",
        min_value=1,
        max_value=MAX_WEEKS,
        error_messages={
            "required": "Enter how many weeks to roster",
            "invalid": "How many weeks must be a whole number, like 4",
            "min_value": "How many weeks must be at least 1",
            "max_value": f"How many weeks must be {MAX_WEEKS} or fewer",
        },
    )
    seconds = forms.IntegerField(
        label="Time the solver may take, in seconds",
        min_value=1,
        max_value=MAX_SECONDS,
        error_messages={
            "required": "Enter how many seconds the solver may take",
            "invalid": "Seconds must be a whole number, like 10",
            "min_value": "Seconds must be at least 1",
            "max_value": f"Seconds must be {MAX_SECONDS} or fewer",
        },
    )

    def __init__(self, *args, mondays: list[datetime.date], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start"].choices = [
            (day.isoformat(), f"Week beginning {day:%A %-d %B %Y}") for day in mondays
        ]

    def clean_start(self) -> datetime.date:
        return datetime.date.fromisoformat(self.cleaned_data["start"])


class SicknessForm(RegistersForm):
    person = forms.ChoiceField(
        label="Who is sick",
        error_messages={
            "required": "Select who is sick",
            "invalid_choice": "Select someone from the list",
        },
    )
    first_day = forms.ChoiceField(
        label="First day off sick",
        error_messages={
            "required": "Select the first day off sick",
            "invalid_choice": "Select a day from the list",
        },
    )
    days = forms.IntegerField(
        label="How many days",
        min_value=1,
        max_value=7 * MAX_WEEKS,
        error_messages={
            "required": "Enter how many days they are off sick",
            "invalid": "How many days must be a whole number, like 3",
            "min_value": "How many days must be at least 1",
            "max_value": f"How many days must be {7 * MAX_WEEKS} or fewer",
        },
    )

    def __init__(self, *args, people, days: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [(str(p.pk), p.name) for p in people]
        self.fields["first_day"].choices = days

    def clean_first_day(self) -> datetime.date:
        return datetime.date.fromisoformat(self.cleaned_data["first_day"])


class SwapForm(RegistersForm):
    colleague = forms.ChoiceField(
        label="Who would work your shift",
        error_messages={
            "required": "Select who would work your shift",
            "invalid_choice": "Select a colleague from the list",
        },
    )
    takes = forms.ChoiceField(
        label="Which of their shifts you would work instead",
        required=False,
        error_messages={"invalid_choice": "Select a day from the list"},
    )
    reason = forms.CharField(
        label="Anything your colleague and manager should know (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea,
        error_messages={"max_length": "Keep it to 1,000 characters or fewer"},
    )

    def __init__(self, *args, colleagues, days: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["colleague"].choices = [(str(p.pk), p.name) for p in colleagues]
        self.fields["takes"].choices = [("", "None: they take my shift, I work no extra"), *days]

    def clean_takes(self) -> datetime.date | None:
        value = self.cleaned_data["takes"]
        return datetime.date.fromisoformat(value) if value else None


class _SwapResponseForm(RegistersForm):
    """A choice of two, named by `choice`, and a reason."""

    choice = ""
    reason_label = ""
    reason = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea,
        error_messages={"max_length": "Keep the reason to 1,000 characters or fewer"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = self.reason_label
        self.order_fields([self.choice, "reason"])

    def choice_items(self) -> list[dict]:
        return self.items(self.choice, self.fields[self.choice].choices)


class AnswerForm(_SwapResponseForm):
    choice, reason_label = "answer", "Reason for declining (optional)"
    answer = forms.ChoiceField(
        choices=(("accept", "Accept the swap"), ("decline", "Decline the swap")),
        error_messages={"required": "Select whether to accept or decline the swap"},
    )


class DecisionForm(_SwapResponseForm):
    choice, reason_label = "decision", "Reason (needed to refuse)"
    decision = forms.ChoiceField(
        choices=(("approve", "Approve the swap"), ("refuse", "Refuse the swap")),
        error_messages={"required": "Select whether to approve or refuse the swap"},
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "refuse" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", "Say why the swap is refused")
        return cleaned


class ShiftRequestForm(RegistersForm):
    on = forms.ChoiceField(
        label="Which day",
        error_messages={
            "required": "Select the day",
            "invalid_choice": "Select a day from the list",
        },
    )
    shift = forms.ChoiceField(
        label="Which shift",
        required=False,
        error_messages={"invalid_choice": "Select a shift from the list"},
    )
    work = forms.ChoiceField(
        choices=(("off", "I would like it off"), ("work", "I would like to work it")),
        error_messages={"required": "Select whether you would like to work or be off"},
    )

    def __init__(self, *args, shifts, days: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].choices = days
        self.fields["shift"].choices = [("", "Any shift"), *((s.code, s.name) for s in shifts)]

    def clean_on(self) -> datetime.date:
        return datetime.date.fromisoformat(self.cleaned_data["on"])

    def work_items(self) -> list[dict]:
        return self.items("work", self.fields["work"].choices)


NIGHT_WORK_FLAGS = (
    (
        "night_worker",
        "Night worker: works at least 3 hours of night time as a normal course (reg. 2)",
    ),
    (
        "hazardous_night_work",
        "Their night work has special hazards or heavy physical or mental strain (reg. 6(7))",
    ),
    (
        "night_work_advised_against",
        "A registered medical practitioner advised that night work harms their health (reg. 7(6))",
    ),
)


class NightWorkForm(RegistersForm):
    """A person's night work under the Working Time Regulations: what applies to them, and
    when a free health assessment was last offered (blank: never)."""

    applies = forms.MultipleChoiceField(
        required=False,
        choices=NIGHT_WORK_FLAGS,
        error_messages={"invalid_choice": "Select from the list"},
    )
    date_fields = ("night_assessment_offered",)

    def __init__(self, *args, details=None, **kwargs):
        if details is not None:
            kwargs["initial"] = {
                "applies": [name for name, _ in NIGHT_WORK_FLAGS if getattr(details, name)]
            }
        super().__init__(*args, **kwargs)
        self.fields["night_assessment_offered"] = forms.CharField(required=False)
        self.night_assessment_offered_input = DateInput(
            self.data if self.is_bound else None,
            "night_assessment_offered",
            "the date a free health assessment was last offered",
            initial=details and details.night_assessment_offered,
        )

    def applies_items(self) -> list[dict]:
        return self.items("applies", NIGHT_WORK_FLAGS)

    def clean_night_assessment_offered(self) -> datetime.date | None:
        return self.night_assessment_offered_input.clean(required=False)

    def changes(self) -> dict:
        """The service's keyword arguments from the cleaned answers."""
        chosen = set(self.cleaned_data["applies"])
        return {
            **{name: name in chosen for name, _ in NIGHT_WORK_FLAGS},
            "night_assessment_offered": self.cleaned_data["night_assessment_offered"],
        }
