"""GOV.UK forms for signing in, codes, passwords and tokens. Every error names what to do."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import ClassVar

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm

CODE = re.compile(r"^\d{6}$")


class GovukForm(forms.Form):
    """Lists its errors for the GOV.UK error summary, each linking to its field."""

    #: The field a form-wide error (one not about a single field) links to.
    first_field = ""

    def error_links(self) -> list[dict]:
        return [
            {"href": f"#{self.first_field if name == '__all__' else name}", "text": message}
            for name, messages in self.errors.items()
            for message in messages
        ]


class SignInForm(GovukForm):
    first_field = "username"
    #: The same words whether the username is unknown, the password wrong or the account closed,
    #: so that the page never tells anyone which usernames exist.
    WRONG = "Enter a correct username and password. Both are case-sensitive."

    username = forms.CharField(
        max_length=150, strip=True, error_messages={"required": "Enter your username"}
    )
    password = forms.CharField(
        strip=False, widget=forms.PasswordInput, error_messages={"required": "Enter your password"}
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.user = None

    def clean(self):
        cleaned = super().clean()
        username, password = cleaned.get("username"), cleaned.get("password")
        if username and password:
            # The request goes along so that django-axes can count failures and lock out.
            self.user = authenticate(self.request, username=username, password=password)
            if self.user is None:
                raise forms.ValidationError(self.WRONG, code="invalid_login")
        return cleaned


class CodeForm(GovukForm):
    first_field = "code"
    code = forms.CharField(
        max_length=20,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )

    def clean_code(self) -> str:
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])
        if not CODE.match(code):
            raise forms.ValidationError("The code must be 6 digits, like 123456", code="format")
        return code

    def wrong_code(self, message: str | None = None) -> None:
        self.add_error(
            "code",
            message or "The code is wrong or has run out. Enter the code your app shows now",
        )


class PasswordChangeForm(DjangoPasswordChangeForm):
    """Django's own (with the password validators in settings), in GOV.UK words."""

    error_messages: ClassVar[dict[str, str]] = {
        **DjangoPasswordChangeForm.error_messages,
        "password_incorrect": "Your current password is wrong. Enter it again",
        "password_mismatch": "The new passwords do not match. Enter the same password twice",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].error_messages["required"] = "Enter your current password"
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again"

    def error_links(self) -> list[dict]:
        return [
            {"href": f"#{'old_password' if name == '__all__' else name}", "text": message}
            for name, messages in self.errors.items()
            for message in messages
        ]


TOKEN_LIFETIMES = [
    ("30", "30 days"),
    ("90", "90 days"),
    ("365", "1 year"),
]


class TokenForm(GovukForm):
    first_field = "name"
    name = forms.CharField(
        max_length=100,
        error_messages={
            "required": "Enter a name for the token",
            "max_length": "The name must be 100 characters or fewer",
        },
    )
    lifetime = forms.ChoiceField(
        choices=TOKEN_LIFETIMES,
        error_messages={
            "required": "Select how long the token will work",
            "invalid_choice": "Select how long the token will work",
        },
    )

    def lifetime_items(self) -> list[dict]:
        current = self["lifetime"].value()
        return [
            {
                "id": "lifetime" if position == 0 else f"lifetime-{position + 1}",
                "value": value,
                "label": label,
                "checked": value == current,
            }
            for position, (value, label) in enumerate(TOKEN_LIFETIMES)
        ]

    @property
    def lifetime_delta(self) -> timedelta:
        return timedelta(days=int(self.cleaned_data["lifetime"]))
