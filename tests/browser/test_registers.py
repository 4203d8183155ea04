"""Declarations in a real browser, checked with axe (WCAG 2.2 AA) on every kind of page: an
OPCC employee asks permission for a sporting invitation from the interview's outcome, their
manager approves it with a second factor, and it is in the register and its CSV export; an
Essex employee records a declined gift from a service user on the contact log."""

import datetime
import time

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from probity.apps.people.models import (
    AdoptedCode,
    CodeRole,
    OfficeHolder,
    Organisation,
    Person,
    Team,
)
from probity.apps.registers.models import Declaration, Status
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple"
YESTERDAY = datetime.date.today() - datetime.timedelta(days=1)
SPORTING_INVITATION = (
    "/ask/outcome?roles=opcc:employee&matter=hospitality&offered_by=partner-organisation"
    "&purpose=represent-organisation&corporate=no&decision_pending_affecting_provider=no"
)


def person(org, username, name, code, *, team=None, manager=None, device=False):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    found = Person.objects.create(
        organisation=org,
        user=user,
        name=name,
        email=f"{username}@example.test",
        staff_number=username.upper(),
        team=team,
        line_manager=manager,
        start_date=datetime.date(2020, 1, 1),
    )
    CodeRole.objects.create(person=found, code_id=code, role="employee")
    if device:
        TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    return found


def organisation(slug, code):
    org = Organisation.objects.create(name=slug.upper(), slug=slug)
    AdoptedCode.objects.create(organisation=org, code_id=code)
    return org, Team.objects.create(organisation=org, name="Policy")


def code_for(user) -> str:
    """What the person's authenticator app shows now (computed from the device's key)."""
    device = TOTPDevice.objects.get(user=user)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def sign_in(page, username, *, code_of=None):
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    if code_of is not None:
        page.wait_for_url("**/sign-in/verify**")
        page.get_by_label("Enter the code from your authenticator app").fill(code_for(code_of))
        page.get_by_role("button", name="Continue").click()


def fill_date(page, when):
    page.get_by_label("Day").fill(str(when.day))
    page.get_by_label("Month").fill(str(when.month))
    page.get_by_label("Year").fill(str(when.year))


def test_an_opcc_employee_asks_permission_their_manager_approves_it_the_keeper_exports_it(
    browser, live_server
):
    org, team = organisation("opcc", "opcc")
    chief = person(org, "chief", "Cath Chief", "opcc")
    manager = person(org, "manager", "Mo Manager", "opcc", team=team, manager=chief, device=True)
    employee = person(org, "employee", "Eve Employee", "opcc", team=team, manager=manager)
    keeper = person(org, "keeper", "Kit Keeper", "opcc", manager=chief, device=True)
    OfficeHolder.objects.create(organisation=org, office="chief-executive", person=chief)
    OfficeHolder.objects.create(organisation=org, office="register-keeper", person=keeper)

    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(SPORTING_INVITATION)
    page.get_by_role("button", name="Ask for permission").click()
    page.wait_for_url("**/sign-in?**")
    sign_in(page, "employee")
    page.wait_for_url("**/declarations/new/details")
    assert page.title() == "Tell us about it – Probity"
    assert page.get_by_text("From your answers").is_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Continue").click()
    assert page.title().startswith("Error: ")
    assert page.locator(".govuk-error-summary").get_by_text("Describe what you are declaring")
    assert_accessible(page)

    page.get_by_label("Describe it").fill("Invitation to a county cricket match for the office")
    fill_date(page, YESTERDAY)
    page.get_by_label("Value").fill("45")
    page.get_by_label("I accepted it, or want to").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/declarations/new/check")
    assert "£45" in page.locator(".govuk-summary-list").first.inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Send declaration").click()
    page.wait_for_url("**/declarations/*/submitted")
    assert page.get_by_role("heading", name="Declaration sent").is_visible()
    assert_accessible(page)
    declaration = Declaration.objects.get(person=employee)
    assert declaration.status == Status.SUBMITTED

    page.goto("/declarations")
    assert page.get_by_role("link", name=str(declaration.pk)).is_visible()
    assert_accessible(page)
    page.get_by_role("link", name=str(declaration.pk)).click()
    page.wait_for_url(f"**/declarations/{declaration.pk}")
    assert page.get_by_role("heading", name=f"Declaration {declaration.pk}").is_visible()
    assert_accessible(page)
    context.close()

    # The manager signs in with a second factor and approves it.
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/declarations/to-decide")
    sign_in(page, "manager", code_of=manager.user)
    page.wait_for_url("**/declarations/to-decide")
    assert_accessible(page)
    page.get_by_role("link", name=str(declaration.pk)).click()
    page.get_by_role("button", name="Approve", exact=True).click()
    page.wait_for_url(f"**/declarations/{declaration.pk}/approve")
    assert_accessible(page)
    page.get_by_label("Reason (optional)").fill("Representing the office is fine.")
    page.get_by_role("button", name="Approve", exact=True).click()
    page.wait_for_url(f"**/declarations/{declaration.pk}")
    assert page.locator("main .govuk-tag").first.inner_text() == "Approved"
    declaration.refresh_from_db()
    assert declaration.status == Status.APPROVED
    context.close()

    # The register keeper finds it in the register and in the CSV export.
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"/registers/{declaration.register}")
    sign_in(page, "keeper", code_of=keeper.user)
    page.wait_for_url(f"**/registers/{declaration.register}")
    assert page.get_by_role("link", name=str(declaration.pk)).is_visible()
    assert "Eve Employee" in page.locator("table").inner_text()
    assert_accessible(page)
    page.get_by_label("Team").select_option(label="Policy")
    page.get_by_role("button", name="Apply filters").click()
    assert page.get_by_role("link", name=str(declaration.pk)).is_visible()
    exported = page.request.get(f"/registers/{declaration.register}/export.csv")
    assert exported.ok
    body = exported.text()
    assert body.lstrip("\ufeff").startswith("Reference,")
    assert f"{declaration.pk}," in body and "Eve Employee" in body
    context.close()


def test_an_essex_employee_records_a_declined_gift_from_a_service_user(page):
    org, team = organisation("essex", "essex-probation")
    manager = person(org, "manager", "Mo Manager", "essex-probation", team=team)
    employee = person(org, "sam", "Sam Staff", "essex-probation", team=team, manager=manager)

    page.goto("/declarations")
    sign_in(page, "sam")
    page.wait_for_url("**/declarations")
    assert_accessible(page)
    page.get_by_role("button", name="Make a declaration").click()
    page.wait_for_url("**/declarations/new/kind")
    assert_accessible(page)
    page.get_by_label("Gift", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/declarations/new/details")
    page.get_by_label("Describe it").fill("A box of chocolates at the end of an order")
    fill_date(page, YESTERDAY)
    page.get_by_label("Value").fill("12.50")
    page.get_by_label(
        "Someone on probation or in custody that we work with (a service user)"
    ).check()
    page.get_by_label("I declined it").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/declarations/new/check")
    assert "Declined" in page.locator(".govuk-summary-list").first.inner_text()
    page.get_by_role("button", name="Send declaration").click()
    page.wait_for_url("**/declarations/*/submitted")
    assert page.get_by_text("the contact log").is_visible()
    assert_accessible(page)
    declaration = Declaration.objects.get(person=employee)
    assert declaration.offer_declined and declaration.register == "contact-log"
    assert declaration.status == Status.RECORDED


def test_a_register_keeper_runs_a_campaign_and_an_employee_makes_a_nil_return(browser, live_server):
    org, team = organisation("opcc", "opcc")
    chief = person(org, "chief", "Cath Chief", "opcc")
    keeper = person(org, "keeper", "Kit Keeper", "opcc", team=team, manager=chief, device=True)
    person(org, "employee", "Eve Employee", "opcc", team=team, manager=chief)
    OfficeHolder.objects.create(organisation=org, office="register-keeper", person=keeper)

    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/declarations/campaigns")
    sign_in(page, "keeper", code_of=keeper.user)
    page.wait_for_url("**/declarations/campaigns")
    assert_accessible(page)
    page.get_by_role("button", name="Open a campaign").click()
    page.wait_for_url("**/declarations/campaigns/new")
    page.get_by_role("button", name="Open the campaign").click()
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    page.get_by_label("Name").fill("Annual declaration 2026")
    fill_date(page, datetime.date.today() + datetime.timedelta(days=30))
    page.get_by_label("Policy").check()
    page.get_by_role("button", name="Open the campaign").click()
    page.wait_for_url("**/declarations/campaigns/*")
    assert page.get_by_role("heading", name="Annual declaration 2026").is_visible()
    assert_accessible(page)
    context.close()

    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/declarations")
    sign_in(page, "employee")
    page.wait_for_url("**/declarations")
    page.get_by_role("link", name="Make your return").click()
    page.wait_for_url("**/declarations/campaigns/*/return")
    assert_accessible(page)
    page.get_by_label("I have nothing to declare (a nil return)").check()
    page.get_by_role("button", name="Make my return").click()
    page.wait_for_url("**/declarations?returned=*")
    assert page.get_by_text("your annual return has been made").is_visible()
    assert_accessible(page)
    context.close()
