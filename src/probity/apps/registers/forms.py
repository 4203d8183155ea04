"""The registers' forms: each page's question, checked field by field with GOV.UK messages.
Rules that need the database (dates against the person's start, prohibitions, permissions)
are the services'; their ValidationErrors are put back on these forms by `add_service_errors`."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import ClassVar

from django import forms
from django.core.exceptions import ValidationError

from probity.apps.ask.forms import GovukForm
from probity.apps.registers.kinds import DeclarationKind, kind_choices
from probity.apps.registers.models import Status
from probity.core.vocabulary import vocabulary

AMOUNT = re.compile(r"\d{1,9}(\.\d{1,2})?")
ACCEPTED, DECLINED = "accepted", "declined"


class DateInput:
    """A GOV.UK date input (day, month, year) read from three fields named `<name>-day`…"""

    def __init__(self, data, name: str, label: str, *, initial: datetime.date | None = None):
        self.name = name
        self.label = label
        if data is not None:
            self.day = (data.get(f"{name}-day") or "").strip()
            self.month = (data.get(f"{name}-month") or "").strip()
            self.year = (data.get(f"{name}-year") or "").strip()
        elif initial is not None:
            self.day, self.month, self.year = (
                str(initial.day),
                str(initial.month),
                str(initial.year),
            )
        else:
            self.day = self.month = self.year = ""

    def clean(self, *, required: bool = True, future: bool = False) -> datetime.date | None:
        parts = {"day": self.day, "month": self.month, "year": self.year}
        missing = [part for part, text in parts.items() if not text]
        if len(missing) == 3:
            if required:
                raise ValidationError(f"Enter {self.label}")
            return None
        if missing:
            raise ValidationError(
                f"{self.label[0].upper()}{self.label[1:]} must include a {missing[0]}"
            )
        if not all(text.isdigit() for text in parts.values()) or len(self.year) != 4:
            raise ValidationError(f"{self.label[0].upper()}{self.label[1:]} must be a real date")
        try:
            value = datetime.date(int(self.year), int(self.month), int(self.day))
        except ValueError:
            raise ValidationError(
                f"{self.label[0].upper()}{self.label[1:]} must be a real date"
            ) from None
        if not future and value > datetime.date.today():
            raise ValidationError(
                f"{self.label[0].upper()}{self.label[1:]} must be today or in the past"
            )
        if future and value < datetime.date.today():
            raise ValidationError(
                f"{self.label[0].upper()}{self.label[1:]} must be today or in the future"
            )
        return value


class RegistersForm(GovukForm):
    """GovukForm whose date inputs link to their day box, and which takes services' errors."""

    date_fields: tuple[str, ...] = ()
    service_fields: ClassVar[dict[str, str | None]] = {}

    def error_links(self) -> list[dict]:
        links = []
        for name, messages in self.errors.items():
            target = f"{name}-day" if name in self.date_fields else name
            if name == "__all__":
                target = next(iter(self.fields), "")
            links.extend({"href": f"#{target}", "text": message} for message in messages)
        return links

    def add_service_errors(self, error: ValidationError) -> None:
        """A service's ValidationError, by field, onto this form's fields."""
        if hasattr(error, "error_dict"):
            for field, errors in error.message_dict.items():
                target = self.service_fields.get(field, field)
                if target not in self.fields:
                    target = None
                for message in errors:
                    self.add_error(target, message.rstrip("."))
        else:
            for message in error.messages:
                self.add_error(None, message.rstrip("."))


class KindForm(RegistersForm):
    kind = forms.ChoiceField(error_messages={"required": "Select what you are declaring"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices()

    def kind_items(self) -> list[dict]:
        return self.items("kind", self.fields["kind"].choices)


class DetailsForm(RegistersForm):
    """What the declaration still needs after the interview: description, date, value,
    who offered it and whether it was accepted or declined (for offers)."""

    description = forms.CharField(
        max_length=5000,
        widget=forms.Textarea,
        error_messages={
            "required": "Describe what you are declaring",
            "max_length": "Description must be 5,000 characters or fewer",
        },
    )
    value = forms.CharField(required=False)
    offered_by = forms.ChoiceField(
        required=False, error_messages={"invalid_choice": "Select who offered it from the list"}
    )
    outcome = forms.ChoiceField(
        required=False,
        choices=((ACCEPTED, "I accepted it, or want to"), (DECLINED, "I declined it")),
        error_messages={"invalid_choice": "Select whether you accepted or declined it"},
    )
    date_fields = ("occurred_on",)
    service_fields: ClassVar[dict[str, str | None]] = {
        "value_pence": "value",
        "offer_declined": "outcome",
        "declared_on": "occurred_on",
        "situation": None,
        "person": None,
    }

    def __init__(self, *args, kind: DeclarationKind, facts: dict, initial_date=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        matter = vocabulary().matters[kind.matter]
        self.asks_value = kind.has_value and "value_gbp" not in facts
        self.asks_offered_by = "offered_by" in matter.facts and "offered_by" not in facts
        self.asks_outcome = kind.is_offer
        if self.asks_offered_by:
            self.fields["offered_by"].choices = list(matter.facts["offered_by"].labels)
        else:
            del self.fields["offered_by"]
        if not self.asks_value:
            del self.fields["value"]
        if not self.asks_outcome:
            del self.fields["outcome"]
        self.fields["occurred_on"] = forms.CharField(required=False)
        self.date_legend = "When was it offered?" if kind.is_offer else "When did it happen?"
        self.occurred_on_input = DateInput(
            self.data if self.is_bound else None,
            "occurred_on",
            "the date it was offered" if kind.is_offer else "the date it happened",
            initial=initial_date,
        )

    def offered_by_items(self) -> list[dict]:
        return self.items("offered_by", self.fields["offered_by"].choices)

    def outcome_items(self) -> list[dict]:
        return self.items("outcome", self.fields["outcome"].choices)

    def clean_occurred_on(self):
        return self.occurred_on_input.clean()

    def clean_offered_by(self):
        value = self.cleaned_data.get("offered_by")
        if self.asks_offered_by and not value:
            raise ValidationError("Select who offered it")
        return value

    def clean_outcome(self):
        value = self.cleaned_data.get("outcome")
        if self.asks_outcome and not value:
            raise ValidationError("Select whether you accepted or declined it")
        return value

    def clean_value(self):
        text = (self.cleaned_data.get("value") or "").replace(",", "").replace(" ", "")
        text = text.removeprefix("£")
        if not text:
            raise ValidationError("Enter its value in pounds, or your best estimate")
        if text.startswith("-"):
            raise ValidationError("Value must be £0 or more")
        if not AMOUNT.fullmatch(text):
            raise ValidationError("Value must be an amount of money, like 25 or 12.50")
        try:
            return int(Decimal(text) * 100)
        except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
            raise ValidationError("Value must be an amount of money, like 25 or 12.50") from None


class ReasonForm(RegistersForm):
    """A decision or withdrawal with its reason (required unless `optional`)."""

    reason = forms.CharField(required=False, max_length=5000, widget=forms.Textarea)

    def __init__(self, *args, required_message: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.required_message = required_message

    def clean_reason(self):
        reason = (self.cleaned_data.get("reason") or "").strip()
        if self.required_message and not reason:
            raise ValidationError(self.required_message)
        return reason


class ApproveForm(RegistersForm):
    conditions = forms.CharField(required=False, max_length=5000, widget=forms.Textarea)
    reason = forms.CharField(required=False, max_length=5000, widget=forms.Textarea)

    def __init__(self, *args, with_conditions: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.with_conditions = with_conditions

    def clean_conditions(self):
        conditions = (self.cleaned_data.get("conditions") or "").strip()
        if self.with_conditions and not conditions:
            raise ValidationError("Enter the conditions of the approval")
        return conditions


class InformationForm(RegistersForm):
    information = forms.CharField(
        max_length=5000,
        widget=forms.Textarea,
        error_messages={"required": "Enter the information the approver asked for"},
    )


class MineFilterForm(forms.Form):
    status = forms.ChoiceField(required=False, choices=(("", "All"), *Status.choices))


class RegisterFilterForm(RegistersForm):
    """The register page's filters (sent by GET)."""

    kind = forms.ChoiceField(required=False)
    status = forms.ChoiceField(required=False, choices=(("", "Any status"), *Status.choices))
    team = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    date_fields = ("declared_from", "declared_to")

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = (("", "Any kind"), *kind_choices())
        self.fields["team"].choices = (("", "Any team"), *((t.pk, t.name) for t in teams))
        self.fields["declared_from"] = forms.CharField(required=False)
        self.fields["declared_to"] = forms.CharField(required=False)
        data = self.data if self.is_bound else None
        self.declared_from_input = DateInput(data, "declared_from", "the first date")
        self.declared_to_input = DateInput(data, "declared_to", "the last date")

    def clean_declared_from(self):
        return self.declared_from_input.clean(required=False)

    def clean_declared_to(self):
        return self.declared_to_input.clean(required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("declared_from"), data.get("declared_to")
        if start and end and end < start:
            self.add_error(
                "declared_to", "The last date must be the same as or after the first date"
            )
        return data


class CampaignForm(RegistersForm):
    name = forms.CharField(
        max_length=200,
        error_messages={
            "required": "Enter a name for the campaign",
            "max_length": "Name must be 200 characters or fewer",
        },
    )
    teams = forms.TypedMultipleChoiceField(
        required=False,
        coerce=int,
        error_messages={"invalid_choice": "Select teams from the list"},
    )
    date_fields = ("deadline",)

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teams"].choices = [(team.pk, team.name) for team in teams]
        self.fields["deadline"] = forms.CharField(required=False)
        self.deadline_input = DateInput(
            self.data if self.is_bound else None, "deadline", "the deadline"
        )

    def team_items(self) -> list[dict]:
        items = self.items("teams", self.fields["teams"].choices)
        chosen = {str(value) for value in (self["teams"].value() or [])}
        for item in items:
            item["checked"] = str(item["value"]) in chosen
        return items

    def clean_deadline(self):
        return self.deadline_input.clean(future=True)


class CampaignReturnForm(RegistersForm):
    answer = forms.ChoiceField(
        choices=(
            ("confirm", "My declarations listed above are complete and still current"),
            ("nil", "I have nothing to declare (a nil return)"),
        ),
        error_messages={
            "required": "Select whether you confirm your declarations or have nothing to declare"
        },
    )
    confirmed = forms.TypedMultipleChoiceField(required=False, coerce=int)
    note = forms.CharField(required=False, max_length=2000, widget=forms.Textarea)

    def __init__(self, *args, declarations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirmed"].choices = [(d.pk, str(d.pk)) for d in declarations]

    def answer_items(self) -> list[dict]:
        return self.items("answer", self.fields["answer"].choices)

    def clean(self):
        data = super().clean()
        if data.get("answer") == "confirm" and not data.get("confirmed"):
            self.add_error(
                "confirmed",
                "Select the declarations that are still current, or say you have nothing "
                "to declare",
            )
        return data
