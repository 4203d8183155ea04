"""Signing in with a second factor in a real browser, checked with axe (WCAG 2.2 AA)."""

from base64 import b32decode

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_otp.oath import TOTP

from probity.apps.accounts.two_factor import REGISTER_KEEPERS
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple"


def authenticator_code(secret: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the key typed in from the setup page."""
    totp = TOTP(b32decode(secret.replace(" ", "")))
    totp.time = totp.time + 30 * steps_ahead
    return f"{totp.token():06d}"


@pytest.fixture
def register_keeper():
    keeper = get_user_model().objects.create_user(
        username="rosa.keeper", password=PASSWORD, first_name="Rosa", last_name="Keeper"
    )
    # get_or_create: transactional tests empty the tables the migration filled
    keeper.groups.add(Group.objects.get_or_create(name=REGISTER_KEEPERS)[0])
    return keeper


def sign_in(page, password=PASSWORD):
    page.get_by_label("Username").fill("rosa.keeper")
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def test_a_register_keeper_signs_in_and_sets_up_an_authenticator_app(page, register_keeper):
    page.goto("/account")
    page.wait_for_url("**/sign-in?next=/account")
    assert page.title() == "Sign in – Probity"
    assert_accessible(page)

    page.get_by_role("button", name="Sign in", exact=True).click()
    assert page.title() == "Error: Sign in – Probity"
    assert page.get_by_role("link", name="Enter your username").is_visible()
    assert_accessible(page)

    sign_in(page)
    page.wait_for_url("**/account/two-factor/setup?next=%2Faccount")
    assert page.get_by_role("heading", level=1).inner_text() == "Set up an authenticator app"
    assert page.get_by_role("img", name="QR code to scan with your authenticator app").is_visible()
    assert_accessible(page)

    page.get_by_text("I cannot scan the QR code").click()
    secret = page.locator("#secret-key").inner_text()
    page.get_by_label("Code from your authenticator app").fill(authenticator_code(secret))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/account")
    assert page.get_by_role("heading", level=1).inner_text() == "Your account"
    assert "Set up" in page.get_by_text("you enter a code from it when you sign in").inner_text()

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/sign-in?signed-out=1")
    assert page.get_by_text("You have signed out.").is_visible()

    # Next time: password, then a code.
    page.goto("/account")
    sign_in(page)
    page.wait_for_url("**/sign-in/verify?next=%2Faccount")
    assert page.title() == "Enter the code from your authenticator app – Probity"
    assert_accessible(page)
    page.get_by_label("Enter the code from your authenticator app").fill("123")
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_role("link", name="The code must be 6 digits, like 123456").is_visible()
    assert_accessible(page)

    # The code of the next 30 seconds: the one used at setup cannot be used twice.
    code = authenticator_code(secret, steps_ahead=1)
    page.get_by_label("Enter the code from your authenticator app").fill(code)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/account")
    assert page.get_by_role("heading", level=1).inner_text() == "Your account"


def test_too_many_wrong_passwords_lock_sign_in_with_a_time_to_try_again(page, register_keeper):
    page.goto("/sign-in")
    for _ in range(5):
        sign_in(page, password="not the right one")
    assert page.get_by_role("heading", level=1).inner_text() == "You cannot sign in at the moment"
    assert page.get_by_text("You can try again after").is_visible()
    assert_accessible(page)
