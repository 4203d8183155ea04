"""The concerns pages' forms: one question a page for reporting, and the handler's actions.
Rules that need the database are the services'; their ValidationErrors come back onto these
forms with `add_service_errors`."""

from __future__ import annotations

from typing import ClassVar

from django import forms

from probity.apps.concerns.attachments import ALLOWED, MAX_BYTES
from probity.apps.concerns.models import CaseMember, ReceivedVia, ReviewOutcome, Treatment
from probity.apps.registers.forms import RegistersForm
from probity.core.concerns import (
    concern_kinds,
    decisions,
    kinds_for_codes,
    passphrase_problem,
    triage_outcomes,
)

TEXT_LIMIT = 20_000


def _text(required: str = "", *, max_length: int = TEXT_LIMIT) -> forms.CharField:
    messages = {"max_length": f"Keep it under {max_length:,} characters"}
    if required:
        messages["required"] = required
    return forms.CharField(
        required=bool(required), max_length=max_length, strip=True, error_messages=messages
    )


class ConcernsForm(RegistersForm):
    def radio_items(self, name: str) -> list[dict]:
        return self.items(name, self.fields[name].choices)


class OrganisationForm(ConcernsForm):
    organisation = forms.ChoiceField(
        error_messages={
            "required": "Select the organisation your concern is about",
            "invalid_choice": "Select the organisation your concern is about",
        }
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.slug, o.name) for o in organisations]


class KindForm(ConcernsForm):
    kind = forms.ChoiceField(
        error_messages={
            "required": "Select what your concern is about",
            "invalid_choice": "Select what your concern is about",
        }
    )

    def __init__(self, *args, code_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.id, k.title) for k in kinds_for_codes(list(code_ids))]


class WhatForm(ConcernsForm):
    what = _text("Enter what happened")


class WhenForm(ConcernsForm):
    happened = _text(max_length=500)


class WhoForm(ConcernsForm):
    who = _text(max_length=2_000)


class EvidenceForm(ConcernsForm):
    evidence = forms.FileField(required=False)

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        if upload is not None and upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"The selected file must be smaller than {MAX_BYTES // 1024 // 1024}MB"
            )
        return upload


class TreatmentForm(ConcernsForm):
    treatment = forms.ChoiceField(
        choices=Treatment.choices,
        error_messages={
            "required": "Select how you want us to treat your identity",
            "invalid_choice": "Select how you want us to treat your identity",
        },
    )
    HINTS: ClassVar[dict[str, str]] = {
        Treatment.NAMED: "The case handler, and the managers who oversee them, know who you "
        "are. The person it is about is never told.",
        Treatment.CONFIDENTIAL: "Only the case handler knows who you are.",
        Treatment.ANONYMOUS: "Nobody knows who you are, not even us. You get a receipt code "
        "and choose a passphrase to read replies and add information later.",
    }

    def treatment_items(self):
        return self.items("treatment", Treatment.choices, self.HINTS)


class PassphraseForm(ConcernsForm):
    passphrase = forms.CharField(
        strip=False, max_length=200, error_messages={"required": "Enter a passphrase"}
    )
    passphrase_again = forms.CharField(
        strip=False, max_length=200, error_messages={"required": "Enter the passphrase again"}
    )

    def clean_passphrase(self):
        passphrase = self.cleaned_data["passphrase"]
        if problem := passphrase_problem(passphrase):
            raise forms.ValidationError(problem)
        return passphrase

    def clean(self):
        data = super().clean()
        if (
            data.get("passphrase")
            and data.get("passphrase_again") is not None
            and data["passphrase"] != data["passphrase_again"]
        ):
            self.add_error("passphrase_again", "The passphrases do not match")
        return data


class FollowUpForm(ConcernsForm):
    code = forms.CharField(max_length=40, error_messages={"required": "Enter your receipt code"})
    passphrase = forms.CharField(
        strip=False, max_length=200, error_messages={"required": "Enter your passphrase"}
    )


class MessageForm(ConcernsForm):
    body = _text("Enter your message")
    evidence = forms.FileField(required=False)


class NoteForm(ConcernsForm):
    body = _text("Enter the note")


class AssessForm(ConcernsForm):
    triage = forms.ChoiceField(
        error_messages={
            "required": "Select the outcome of the assessment",
            "invalid_choice": "Select the outcome of the assessment",
        }
    )
    reasons = _text("Enter the reasons for the assessment")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["triage"].choices = list(triage_outcomes().items())


class AllegationForm(ConcernsForm):
    allegation = _text()


class ReplyForm(ConcernsForm):
    reply = _text("Enter the reply")


class DecideForm(ConcernsForm):
    decision = forms.ChoiceField(
        error_messages={
            "required": "Select the decision",
            "invalid_choice": "Select the decision",
        }
    )
    establishment = _text(max_length=200)
    reasons = _text("Enter the reasons for the decision")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [(k, d.title) for k, d in decisions().items()]


class ReviewRequestForm(ConcernsForm):
    reasons = _text("Enter why you want the decision reviewed")


class ReviewDecisionForm(ConcernsForm):
    outcome = forms.ChoiceField(
        choices=ReviewOutcome.choices,
        error_messages={
            "required": "Select whether the decision is upheld",
            "invalid_choice": "Select whether the decision is upheld",
        },
    )
    reasons = _text("Enter the reasons for the review decision")


class ConfirmForm(ConcernsForm):
    """Acknowledge and close: nothing to ask, the button is the answer."""


class ReassignForm(ConcernsForm):
    handler = forms.ChoiceField(
        error_messages={
            "required": "Select the new handler",
            "invalid_choice": "Select the new handler",
        }
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].choices = [(str(p.pk), p.name) for p in people]


class SubjectForm(ConcernsForm):
    NOBODY = "nobody"
    subject = forms.ChoiceField(
        error_messages={
            "required": "Select the person the concern is about",
            "invalid_choice": "Select the person the concern is about",
        }
    )

    def __init__(self, *args, people, current=None, **kwargs):
        super().__init__(*args, initial={"subject": str(current or self.NOBODY)}, **kwargs)
        self.fields["subject"].choices = [
            (self.NOBODY, "Nobody in the organisation"),
            *((str(p.pk), str(p)) for p in people),
        ]


class MemberForm(ConcernsForm):
    person = forms.ChoiceField(
        error_messages={
            "required": "Select the person to add",
            "invalid_choice": "Select the person to add",
        }
    )
    role = forms.ChoiceField(
        choices=CaseMember.Role.choices,
        error_messages={
            "required": "Select whether they handle or review the case",
            "invalid_choice": "Select whether they handle or review the case",
        },
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [
            ("", "Choose someone"),
            *((str(p.pk), str(p)) for p in people),
        ]


class LogForm(ConcernsForm):
    """A concern received by phone, letter or in person, logged for the reporter."""

    received_via = forms.ChoiceField(
        choices=[c for c in ReceivedVia.choices if c[0] != ReceivedVia.ONLINE],
        error_messages={"required": "Select how the concern was received"},
    )
    kind = forms.ChoiceField(error_messages={"required": "Select what the concern is about"})
    treatment = forms.ChoiceField(
        choices=Treatment.choices,
        error_messages={"required": "Select how the reporter wants to be treated"},
    )
    reporter_contact = _text(max_length=1_000)
    what = _text("Enter what the reporter said happened")
    happened = _text(max_length=500)
    who = _text(max_length=2_000)
    passphrase = forms.CharField(strip=False, max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.id, k.title) for k in concern_kinds().values()]

    def clean(self):
        data = super().clean()
        if data.get("treatment") == Treatment.ANONYMOUS:
            if problem := passphrase_problem(data.get("passphrase", "")):
                self.add_error("passphrase", problem)
        elif data.get("treatment") and not data.get("reporter_contact"):
            self.add_error("reporter_contact", "Enter the reporter's name and how to reach them")
        return data


UPLOAD_HINT = f"{ALLOWED[0].upper()}{ALLOWED[1:]}, up to {MAX_BYTES // 1024 // 1024}MB."
