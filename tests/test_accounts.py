"""Signing in as people do it: passwords, lock-outs, a second factor for those who see
registers, single sign-on switched on by settings, and personal API tokens."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from probity.apps.accounts.conf import OIDC_BACKEND, OIDC_ENVIRONMENT, oidc_settings
from probity.apps.accounts.models import ApiToken, token_hash
from probity.apps.accounts.two_factor import (
    APPROVERS,
    REGISTER_KEEPERS,
    TWO_FACTOR_PERMISSION,
    needs_two_factor,
)
from probity.apps.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
WRONG_DETAILS = "Enter a correct username and password. Both are case-sensitive."


def make_user(username="sam.employee", *, groups=(), **fields):
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, first_name="Sam", last_name="Jones", **fields
    )
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app holding the device's key shows (now, or a step later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def sign_in(client, username, password=PASSWORD, next_url=None):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post("/sign-in", data)


def page_text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- Signing in and out -----------------------------------------------------------------------


def test_a_person_signs_in_sees_their_account_and_signs_out(client):
    make_user()
    page = client.get("/sign-in")
    assert page.status_code == 200
    assert "<title>Sign in – Probity</title>" in page.content.decode()

    response = sign_in(client, "sam.employee", next_url="/account")
    assert response.status_code == 302 and response.url == "/account"
    account = client.get("/account")
    assert "Your account" in page_text(account) and "sam.employee" in page_text(account)

    signed_out = client.post("/sign-out", follow=True)
    assert "You have signed out." in page_text(signed_out)
    again = client.get("/account")
    assert again.status_code == 302 and again.url.startswith("/sign-in?next=/account")


def test_signing_in_goes_back_only_to_pages_on_this_site(client):
    make_user()
    response = sign_in(client, "sam.employee", next_url="https://evil.example/phish")
    assert response.url == "/"


def test_a_wrong_password_and_an_unknown_username_get_the_same_message(client):
    make_user()
    wrong_password = sign_in(client, "sam.employee", "not the password at all")
    unknown_user = sign_in(client, "nobody.here", "not the password at all")
    for response in (wrong_password, unknown_user):
        assert response.status_code == 200
        text = page_text(response)
        assert "<title>Error: Sign in – Probity</title>" in text
        assert "There is a problem" in text
        assert WRONG_DETAILS in text

    # Nothing else differs either, but for the username typed and the per-request tokens.
    def strip(response):
        return re.sub(r'(value|nonce)="[^"]*"', "", page_text(response))

    assert strip(wrong_password) == strip(unknown_user)


def test_a_closed_account_cannot_sign_in_and_is_not_told_apart(client):
    make_user(is_active=False)
    response = sign_in(client, "sam.employee")
    assert WRONG_DETAILS in page_text(response)
    assert "_auth_user_id" not in client.session


def test_empty_fields_say_what_to_enter(client):
    response = client.post("/sign-in", {"username": "", "password": ""})
    text = page_text(response)
    assert '<a href="#username">Enter your username</a>' in text
    assert '<a href="#password">Enter your password</a>' in text


def test_five_wrong_passwords_lock_the_username_and_say_when_to_try_again(client):
    make_user()
    for _ in range(4):
        assert sign_in(client, "sam.employee", "wrong password here").status_code == 200
    locked = sign_in(client, "sam.employee", "wrong password here")
    assert locked.status_code == 429
    text = page_text(locked)
    assert "You cannot sign in at the moment" in text
    assert re.search(r"You can try again after \d{1,2}(:\d\d)?(am|pm) \(in 15 minutes\)", text)

    # Even the right password is refused while locked...
    still_locked = sign_in(client, "sam.employee")
    assert still_locked.status_code == 429 and "_auth_user_id" not in client.session
    assert "(in 15 minutes)" in page_text(still_locked)  # ...and it does not extend the lock

    # ...and works once the 15 minutes are over.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert sign_in(client, "sam.employee").status_code == 302
    assert client.session["_auth_user_id"]


def test_a_username_that_does_not_exist_locks_the_same_way(client):
    for _ in range(5):
        response = sign_in(client, "nobody.here", "wrong password here")
    assert response.status_code == 429
    assert "You cannot sign in at the moment" in page_text(response)


def test_failed_and_successful_sign_ins_are_in_the_audit_trail(client):
    sam = make_user()
    sign_in(client, "sam.employee", "wrong password here")
    sign_in(client, "sam.employee")
    actions = list(AuditEntry.objects.order_by("sequence").values_list("action", "object_id"))
    assert ("account.sign_in_failed", str(sam.pk)) in actions
    assert ("account.signed_in", str(sam.pk)) in actions


def test_the_sign_in_form_refuses_a_post_without_its_csrf_token():
    make_user()
    client = Client(enforce_csrf_checks=True)
    forged = client.post("/sign-in", {"username": "sam.employee", "password": PASSWORD})
    assert forged.status_code == 403
    assert "_auth_user_id" not in client.session

    form = client.get("/sign-in").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    data = {"username": "sam.employee", "password": PASSWORD, "csrfmiddlewaretoken": token}
    assert client.post("/sign-in", data).status_code == 302


def test_a_session_ends_when_the_browser_closes_or_after_8_idle_hours(client):
    make_user()
    response = sign_in(client, "sam.employee")
    cookie = response.cookies["sessionid"]
    assert not cookie["max-age"] and not cookie["expires"]  # a browser-session cookie
    assert client.session.get_expiry_age() == 8 * 60 * 60
    assert cookie["httponly"]


def test_a_link_to_sign_out_asks_first(client):
    client.force_login(make_user())
    page = client.get("/sign-out")
    assert page.status_code == 200 and "Sign out of Probity" in page_text(page)
    assert client.session.get("_auth_user_id")


# --- Passwords ------------------------------------------------------------------------------


def test_changing_the_password_keeps_the_rules_and_works(client):
    client.force_login(make_user())
    short = client.post(
        "/account/password",
        {"old_password": PASSWORD, "new_password1": "tiny", "new_password2": "tiny"},
    )
    assert "This password is too short. It must contain at least 12 characters." in page_text(short)
    wrong_old = client.post(
        "/account/password",
        {"old_password": "nope", "new_password1": "x" * 3, "new_password2": "x" * 3},
    )
    assert "Your current password is wrong" in page_text(wrong_old)

    new = "lantern orchard velvet 42"
    done = client.post(
        "/account/password",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        follow=True,
    )
    assert "Your password has been changed." in page_text(done)
    fresh = Client()
    assert sign_in(fresh, "sam.employee", new).status_code == 302
    assert sign_in(Client(), "sam.employee", PASSWORD).status_code == 200


# --- Two-factor -----------------------------------------------------------------------------


def test_groups_that_need_a_second_factor_exist_with_their_permission():
    for name in (APPROVERS, REGISTER_KEEPERS):
        group = Group.objects.get(name=name)
        codenames = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert TWO_FACTOR_PERMISSION in codenames


def test_who_needs_a_second_factor():
    assert needs_two_factor(make_user("keeper", groups=[REGISTER_KEEPERS]))
    assert needs_two_factor(make_user("approver", groups=[APPROVERS]))
    assert needs_two_factor(make_user("admin", is_staff=True))
    assert not needs_two_factor(make_user())
    other = make_user("other", groups=["Volunteers"])
    assert not needs_two_factor(other)
    Group.objects.get(name="Volunteers").permissions.add(
        *Group.objects.get(name=APPROVERS).permissions.all()
    )
    other = get_user_model().objects.get(pk=other.pk)  # fresh permission cache
    assert needs_two_factor(other)


def test_a_register_keeper_sets_up_an_app_then_reaches_the_protected_page(client):
    keeper = make_user("keeper", groups=[REGISTER_KEEPERS])
    response = sign_in(client, "keeper", next_url="/account/tokens")
    assert response.status_code == 302
    assert response.url == "/account/two-factor/setup?next=%2Faccount%2Ftokens"

    # Protected pages still send them there until it is done.
    assert client.get("/account/tokens").url.startswith("/account/two-factor/setup")

    setup = client.get(response.url)
    text = page_text(setup)
    assert "Set up an authenticator app" in text
    assert '<svg role="img"' in text and "<title>QR code to scan" in text
    assert "no-store" in setup.headers["Cache-Control"]
    device = TOTPDevice.objects.get(user=keeper, confirmed=False)
    secret = re.search(r'id="secret-key">([A-Z2-7 ]+)<', text).group(1)
    assert secret.replace(" ", "") in device.config_url

    wrong = client.post(response.url, {"code": "000000", "next": "/account/tokens"})
    assert "The code is wrong or has run out" in page_text(wrong)
    # django-otp slows guessing: after wrong codes the next is refused for a while (1 second,
    # doubled after each: 8 seconds after 4)...
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=4, throttling_failure_timestamp=timezone.now()
    )
    too_soon = client.post(response.url, {"code": code_for(device), "next": "/account/tokens"})
    assert re.search(
        r"You entered a wrong code too many times\. Wait [5-8] seconds", page_text(too_soon)
    )
    # ...which has passed by the time they try again.
    a_minute_ago = timezone.now() - timedelta(minutes=1)
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=a_minute_ago)

    done = client.post(response.url, {"code": code_for(device), "next": "/account/tokens"})
    assert done.status_code == 302 and done.url == "/account/tokens"
    assert client.get("/account/tokens").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEntry.objects.filter(action="two_factor.enrolled").exists()


def test_a_register_keeper_with_an_app_enters_its_code_at_each_sign_in(client):
    keeper = make_user("keeper", groups=[REGISTER_KEEPERS])
    device = TOTPDevice.objects.create(user=keeper, name="Phone", confirmed=True)
    response = sign_in(client, "keeper", next_url="/account")
    assert response.url == "/sign-in/verify?next=%2Faccount"
    verify = client.get(response.url)
    assert "Enter the code from your authenticator app" in page_text(verify)

    for bad, message in (("", "Enter the 6-digit code"), ("12ab", "The code must be 6 digits")):
        answer = client.post("/sign-in/verify", {"code": bad, "next": "/account"})
        assert message in page_text(answer)
        assert "<title>Error: Enter the code" in page_text(answer)

    right = client.post("/sign-in/verify", {"code": code_for(device), "next": "/account"})
    assert right.status_code == 302 and right.url == "/account"
    assert client.get("/account").status_code == 200

    # The same code cannot be used twice, in this session or another.
    other = Client()
    sign_in(other, "keeper")
    replay = other.post("/sign-in/verify", {"code": code_for(device), "next": "/account"})
    assert replay.status_code == 200 and other.get("/account").status_code == 302


def test_a_keeper_with_an_app_cannot_set_up_another_without_its_code(client):
    keeper = make_user("keeper", groups=[REGISTER_KEEPERS])
    TOTPDevice.objects.create(user=keeper, name="Phone", confirmed=True)
    client.force_login(keeper)
    response = client.get("/account/two-factor/setup")
    assert response.url.startswith("/sign-in/verify")
    assert TOTPDevice.objects.filter(user=keeper).count() == 1


def test_a_normal_employee_is_never_asked_for_a_code(client):
    make_user()
    response = sign_in(client, "sam.employee", next_url="/account/tokens")
    assert response.url == "/account/tokens"
    assert client.get("/account/tokens").status_code == 200
    assert "Not needed for your role" in page_text(client.get("/account"))


def test_staff_need_a_code_for_the_admin_site(client):
    client.force_login(make_user("admin", is_staff=True, is_superuser=True))
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/account/two-factor/setup?next=%2Fadmin%2F")


# --- Single sign-on -------------------------------------------------------------------------

OIDC_ENV = {
    "PROBITY_OIDC_CLIENT_ID": "probity",
    "PROBITY_OIDC_CLIENT_SECRET": "s3cret",
    "PROBITY_OIDC_AUTHORIZATION_ENDPOINT": "https://login.example.org/authorize",
    "PROBITY_OIDC_TOKEN_ENDPOINT": "https://login.example.org/token",
    "PROBITY_OIDC_USER_ENDPOINT": "https://login.example.org/userinfo",
    "PROBITY_OIDC_JWKS_ENDPOINT": "https://login.example.org/jwks",
}


def test_single_sign_on_is_on_only_when_every_setting_is_given():
    assert oidc_settings({}) == {"OIDC_ENABLED": False}
    for missing in OIDC_ENVIRONMENT:
        partial = {k: v for k, v in OIDC_ENV.items() if k != missing}
        assert oidc_settings(partial)["OIDC_ENABLED"] is False, missing
    on = oidc_settings(OIDC_ENV)
    assert on["OIDC_ENABLED"] is True
    assert on["OIDC_RP_CLIENT_ID"] == "probity"
    assert on["OIDC_OP_JWKS_ENDPOINT"] == "https://login.example.org/jwks"
    assert on["OIDC_RP_SIGN_ALGO"] == "RS256"


def _settings_in_a_fresh_process(extra_env: dict) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROBITY_OIDC_")}
    env.update(extra_env, DJANGO_SETTINGS_MODULE="probity.web.settings_test")
    script = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.OIDC_ENABLED, settings.AUTHENTICATION_BACKENDS)"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    return run.stdout


def test_the_environment_switches_single_sign_on_and_its_backend():
    off = _settings_in_a_fresh_process({})
    assert off.startswith("False") and OIDC_BACKEND not in off
    on = _settings_in_a_fresh_process(OIDC_ENV)
    assert on.startswith("True")
    # axes first, so a locked-out username is refused before any backend is asked
    assert on.index("axes.backends.AxesStandaloneBackend") < on.index(OIDC_BACKEND)


def test_without_single_sign_on_there_is_no_organisation_button(client):
    assert "Sign in with your organisation" not in page_text(client.get("/sign-in"))
    assert client.get("/sign-in/organisation").status_code == 404


def test_with_single_sign_on_the_button_goes_to_the_organisations_provider(client):
    with override_settings(**oidc_settings(OIDC_ENV)):
        page = page_text(client.get("/sign-in?next=/account"))
        assert "Sign in with your organisation's account" in page
        assert 'href="/sign-in/organisation?next=/account"' in page
        response = client.get("/sign-in/organisation?next=/account")
    assert response.status_code == 302
    assert response.url.startswith("https://login.example.org/authorize?")
    assert "client_id=probity" in response.url
    assert "sign-in%2Forganisation%2Fcallback" in response.url
    assert client.session["oidc_login_next"] == "/account"


# --- API tokens -----------------------------------------------------------------------------


def _create_token(client, name="HR import", lifetime="30"):
    response = client.post("/account/tokens/new", {"name": name, "lifetime": lifetime})
    assert response.status_code == 201
    return re.search(r'id="api-token">(prb_[\w-]+)<', response.content.decode()).group(1), response


def test_a_token_is_shown_once_and_only_its_hash_is_kept(client):
    client.force_login(make_user())
    secret, response = _create_token(client)
    assert "no-store" in response.headers["Cache-Control"]
    assert "You will not see this token again" in page_text(response)

    stored = ApiToken.objects.get()
    assert stored.token_hash == token_hash(secret) and len(stored.token_hash) == 64
    assert all(secret not in str(value) for value in stored.__dict__.values())
    listing = page_text(client.get("/account/tokens"))
    assert "HR import" in listing and secret not in listing
    assert stored.expires - stored.created == timedelta(days=30)


def test_a_token_opens_the_api_as_its_owner(client):
    client.force_login(make_user())
    secret, _ = _create_token(client)
    api = Client()
    me = api.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert me.status_code == 200
    assert me.json() == {"username": "sam.employee", "name": "Sam Jones"}
    assert ApiToken.objects.get().last_used is not None
    assert api.get("/api/me").status_code == 401
    assert api.get("/api/me", HTTP_AUTHORIZATION="Bearer prb_made-up").status_code == 401


def test_a_revoked_token_stops_working(client):
    client.force_login(make_user())
    secret, _ = _create_token(client)
    token = ApiToken.objects.get()
    confirm = client.get(f"/account/tokens/{token.pk}/revoke")
    assert "Revoke the token ‘HR import’?" in page_text(confirm)
    done = client.post(f"/account/tokens/{token.pk}/revoke", follow=True)
    assert "The token ‘HR import’ is revoked." in page_text(done)
    assert Client().get("/api/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
    assert AuditEntry.objects.filter(action="api_token.revoked").exists()


def test_an_expired_token_stops_working(client):
    client.force_login(make_user())
    secret, _ = _create_token(client)
    ApiToken.objects.update(expires=timezone.now() - timedelta(seconds=1))
    assert Client().get("/api/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
    assert "Expired" in page_text(client.get("/account/tokens"))


def test_nobody_can_revoke_someone_elses_token(client):
    client.force_login(make_user())
    _create_token(client)
    token = ApiToken.objects.get()
    intruder = Client()
    intruder.force_login(make_user("intruder"))
    assert intruder.post(f"/account/tokens/{token.pk}/revoke").status_code == 404
    assert ApiToken.objects.get().revoked is None


def test_a_token_needs_a_name_and_a_lifetime(client):
    client.force_login(make_user())
    response = client.post("/account/tokens/new", {"name": "", "lifetime": ""})
    text = page_text(response)
    assert '<a href="#name">Enter a name for the token</a>' in text
    assert '<a href="#lifetime">Select how long the token will work</a>' in text
    assert not ApiToken.objects.exists()


def test_a_register_keeper_needs_their_code_before_making_a_token(client):
    client.force_login(make_user("keeper", groups=[REGISTER_KEEPERS]))
    response = client.post("/account/tokens/new", {"name": "x", "lifetime": "30"})
    assert response.status_code == 302 and "/two-factor/setup" in response.url
    assert not ApiToken.objects.exists()
