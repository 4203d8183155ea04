"""One form per kind of question page. Every answer is checked by the core (the situation it
would make is parsed by `probity.core.situation`), and every error is a GOV.UK message."""

from __future__ import annotations

import re

from django import forms

from probity.apps.ask import selectors
from probity.apps.ask.selectors import DONT_KNOW, Interview
from probity.core.errors import BadInput
from probity.core.vocabulary import Fact

DONT_KNOW_LABEL = "I don't know"


class GovukForm(forms.Form):
    """A form that can list its errors for the GOV.UK error summary and build its items."""

    def error_links(self) -> list[dict]:
        """(href, message) for each error, linking to the first input of its field."""
        return [
            {"href": f"#{name}", "text": message}
            for name, messages in self.errors.items()
            for message in messages
        ]

    def items(self, name: str, choices, hints: dict | None = None) -> list[dict]:
        """Radios or checkboxes for a field: ids `name`, `name-2`, … as GOV.UK Frontend does."""
        current = self[name].value()
        chosen = set(current) if isinstance(current, list | tuple) else {current}
        hints = hints or {}
        return [
            {
                "id": name if position == 0 else f"{name}-{position + 1}",
                "value": value,
                "label": label,
                "hint": hints.get(value, ""),
                "checked": value in chosen,
            }
            for position, (value, label) in enumerate(choices)
        ]

    def core_check(self, *, roles=None, matter=None, facts=None) -> None:
        problem = selectors.situation_problem(roles=roles, matter=matter, facts=facts or {})
        if problem is not None:
            raise forms.ValidationError(_sentence(problem.message), code=problem.field)


class CodesForm(GovukForm):
    codes = forms.MultipleChoiceField(
        error_messages={
            "required": "Select the codes of conduct that bind you",
            "invalid_choice": "Select the codes of conduct that bind you from the list",
        }
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.choices = selectors.code_choices()
        self.fields["codes"].choices = [(code, label) for code, label, _ in self.choices]

    def code_items(self) -> list[dict]:
        hints = {code: hint for code, _, hint in self.choices}
        return self.items("codes", self.fields["codes"].choices, hints)

    def clean_codes(self):
        codes = self.cleaned_data["codes"]
        stand_in = {code: selectors.implied_role(code) or "employee" for code in codes}
        self.core_check(roles=stand_in)
        return codes


class RoleForm(GovukForm):
    role = forms.ChoiceField()

    def __init__(self, *args, code: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.code = code
        name = selectors.code_name(code)
        self.fields["role"].choices = selectors.role_choices()
        self.fields["role"].error_messages = {
            "required": f"Select your role under {name}",
            "invalid_choice": f"Select your role under {name} from the list",
        }

    def role_items(self) -> list[dict]:
        return self.items("role", self.fields["role"].choices)

    def clean_role(self):
        role = self.cleaned_data["role"]
        self.core_check(roles={self.code: role})
        return role


class MatterForm(GovukForm):
    matter = forms.ChoiceField(
        error_messages={
            "required": "Select what your question is about",
            "invalid_choice": "Select what your question is about from the list",
        }
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["matter"].choices = selectors.matter_choices()

    def matter_items(self) -> list[dict]:
        return self.items("matter", self.fields["matter"].choices)

    def clean_matter(self):
        matter = self.cleaned_data["matter"]
        self.core_check(matter=matter)
        return matter


class AnswerForm(GovukForm):
    """A choice or yes/no fact: its answers, then "or", then "I don't know"."""

    answer = forms.ChoiceField()

    def __init__(self, *args, fact: Fact, interview: Interview, **kwargs):
        super().__init__(*args, **kwargs)
        self.fact = fact
        self.interview = interview
        self.fields["answer"].choices = [
            *selectors.fact_choices(fact),
            (DONT_KNOW, DONT_KNOW_LABEL),
        ]
        self.fields["answer"].error_messages = {
            "required": "Select an answer, or select ‘I don't know’",
            "invalid_choice": "Select one of the answers listed, or select ‘I don't know’",
        }

    def answer_items(self) -> list[dict]:
        items = self.items("answer", self.fields["answer"].choices)
        items[-1]["divider_before"] = True
        return items

    def clean_answer(self):
        text = self.cleaned_data["answer"]
        if text == DONT_KNOW:
            return DONT_KNOW
        try:
            value = selectors.value_from_text(self.fact, text)
        except BadInput as error:
            raise forms.ValidationError(_sentence(error.message)) from None
        _check_fact(self, value)
        return value


class AmountForm(GovukForm):
    """A number fact: one input (with £ for an amount of money), or "I don't know"."""

    answer = forms.CharField(required=False, max_length=40)

    def __init__(self, *args, fact: Fact, interview: Interview, **kwargs):
        super().__init__(*args, **kwargs)
        self.fact = fact
        self.interview = interview
        self.money = selectors.fact_is_money(fact)

    def clean_answer(self):
        if "dont_know" in self.data:
            return DONT_KNOW
        text = self.cleaned_data["answer"].strip()
        unit = "an amount in pounds" if self.money else "a number"
        if not text:
            raise forms.ValidationError(f"Enter {unit}, like 25 or 12.50, or select ‘I don't know’")
        plain = text.replace(",", "").replace(" ", "").removeprefix("£")
        if plain.startswith("-") or plain.startswith("£-"):
            raise forms.ValidationError(
                "Amount must be £0 or more" if self.money else "Number must be 0 or more"
            )
        if re.fullmatch(r"\d+\.\d{3,}", plain):
            raise forms.ValidationError(
                "Amount must not have more than 2 decimal places"
                if self.money
                else "Number must not have more than 2 decimal places"
            )
        if re.fullmatch(r"\d{10,}(\.\d*)?", plain):
            raise forms.ValidationError(
                "Amount must be less than £1,000,000,000"
                if self.money
                else "Number must be less than 1,000,000,000"
            )
        try:
            value = selectors.value_from_text(self.fact, text)
        except BadInput:
            raise forms.ValidationError(
                "Amount must be a number in pounds, like 25 or 12.50"
                if self.money
                else "Enter a number, like 25 or 12.50"
            ) from None
        _check_fact(self, value)
        return value


def _check_fact(form: AnswerForm | AmountForm, value) -> None:
    interview = form.interview
    form.core_check(
        roles=interview.situation()["roles"],
        matter=interview.matter,
        facts={**interview.facts, form.fact.name: value},
    )


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:]
