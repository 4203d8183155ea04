"""Declarations and their workflow: routing to the authority each code names, the state
machine, permissions, thresholds, reminders and who may see what.

Runs on SQLite, and on PostgreSQL when DATABASE_URL is set (the concurrent tests need it).
"""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, connections, transaction

from probity.apps.audit.selectors import audit_entries_for, audit_verify
from probity.apps.people.models import (
    AdoptedCode,
    CodeRole,
    OfficeHolder,
    Organisation,
    Person,
    Team,
)
from probity.apps.registers.kinds import declaration_kinds
from probity.apps.registers.models import Declaration, DeclarationEvent, Routing, Status
from probity.apps.registers.selectors import (
    can_view_declaration,
    declarations_for_approver,
    declarations_for_person,
    register_entries,
    visible_declarations,
)
from probity.apps.registers.services import (
    DeclarationPermissionError,
    DeclarationProhibited,
    DeclarationStateError,
    declaration_approve,
    declaration_create,
    declaration_expire_due,
    declaration_refuse,
    declaration_renew,
    declaration_request_information,
    declaration_submit,
    declaration_update,
    declaration_withdraw,
    declarations_remind,
    threshold_set,
)

TODAY = datetime.date.today()
DAYS = datetime.timedelta(days=1)
JOINED = datetime.date(2020, 1, 6)
ESSEX = {"essex-probation": "employee"}

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL)"
)


# --- an organisation per code, with people in every role --------------------------------------


class Org(dict):
    """People of one organisation by short name; .organisation, .team."""


def _organisation(slug: str, codes: list[str]) -> Organisation:
    organisation = Organisation.objects.create(name=slug.upper(), slug=slug)
    for code in codes:
        AdoptedCode.objects.create(organisation=organisation, code_id=code)
    return organisation


def _person(org: Org, key: str, manager: str | None, roles: dict, *, team=None) -> Person:
    user = get_user_model().objects.create_user(
        username=f"{org.organisation.slug}-{key}", email=f"{key}@{org.organisation.slug}.test"
    )
    person = Person.objects.create(
        organisation=org.organisation,
        user=user,
        name=f"{key.title()} of {org.organisation.slug}",
        email=f"{key}@{org.organisation.slug}.test",
        staff_number=f"{org.organisation.slug}-{key}",
        line_manager=org[manager] if manager else None,
        team=team,
        start_date=JOINED,
    )
    for code, role in roles.items():
        CodeRole.objects.create(person=person, code_id=code, role=role)
    org[key] = person
    return person


def _office(org: Org, office: str, key: str | None, register: str = "") -> None:
    OfficeHolder.objects.create(
        organisation=org.organisation,
        office=office,
        person=org[key] if key else None,
        register=register,
    )


@pytest.fixture
def essex(db) -> Org:
    org = Org()
    org.organisation = _organisation("essex", ["essex-probation", "probation-institute"])
    org.team = Team.objects.create(organisation=org.organisation, name="North")
    org.other_team = Team.objects.create(organisation=org.organisation, name="South")
    _person(org, "chief", None, ESSEX)
    _person(org, "director", "chief", ESSEX)
    _person(org, "secretary", "chief", ESSEX)
    _person(org, "hr", "director", ESSEX)
    _person(org, "manager", "director", ESSEX, team=org.team)
    _person(org, "employee", "manager", ESSEX, team=org.team)
    _person(org, "colleague", "manager", ESSEX, team=org.team)
    _person(org, "southerner", "director", ESSEX, team=org.other_team)
    _person(org, "keeper", "chief", ESSEX)
    _person(org, "records", "chief", ESSEX)
    _person(org, "member", None, {**ESSEX, "probation-institute": "member"})
    org["member"].line_manager = org["manager"]
    org["member"].save()
    _office(org, "chief-executive", "chief")
    _office(org, "director", "director")
    _office(org, "board-secretary", "secretary")
    _office(org, "human-resources", "hr")
    _office(org, "register-keeper", "keeper", "gifts-and-hospitality-register")
    _office(org, "register-keeper", "records")  # every other register
    return org


@pytest.fixture
def opcc(db) -> Org:
    org = Org()
    org.organisation = _organisation("opcc", ["opcc"])
    roles = {"opcc": "employee"}
    _person(org, "chief", None, roles)
    _person(org, "monitoring", "chief", roles)
    _person(org, "manager", "chief", roles)
    _person(org, "employee", "manager", roles)
    _office(org, "chief-executive", "chief")
    _office(org, "monitoring-officer", "monitoring")
    _office(org, "register-keeper", "monitoring")
    return org


@pytest.fixture
def moj(db) -> Org:
    org = Org()
    org.organisation = _organisation("moj", ["moj-volunteers"])
    _person(org, "chief", None, {"moj-volunteers": "employee"})
    _person(org, "responsible", "chief", {"moj-volunteers": "employee"})
    _person(org, "volunteer", "responsible", {"moj-volunteers": "volunteer"})
    _office(org, "chief-executive", "chief")
    _office(org, "responsible-manager", "responsible")
    return org


def declare(person: Person, matter: str, facts: dict, **options) -> Declaration:
    options.setdefault("occurred_on", TODAY - 3 * DAYS)
    options.setdefault("actor", person.user)
    return declaration_create(
        person=person, situation={"matter": matter, "facts": facts}, **options
    )


def submitted(person: Person, matter: str, facts: dict, **options) -> Declaration:
    declaration = declare(person, matter, facts, **options)
    return declaration_submit(declaration=declaration, actor=person.user)


def decider(declaration: Declaration) -> Routing:
    return declaration.routings.get(decides=True)


def told(declaration: Declaration) -> dict[str, Person | None]:
    return {r.authority: r.approver for r in declaration.routings.filter(decides=False)}


NON_NOMINAL_GIFT = {
    "offered_by": "member-of-public",
    "kind": "item",
    "nominal": False,
    "to_family_member": False,
}
NOMINAL_GIFT = {"offered_by": "member-of-public", "kind": "item", "nominal": True}
OPCC_HOSPITALITY = {
    "offered_by": "partner-organisation",
    "purpose": "represent-organisation",
    "corporate": False,
    "decision_pending_affecting_provider": False,
}


# --- a test per kind: routed to the authority each code names ---------------------------------

ROUTES = [
    # (organisation, declarant, matter, facts, options, approver, authority, register, clause)
    ("essex", "employee", "gift", NON_NOMINAL_GIFT, {"value_pence": 4000},
     "manager", "line-manager", "gifts-and-hospitality-register", "essex-probation:7.4"),
    ("essex", "employee", "gift", NOMINAL_GIFT, {"value_pence": 500},
     "manager", "line-manager", "gifts-and-hospitality-register", "essex-probation:7.4"),
    ("essex", "employee", "gift", {"offered_by": "service-user", "kind": "item"},
     {"offer_declined": True}, "manager", "line-manager", "contact-log", "essex-probation:7.4"),
    ("essex", "employee", "hospitality",
     {"offered_by": "partner-organisation", "purpose": "conference-or-course"}, {},
     "manager", "line-manager", "gifts-and-hospitality-register", "essex-probation:7.4"),
    ("essex", "employee", "beneficiary-in-will", {"testator": "service-user"},
     {"offer_declined": True}, "manager", "line-manager", "contact-log", "essex-probation:7.4"),
    ("essex", "employee", "interest", {"kind": "financial", "could_conflict": True}, {},
     "manager", "line-manager", "register-of-interests", "essex-probation:7.1"),
    ("essex", "employee", "relationship",
     {"with": "service-user", "kind": "social", "existed_before_appointment": False}, {},
     "manager", "line-manager", "register-of-interests", "essex-probation:7.5"),
    ("essex", "employee", "outside-employment", {"kind": "employment", "could_conflict": False},
     {}, "chief", "chief-executive", "register-of-interests", "essex-probation:4.8"),
    ("essex", "employee", "conviction", {"kind": "conviction"}, {},
     "chief", "chief-executive", "formal-record", "essex-probation:4.4"),
    ("essex", "employee", "safeguarding-registration-withdrawn", {}, {},
     "hr", "human-resources", "formal-record", "essex-probation:4.5"),
    ("essex", "employee", "executor", {"for": "service-user", "related": False}, {},
     "chief", "chief-executive", "formal-record", "essex-probation:7.3"),
    ("essex", "employee", "invention", {"work_related": True, "intends_to_disclose": True}, {},
     "chief", "chief-executive", "formal-record", "essex-probation:5.6"),
    ("essex", "employee", "facilities", {"use": "private"}, {},
     "manager", "line-manager", "formal-record", "essex-probation:4.1"),
    ("essex", "employee", "lone-contact", {"with": "service-user", "place": "home"}, {},
     "manager", "line-manager", "case-record", "essex-probation:7.8"),
    ("essex", "employee", "change-in-circumstances", {"kind": "personal-relationship"}, {},
     "manager", "line-manager", "register-of-interests", "essex-probation:7.6"),
    ("essex", "member", "relationship",
     {"with": "service-user", "kind": "intimate", "existed_before_appointment": False}, {},
     "manager", "line-manager", "register-of-interests", "probation-institute:value.9.2"),
    ("opcc", "employee", "hospitality", OPCC_HOSPITALITY, {},
     "manager", "manager", "formal-record", "opcc:15.2"),
    ("opcc", "employee", "gift", {"offered_by": "contractor", "kind": "item", "nominal": False,
     "useful_at_work": False, "received_without_warning": False}, {"offer_declined": True},
     "manager", "manager", "formal-record", "opcc:15.4"),
    ("opcc", "employee", "beneficiary-in-will", {"testator": "member-of-public"},
     {"offer_declined": True}, "manager", "manager", "formal-record", "opcc:15.4"),
    ("opcc", "employee", "interest", {"kind": "financial", "could_conflict": True}, {},
     "manager", "manager", "register-of-interests", "opcc:8.2"),
    ("opcc", "employee", "outside-employment",
     {"kind": "employment", "could_conflict": False, "with_contractor": False}, {},
     "manager", "manager", "register-of-interests", "opcc:7.1"),
    ("opcc", "employee", "facilities", {"use": "private", "permission_given": False}, {},
     "chief", "chief-executive", "formal-record", "opcc:11.1"),
    ("opcc", "employee", "sponsorship", {"direction": "receiving", "benefits_relative": True}, {},
     "manager", "manager", "register-of-interests", "opcc:16.1"),
    ("opcc", "employee", "recruitment",
     {"applicant_relationship": "none", "canvassed": True, "decision": "selection"}, {},
     "manager", "manager", "register-of-interests", "opcc:6.3"),
    ("opcc", "employee", "recruitment",
     {"applicant_relationship": "relative", "canvassed": False, "decision": "selection"}, {},
     "manager", "manager", "register-of-interests", "opcc:6.1"),
    ("opcc", "employee", "change-in-circumstances", {"kind": "conflict-of-interest"}, {},
     "manager", "manager", "register-of-interests", "opcc:7.1"),
    ("moj", "volunteer", "media", {"channel": "press", "about_role": True}, {},
     "responsible", "responsible-manager", "formal-record", "moj-volunteers:must.4"),
    ("moj", "volunteer", "conviction", {"kind": "caution"}, {},
     "responsible", "responsible-manager", "formal-record", "moj-volunteers:must.5"),
    ("moj", "volunteer", "safeguarding-registration-withdrawn", {}, {},
     "responsible", "responsible-manager", "formal-record", "moj-volunteers:must.5"),
    ("moj", "volunteer", "interest", {"kind": "financial", "could_conflict": True}, {},
     "responsible", "responsible-manager", "register-of-interests", "moj-volunteers:must.5"),
    ("moj", "volunteer", "relationship", {"with": "service-user", "kind": "social"}, {},
     "responsible", "responsible-manager", "register-of-interests", "moj-volunteers:must.5"),
    ("moj", "volunteer", "outside-employment", {"kind": "employment", "could_conflict": True},
     {}, "responsible", "responsible-manager", "register-of-interests", "moj-volunteers:must.5"),
    ("moj", "volunteer", "recruitment", {"applicant_relationship": "relative"}, {},
     "responsible", "responsible-manager", "register-of-interests", "moj-volunteers:must.5"),
    ("moj", "volunteer", "change-in-circumstances", {"kind": "other"}, {},
     "responsible", "responsible-manager", "register-of-interests", "moj-volunteers:must.5"),
]  # fmt: skip


@pytest.mark.parametrize(
    "org_name, who, matter, facts, options, approver, authority, register, clause",
    ROUTES,
    ids=[f"{r[0]}-{r[2]}-{i}" for i, r in enumerate(ROUTES)],
)
def test_each_kind_goes_to_the_authority_its_code_names(
    request, org_name, who, matter, facts, options, approver, authority, register, clause
):
    org = request.getfixturevalue(org_name)
    declaration = declare(org[who], matter, facts, **options)

    routing = decider(declaration)
    assert (routing.authority, routing.approver) == (authority, org[approver])
    assert declaration.register == register
    assert clause in declaration.clauses
    assert declaration.outcome["citations"]  # the outcome at the time is kept whole
    assert declaration.situation["roles"] == {
        code_role.code_id: code_role.role for code_role in org[who].code_roles.all()
    }


def test_every_kind_in_the_issue_is_routed_by_some_test():
    assert {route[2] for route in ROUTES} == set(declaration_kinds())


def test_an_essex_gift_goes_to_the_line_manager_and_the_board_secretary_holds_the_register(
    essex,
):
    declaration = declare(essex["employee"], "gift", NON_NOMINAL_GIFT, value_pence=4000)

    assert declaration.decision == "needs-permission"
    assert decider(declaration).approver == essex["manager"]
    assert declaration.register == "gifts-and-hospitality-register"
    assert declaration.register_office == "board-secretary"
    assert told(declaration) == {"board-secretary": essex["secretary"]}


def test_a_board_members_interest_goes_to_the_board_secretary(essex):
    member = _person(essex, "boardmember", None, {"essex-probation": "board-member"})
    declaration = declare(member, "interest", {"kind": "financial", "could_conflict": False})

    assert decider(declaration).approver == essex["secretary"]
    assert declaration.register == "register-of-interests"
    assert "essex-probation:board.2.vi" in declaration.clauses


# --- prohibited things, declined offers and thresholds ----------------------------------------


def test_a_gift_from_a_service_user_cannot_be_accepted_but_is_recorded_as_declined(essex):
    gift = {"offered_by": "service-user", "kind": "item", "value_gbp": 15}
    with pytest.raises(DeclarationProhibited, match=r"essex-probation:7\.4") as refused:
        declare(essex["employee"], "gift", gift)
    assert refused.value.outcome["decision"] == "prohibited"
    assert not Declaration.objects.exists()

    declined = submitted(essex["employee"], "gift", gift, offer_declined=True)
    assert declined.status == Status.RECORDED
    assert declined.register == "contact-log"
    assert declined.value_pence == 1500
    assert not declined.needs_decision


def test_a_permission_the_codes_forbid_is_refused_naming_the_clause(essex):
    with pytest.raises(DeclarationProhibited, match=r"essex-probation:7\.2"):
        declare(
            essex["employee"],
            "outside-employment",
            {"kind": "employment", "could_conflict": True},
        )


def test_an_unknown_fact_that_could_forbid_it_is_asked_for(essex):
    with pytest.raises(DeclarationProhibited, match=r"Answering .*could_conflict"):
        declare(essex["employee"], "outside-employment", {"kind": "employment"})


def test_only_offers_can_be_declined(essex):
    with pytest.raises(ValidationError) as error:
        declare(essex["employee"], "conviction", {"kind": "conviction"}, offer_declined=True)
    assert "offer_declined" in error.value.message_dict


def test_a_reported_fact_the_codes_forbid_is_still_recorded(essex):
    withdrawn = submitted(essex["employee"], "safeguarding-registration-withdrawn", {})
    assert withdrawn.decision == "prohibited"
    assert withdrawn.status == Status.SUBMITTED


def test_thresholds_never_override_a_prohibition(essex):
    threshold_set(
        organisation=essex.organisation,
        kind="gift",
        actor=None,
        record_below_pence=5000,
        refuse_above_pence=10000,
    )
    token_from_service_user = {"offered_by": "service-user", "kind": "item", "nominal": True}
    with pytest.raises(DeclarationProhibited):
        declare(essex["employee"], "gift", token_from_service_user, value_pence=100)
    with pytest.raises(DeclarationProhibited):
        declare(essex["employee"], "gift", {**NOMINAL_GIFT, "kind": "cash"}, value_pence=100)
    declined = submitted(
        essex["employee"], "gift", token_from_service_user, value_pence=100, offer_declined=True
    )
    assert (declined.status, declined.register) == (Status.RECORDED, "contact-log")


def test_a_threshold_never_waives_a_permission_the_code_requires(essex):
    threshold_set(organisation=essex.organisation, kind="gift", actor=None, record_below_pence=5000)
    gift = submitted(essex["employee"], "gift", NON_NOMINAL_GIFT, value_pence=1000)
    assert gift.decision == "needs-permission"
    assert gift.status == Status.SUBMITTED


def test_a_token_gift_below_the_threshold_is_recorded_without_approval(essex):
    threshold_set(organisation=essex.organisation, kind="gift", actor=None, record_below_pence=1000)
    token = submitted(essex["employee"], "gift", NOMINAL_GIFT, value_pence=999)
    larger = submitted(essex["employee"], "gift", NOMINAL_GIFT, value_pence=1000)

    assert (token.status, token.needs_decision) == (Status.RECORDED, False)
    assert [e.transition for e in token.events.all()] == ["create", "submit", "record"]
    assert larger.status == Status.SUBMITTED


def test_above_the_refusal_threshold_only_a_senior_approver_may_approve(essex):
    threshold_set(
        organisation=essex.organisation, kind="gift", actor=None, refuse_above_pence=10000
    )
    gift = submitted(essex["employee"], "gift", NON_NOMINAL_GIFT, value_pence=25000)
    assert gift.above_threshold

    with pytest.raises(DeclarationPermissionError, match="Chief Executive or a director"):
        declaration_approve(declaration=gift, actor=essex["manager"].user)
    declaration_approve(declaration=gift, actor=essex["director"].user)

    assert gift.status == Status.APPROVED
    assert gift.decided_by == essex["director"]
    assert "above the organisation's limit" in gift.events.get(transition="approve").reason


def test_the_routed_approver_may_refuse_above_the_threshold(essex):
    threshold_set(
        organisation=essex.organisation, kind="gift", actor=None, refuse_above_pence=10000
    )
    gift = submitted(essex["employee"], "gift", NON_NOMINAL_GIFT, value_pence=25000)
    declaration_refuse(declaration=gift, actor=essex["manager"].user, reason="Too valuable.")
    assert gift.status == Status.REFUSED


def test_a_declaration_later_than_the_time_limit_is_flagged(essex):
    threshold_set(
        organisation=essex.organisation, kind="interest", actor=None, declare_within_days=28
    )
    interest = {"kind": "financial", "could_conflict": True}
    late = submitted(essex["employee"], "interest", interest, occurred_on=TODAY - 29 * DAYS)
    in_time = submitted(essex["employee"], "interest", interest, occurred_on=TODAY - 28 * DAYS)
    assert (late.late, in_time.late) == (True, False)


def test_only_a_register_keeper_sets_thresholds(essex):
    with pytest.raises(DeclarationPermissionError):
        threshold_set(organisation=essex.organisation, kind="gift", actor=essex["employee"].user)
    threshold = threshold_set(
        organisation=essex.organisation,
        kind="gift",
        actor=essex["keeper"].user,
        record_below_pence=Decimal(2500),
        source="Gifts policy 2024, section 3",
    )
    assert threshold.record_below_pence == 2500
    assert audit_entries_for(threshold).get().action == "threshold.set"


def test_a_refusal_limit_below_the_recording_limit_is_refused(essex):
    with pytest.raises(ValidationError):
        threshold_set(
            organisation=essex.organisation,
            kind="gift",
            actor=None,
            record_below_pence=5000,
            refuse_above_pence=1000,
        )


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"occurred_on": TODAY + DAYS}, "occurred_on"),
        ({"occurred_on": JOINED - DAYS}, "occurred_on"),
        ({"occurred_on": "2024-02-30"}, "occurred_on"),
        ({"occurred_on": TODAY - 5 * DAYS, "declared_on": TODAY - 6 * DAYS}, "declared_on"),
        ({"declared_on": TODAY + DAYS}, "declared_on"),
        ({"value_pence": -1}, "value_pence"),
        ({"value_pence": 12.5}, "value_pence"),
        ({"value_pence": Decimal("12.5")}, "value_pence"),
        ({"value_pence": "ten pounds"}, "value_pence"),
    ],
    ids=[
        "future",
        "before-joining",
        "no-such-day",
        "declared-before-it-happened",
        "declared-in-future",
        "negative",
        "float",
        "fraction-of-a-penny",
        "words",
    ],
)
def test_impossible_dates_and_values_are_refused_naming_the_field(essex, options, field):
    with pytest.raises(ValidationError) as error:
        declare(essex["employee"], "gift", NON_NOMINAL_GIFT, **options)
    assert field in error.value.message_dict
    assert not Declaration.objects.exists()


def test_a_negative_value_in_the_situation_is_refused(essex):
    with pytest.raises(ValidationError):
        declare(essex["employee"], "gift", {**NON_NOMINAL_GIFT, "value_gbp": -5})
    assert not Declaration.objects.exists()


def test_the_database_refuses_a_negative_value_too(essex):
    declaration = declare(essex["employee"], "gift", NON_NOMINAL_GIFT)
    with pytest.raises(IntegrityError), transaction.atomic():
        Declaration.objects.filter(pk=declaration.pk).update(value_pence=-1)


def test_an_interest_held_before_joining_may_be_declared(essex):
    interest = declare(
        essex["employee"],
        "interest",
        {"kind": "financial", "could_conflict": True},
        occurred_on=JOINED - 400 * DAYS,
    )
    assert interest.occurred_on < JOINED


def test_a_value_in_pence_is_given_to_the_engine_in_pounds(essex):
    gift = declare(essex["employee"], "gift", NON_NOMINAL_GIFT, value_pence=Decimal(1999))
    assert gift.value_pence == 1999
    assert gift.value_gbp == Decimal("19.99")
    assert gift.situation["facts"]["value_gbp"] == 19.99


def test_a_value_that_disagrees_with_the_situation_is_refused(essex):
    with pytest.raises(ValidationError):
        declare(essex["employee"], "gift", {**NON_NOMINAL_GIFT, "value_gbp": 20}, value_pence=100)


def test_a_matter_nobody_declares_is_refused(essex):
    with pytest.raises(ValidationError) as error:
        declare(essex["employee"], "disclosure", {})
    assert "situation" in error.value.message_dict


def test_bad_facts_are_refused_naming_the_field(essex):
    with pytest.raises(ValidationError, match="offered_by"):
        declare(essex["employee"], "gift", {"offered_by": "a stranger"})


def test_nobody_declares_for_someone_else_unless_they_keep_a_register(essex):
    with pytest.raises(PermissionDenied):
        declare(essex["employee"], "gift", NON_NOMINAL_GIFT, actor=essex["colleague"].user)
    on_behalf = declare(essex["employee"], "gift", NON_NOMINAL_GIFT, actor=essex["keeper"].user)
    assert on_behalf.created_by == essex["keeper"]


# --- the workflow -----------------------------------------------------------------------------


def test_nobody_may_approve_their_own_declaration(essex):
    gift = submitted(essex["manager"], "gift", NON_NOMINAL_GIFT)
    assert decider(gift).approver == essex["director"]

    with pytest.raises(DeclarationPermissionError, match="own declaration"):
        declaration_approve(declaration=gift, actor=essex["manager"].user)
    with pytest.raises(DeclarationPermissionError, match="own declaration"):
        declaration_refuse(declaration=gift, actor=essex["manager"], reason="no")
    gift.refresh_from_db()
    assert gift.status == Status.SUBMITTED
    assert not gift.events.filter(transition="approve").exists()


def test_the_chief_executive_cannot_approve_their_own_conviction(essex):
    conviction = submitted(essex["chief"], "conviction", {"kind": "conviction"})
    routing = decider(conviction)
    assert routing.approver != essex["chief"]
    with pytest.raises(DeclarationPermissionError):
        declaration_approve(declaration=conviction, actor=essex["chief"].user)


def test_only_the_routed_approver_or_someone_above_them_decides(essex):
    gift = submitted(essex["employee"], "gift", NON_NOMINAL_GIFT)
    for outsider in ("colleague", "southerner", "hr", "keeper", "secretary"):
        with pytest.raises(DeclarationPermissionError):
            declaration_approve(declaration=gift, actor=essex[outsider].user)
    declaration_approve(declaration=gift, actor=essex["director"].user)  # above the manager
    assert gift.status == Status.APPROVED


def test_someone_from_another_organisation_cannot_decide(essex, opcc):
    gift = submitted(essex["employee"], "gift", NON_NOMINAL_GIFT)
    with pytest.raises(DeclarationPermissionError):
        declaration_approve(declaration=gift, actor=opcc["chief"].user)


def test_only_the_declarant_may_withdraw(essex):
    gift = submitted(essex["employee"], "gift", NON_NOMINAL_GIFT)
    with pytest.raises(DeclarationPermissionError):
        declaration_withdraw(declaration=gift, actor=essex["manager"].user)
    declaration_withdraw(declaration=gift, actor=essex["employee"].user, reason="Gave it back.")
    assert gift.status == Status.WITHDRAWN
    with pytest.raises(DeclarationStateError):
        declaration_approve(declaration=gift, actor=essex["manager"].user)


def test_double_submission_is_refused_and_nothing_is_duplicated(essex):
    gift = declare(essex["employee"], "gift", NON_NOMINAL_GIFT)
    stale = Declaration.objects.get(pk=gift.pk)
    declaration_submit(declaration=gift, actor=essex["employee"].user)

    with pytest.raises(DeclarationStateError, match="submitted"):
        declaration_submit(declaration=stale, actor=essex["employee"].user)
    assert gift.events.filter(transition="submit").count() == 1
    assert audit_entries_for(gift).filter(action="declaration.submitted").count() == 1


def test_a_second_approval_is_refused(essex):
    gift = submitted(essex["employee"], "gift", NON_NOMINAL_GIFT)
    stale = Declaration.objects.get(pk=gift.pk)
    declaration_approve(declaration=gift, actor=essex["manager"].user)
    with pytest.raises(DeclarationStateError, match="approved"):
        declaration_approve(declaration=stale, actor=essex["director"].user)
    assert gift.events.filter(transition="approve").count() == 1


def test_the_status_cannot_be_set_directly(essex):
    gift = declare(essex["employee"], "gift", NON_NOMINAL_GIFT)
    with pytest.raises(AttributeError):
        gift.status = Status.APPROVED


def test_refusing_or_asking_for_information_needs_a_reason(essex):
    gift = submitted(essex["employee"], "gift", NON_NOMINAL_GIFT)
    with pytest.raises(ValidationError):
        declaration_refuse(declaration=gift, actor=essex["manager"].user, reason=" ")
    with pytest.raises(ValidationError):
        declaration_request_information(declaration=gift, actor=essex["manager"].user, reason="")


def test_every_transition_is_an_event_and_an_audit_entry(essex):
    keeper_mail = essex["employee"].user
    gift = declare(essex["employee"], "gift", NON_NOMINAL_GIFT, value_pence=3000)
    declaration_submit(declaration=gift, actor=keeper_mail)
    declaration_request_information(
        declaration=gift, actor=essex["manager"].user, reason="Who offered it?"
    )
    with pytest.raises(ValidationError):
        declaration_submit(declaration=gift, actor=keeper_mail)  # must say more
    declaration_submit(declaration=gift, actor=keeper_mail, information="A grateful neighbour.")
    declaration_approve(
        declaration=gift,
        actor=essex["manager"].user,
        conditions="Share it with the team.",
        expires_on=TODAY + 30 * DAYS,
    )
    declaration_expire_due(today=TODAY + 31 * DAYS)

    events = [
        (e.transition, e.from_status, e.to_status, e.actor) for e in gift.events.order_by("id")
    ]
    assert events == [
        ("create", "", "draft", essex["employee"]),
        ("submit", "draft", "submitted", essex["employee"]),
        ("request_information", "submitted", "more-information-requested", essex["manager"]),
        ("submit", "more-information-requested", "submitted", essex["employee"]),
        ("approve_with_conditions", "submitted", "approved-with-conditions", essex["manager"]),
        ("expire", "approved-with-conditions", "expired", None),
    ]
    assert gift.events.get(transition="request_information").reason == "Who offered it?"
    assert [entry.action for entry in audit_entries_for(gift)] == [
        "declaration.created",
        "declaration.submitted",
        "declaration.information_requested",
        "declaration.submitted",
        "declaration.approved_with_conditions",
        "declaration.expired",
    ]
    assert audit_verify().ok
    gift.refresh_from_db()
    assert "A grateful neighbour." in gift.description
    assert gift.history.count() >= 6  # django-simple-history keeps every version


def test_a_refusal_records_who_decided_and_why(essex):
    gift = submitted(essex["employee"], "gift", NON_NOMINAL_GIFT)
    declaration_refuse(declaration=gift, actor=essex["manager"].user, reason="Not appropriate.")
    assert (gift.status, gift.decided_by) == (Status.REFUSED, essex["manager"])
    assert gift.events.last().reason == "Not appropriate."
    assert audit_entries_for(gift).last().action == "declaration.refused"


def test_a_draft_can_be_changed_and_is_decided_again(essex):
    draft = declare(essex["employee"], "gift", NOMINAL_GIFT, value_pence=500)
    assert draft.decision == "must-declare"
    declaration_update(
        declaration=draft,
        actor=essex["employee"].user,
        situation={"matter": "gift", "facts": NON_NOMINAL_GIFT},
        value_pence=6000,
    )
    assert (draft.decision, draft.value_pence) == ("needs-permission", 6000)
    assert draft.routings.count() == 2
    declaration_submit(declaration=draft, actor=essex["employee"].user)
    with pytest.raises(DeclarationStateError):
        declaration_update(declaration=draft, actor=essex["employee"].user, description="x")


def test_an_expired_permission_is_renewed_as_a_new_linked_declaration(essex):
    job = {"kind": "employment", "could_conflict": False}
    permission = submitted(essex["employee"], "outside-employment", job)
    declaration_approve(
        declaration=permission, actor=essex["chief"].user, expires_on=TODAY + 10 * DAYS
    )
    assert declaration_expire_due(today=TODAY + 10 * DAYS) == []  # the last day still holds
    assert [d.pk for d in declaration_expire_due(today=TODAY + 11 * DAYS)] == [permission.pk]
    assert declaration_expire_due(today=TODAY + 12 * DAYS) == []  # idempotent

    renewal = declaration_renew(declaration=permission, actor=essex["employee"].user)
    assert renewal.renews == permission
    assert renewal.status == Status.DRAFT
    assert decider(renewal).approver == essex["chief"]
    assert list(permission.renewals.all()) == [renewal]


def test_a_permission_cannot_end_before_it_is_given(essex):
    gift = submitted(essex["employee"], "gift", NON_NOMINAL_GIFT)
    with pytest.raises(ValidationError):
        declaration_approve(declaration=gift, actor=essex["manager"].user, expires_on=TODAY - DAYS)


# --- vacancies and notifications --------------------------------------------------------------


def test_a_vacant_office_goes_to_the_next_person_up_and_the_register_keeper_is_told(
    essex, mailoutbox, django_capture_on_commit_callbacks
):
    OfficeHolder.objects.filter(office="human-resources").update(person=None)
    with django_capture_on_commit_callbacks(execute=True):
        withdrawn = submitted(essex["employee"], "safeguarding-registration-withdrawn", {})

    routing = decider(withdrawn)
    assert routing.vacant
    assert routing.approver == essex["chief"]
    assert "vacant" in routing.note
    to_keeper = [m for m in mailoutbox if m.to == [essex["records"].email]]
    assert to_keeper and "could not go to Human Resources" in to_keeper[0].subject
    assert [m.to for m in mailoutbox if "needs your decision" in m.subject] == [
        [essex["chief"].email]
    ]


def test_the_approver_and_declarant_are_emailed(
    essex, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        gift = submitted(essex["employee"], "gift", NON_NOMINAL_GIFT, value_pence=4000)
    subjects = {m.to[0]: m.subject for m in mailoutbox}
    assert "needs your decision" in subjects[essex["manager"].email]
    assert "Register of Gifts and Hospitality" in subjects[essex["secretary"].email]
    assert "£40.00" in next(m.body for m in mailoutbox if m.to == [essex["manager"].email])

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        declaration_approve(declaration=gift, actor=essex["manager"].user)
    assert [(m.to, m.subject) for m in mailoutbox] == [
        ([essex["employee"].email], f"Your declaration {gift.pk}: approved")
    ]


def test_no_email_is_sent_for_a_change_that_rolled_back(
    essex, mailoutbox, django_capture_on_commit_callbacks
):
    gift = declare(essex["employee"], "gift", NON_NOMINAL_GIFT)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        declaration_submit(declaration=gift, actor=essex["employee"].user)
        raise RuntimeError("the view failed after submitting")
    assert mailoutbox == []
    gift.refresh_from_db()
    assert gift.status == Status.DRAFT


# --- reminders --------------------------------------------------------------------------------


def _submitted_days_ago(declaration: Declaration, days: int) -> None:
    when = declaration.submitted_at - datetime.timedelta(days=days)
    Declaration.objects.filter(pk=declaration.pk).update(submitted_at=when)


def test_approvers_are_reminded_once_of_overdue_declarations(
    essex, mailoutbox, django_capture_on_commit_callbacks
):
    overdue = submitted(essex["employee"], "gift", NON_NOMINAL_GIFT)
    recent = submitted(essex["colleague"], "gift", NON_NOMINAL_GIFT)
    _submitted_days_ago(overdue, 8)
    _submitted_days_ago(recent, 2)

    with django_capture_on_commit_callbacks(execute=True):
        sent = declarations_remind(days=7)
    assert sent == {essex["manager"].pk: [overdue.pk]}
    assert [m.to for m in mailoutbox] == [[essex["manager"].email]]
    assert f"{overdue.pk}: gift, {essex['employee'].name}" in mailoutbox[0].body

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert declarations_remind(days=7) == {}  # idempotent the same day
    assert mailoutbox == []
    assert overdue.events.filter(transition="remind").count() == 1
    tomorrow_week = TODAY + 8 * DAYS
    assert declarations_remind(days=7, today=tomorrow_week)  # a week on, reminded again


def test_the_remind_command_expires_and_reminds(essex, capsys):
    overdue = submitted(essex["employee"], "gift", NON_NOMINAL_GIFT)
    _submitted_days_ago(overdue, 10)
    call_command("registers_remind", "--days", "7")
    assert "reminded 1 approver about 1 declaration" in capsys.readouterr().out


def test_probity_registers_remind_runs_from_the_cli(essex, capsys):
    from probity.cli import main

    assert main(["registers", "remind", "--days", "3"]) == 0
    assert "Expired 0 permissions" in capsys.readouterr().out


# --- reads and who may see what ---------------------------------------------------------------


def test_my_declarations_and_what_waits_for_an_approver(essex):
    mine = submitted(essex["employee"], "gift", NON_NOMINAL_GIFT)
    theirs = submitted(essex["colleague"], "gift", NON_NOMINAL_GIFT)
    draft = declare(essex["employee"], "interest", {"kind": "financial", "could_conflict": True})
    managers = submitted(essex["manager"], "gift", NON_NOMINAL_GIFT)

    assert set(declarations_for_person(essex["employee"])) == {mine, draft}
    assert set(declarations_for_approver(essex["manager"])) == {mine, theirs}
    assert set(declarations_for_approver(essex["director"])) == {mine, theirs, managers}
    assert set(declarations_for_approver(essex["director"], include_reports=False)) == {managers}
    assert list(declarations_for_approver(essex["employee"])) == []


def test_register_entries_filter_by_team_kind_and_date(essex, django_assert_max_num_queries):
    old = submitted(essex["employee"], "gift", NON_NOMINAL_GIFT, occurred_on=TODAY - 40 * DAYS)
    Declaration.objects.filter(pk=old.pk).update(declared_on=TODAY - 35 * DAYS)
    north = submitted(essex["colleague"], "gift", NON_NOMINAL_GIFT)
    south = submitted(essex["southerner"], "gift", NON_NOMINAL_GIFT)
    declare(essex["employee"], "gift", NON_NOMINAL_GIFT)  # a draft is in no register
    interest = submitted(
        essex["employee"], "interest", {"kind": "financial", "could_conflict": True}
    )
    gifts = "gifts-and-hospitality-register"

    organisation = essex.organisation
    assert list(register_entries(organisation=organisation, register=gifts)) == [
        south,
        north,
        old,
    ]
    assert set(register_entries(organisation=organisation, register=gifts, team=essex.team)) == {
        north,
        old,
    }
    recent = register_entries(
        organisation=organisation, register=gifts, declared_from=TODAY - 7 * DAYS
    )
    assert set(recent) == {north, south}
    assert list(register_entries(organisation=organisation, kind="interest")) == [interest]
    with django_assert_max_num_queries(1):
        rows = [
            (d.person.name, d.team.name, d.organisation.name)
            for d in register_entries(organisation=organisation)
        ]
    assert len(rows) == 4


def test_who_may_see_a_declaration(essex, opcc):
    gift = submitted(essex["employee"], "gift", NON_NOMINAL_GIFT)
    conviction = submitted(essex["employee"], "conviction", {"kind": "conviction"})
    may_see_gift = {"employee", "manager", "director", "chief", "secretary", "keeper"}
    may_see_conviction = {"employee", "chief", "records"}

    for key, person in essex.items():
        assert can_view_declaration(person.user, gift) == (key in may_see_gift), key
        assert can_view_declaration(person.user, conviction) == (key in may_see_conviction), key
    for person in opcc.values():
        assert not can_view_declaration(person.user, gift)
    assert not can_view_declaration(get_user_model().objects.create(username="nobody"), gift)
    assert not can_view_declaration(AnonymousUser(), gift)


def test_a_draft_is_seen_by_its_declarant_alone(essex):
    draft = declare(essex["employee"], "gift", NON_NOMINAL_GIFT)
    assert can_view_declaration(essex["employee"].user, draft)
    for key in ("manager", "director", "chief", "secretary", "keeper"):
        assert not can_view_declaration(essex[key].user, draft), key
        assert draft not in visible_declarations(essex[key].user), key


def test_the_visible_list_agrees_with_the_predicate(essex, opcc):
    declarations = [
        submitted(essex["employee"], "gift", NON_NOMINAL_GIFT),
        submitted(essex["employee"], "conviction", {"kind": "conviction"}),
        submitted(essex["colleague"], "lone-contact", {"with": "service-user", "place": "home"}),
        submitted(essex["manager"], "interest", {"kind": "financial", "could_conflict": True}),
        submitted(opcc["employee"], "hospitality", OPCC_HOSPITALITY),
        declare(essex["colleague"], "gift", NON_NOMINAL_GIFT),
    ]
    for org in (essex, opcc):
        for key, person in org.items():
            visible = set(visible_declarations(person.user))
            expected = {d for d in declarations if can_view_declaration(person.user, d)}
            assert visible == expected, key


def test_someone_who_has_left_sees_nothing(essex):
    gift = submitted(essex["employee"], "gift", NON_NOMINAL_GIFT)
    Person.objects.filter(pk=essex["manager"].pk).update(active=False)
    assert not can_view_declaration(essex["manager"].user, gift)


# --- at the same time, on two connections (PostgreSQL) ----------------------------------------


def _at_once(*calls):
    """Run each call in its own thread and database connection, released together."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # handed back to the test
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_approve_once(essex):
    gift = submitted(essex["employee"], "gift", NON_NOMINAL_GIFT)
    results = _at_once(
        lambda: declaration_approve(
            declaration=Declaration.objects.get(pk=gift.pk), actor=essex["manager"].user
        ),
        lambda: declaration_approve(
            declaration=Declaration.objects.get(pk=gift.pk), actor=essex["director"].user
        ),
    )

    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], DeclarationStateError), results
    assert DeclarationEvent.objects.filter(declaration=gift, transition="approve").count() == 1
    assert audit_entries_for(gift).filter(action="declaration.approved").count() == 1
    gift.refresh_from_db()
    assert gift.status == Status.APPROVED
    assert audit_verify().ok


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_submit_once(essex):
    gift = declare(essex["employee"], "gift", NON_NOMINAL_GIFT)
    submit = lambda: declaration_submit(  # noqa: E731
        declaration=Declaration.objects.get(pk=gift.pk), actor=essex["employee"].user
    )
    results = _at_once(submit, submit)

    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], DeclarationStateError), results
    assert DeclarationEvent.objects.filter(declaration=gift, transition="submit").count() == 1


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_an_approval_and_a_withdrawal_at_once_leave_one_outcome(essex):
    gift = submitted(essex["employee"], "gift", NON_NOMINAL_GIFT)
    results = _at_once(
        lambda: declaration_approve(
            declaration=Declaration.objects.get(pk=gift.pk), actor=essex["manager"].user
        ),
        lambda: declaration_withdraw(
            declaration=Declaration.objects.get(pk=gift.pk), actor=essex["employee"].user
        ),
    )
    assert sum(isinstance(r, DeclarationStateError) for r in results) == 1, results
    gift.refresh_from_db()
    last = gift.events.order_by("id").last()
    assert (last.to_status, gift.status) in {
        (Status.APPROVED, Status.APPROVED),
        (Status.WITHDRAWN, Status.WITHDRAWN),
    }
