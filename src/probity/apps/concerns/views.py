"""The concerns pages: reporting (one question a page, check your answers), the receipt, the
anonymous reporter's return, the named reporter's and the subject's pages, the handler's
queue and case, logging a concern taken by phone or letter, site access and oversight.

Thin: forms check, services write, selectors read. A case opens only for those
`can_open_case` allows (anyone else gets a 404 that says nothing), with a second factor, and
every opening is audited. Nothing about an anonymous reporter reaches the session, the
address bar or the audit trail: the report in progress is encrypted in the session and
deleted on sending, and the return page carries a signed, expiring token in its form, never
the receipt code.
"""

from __future__ import annotations

import contextlib
import csv
import json
import secrets

from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from probity.apps.audit.services import audit_record, audit_view
from probity.apps.concerns import attachments as files
from probity.apps.concerns import crypto, selectors, services
from probity.apps.concerns.forms import (
    UPLOAD_HINT,
    AllegationForm,
    AssessForm,
    ConfirmForm,
    DecideForm,
    EvidenceForm,
    FollowUpForm,
    KindForm,
    LogForm,
    MemberForm,
    MessageForm,
    NoteForm,
    OrganisationForm,
    PassphraseForm,
    ReassignForm,
    ReplyForm,
    ReviewDecisionForm,
    ReviewRequestForm,
    SubjectForm,
    TreatmentForm,
    WhatForm,
    WhenForm,
    WhoForm,
)
from probity.apps.concerns.models import (
    OPEN_STATUSES,
    Case,
    CaseAttachment,
    SiteAccessWithdrawal,
    Status,
    Treatment,
)
from probity.apps.people.models import Organisation, Person
from probity.apps.people.selectors import office_holders, person_for_user
from probity.apps.registers.views import signed_in, verified_required
from probity.core.concerns import concern_kinds, decisions, triage_outcomes

DRAFT_KEY = "probity.concern"
FOLLOW_UP_SALT = "probity.concerns.follow-up"
FOLLOW_UP_MINUTES = 30
MAX_EVIDENCE = 5
PAGE_SIZE = 50
MAX_PAGE = 100_000
OVERSIGHT_OFFICES = ("chief-executive", "monitoring-officer", "board-secretary")

TAGS = {
    Status.RECEIVED: "govuk-tag--blue",
    Status.ACKNOWLEDGED: "govuk-tag--light-blue",
    Status.ASSESSED: "govuk-tag--purple",
    Status.INVESTIGATION: "govuk-tag--orange",
    Status.REPLY_RECORDED: "govuk-tag--yellow",
    Status.DECIDED: "govuk-tag--green",
    Status.REVIEW_REQUESTED: "govuk-tag--pink",
    Status.REVIEW_DECIDED: "govuk-tag--turquoise",
    Status.CLOSED: "govuk-tag--grey",
}


# --- the start page ---------------------------------------------------------------------------


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    person = person_for_user(user=request.user)
    context = {
        "person": person,
        "kinds": [
            {"title": kind.title, "clauses": [_clause_link(ref) for ref in kind.clauses]}
            for kind in concern_kinds().values()
        ],
        "handles": person is not None and selectors.handler_queue(person=person).exists(),
        "oversees": person is not None and _oversees(person),
    }
    return render(request, "concerns/start.html", context)


# --- reporting, one question a page -----------------------------------------------------------

STEPS = ("organisation", "kind", "what", "when", "who", "evidence", "treatment", "passphrase")


def _draft(request: HttpRequest) -> dict | None:
    token = request.session.get(DRAFT_KEY)
    if not token:
        return None
    try:
        return json.loads(crypto.decrypt_text(token))
    except (crypto.KeyMissing, ValueError):
        return None


def _save_draft(request: HttpRequest, draft: dict) -> None:
    request.session[DRAFT_KEY] = crypto.encrypt_text(json.dumps(draft))


def _steps(request: HttpRequest, draft: dict) -> list[str]:
    steps = list(STEPS)
    if person_for_user(user=request.user) is not None:
        steps.remove("organisation")
    if draft.get("treatment") != Treatment.ANONYMOUS:
        steps.remove("passphrase")
    return steps


def _next(request: HttpRequest, draft: dict, step: str) -> HttpResponse:
    steps = _steps(request, draft)
    if request.GET.get("change") and step != "treatment":
        return redirect("concerns:report-check")
    later = steps[steps.index(step) + 1 :] if step in steps else []
    if later:
        return redirect("concerns:report-step", step=later[0])
    return redirect("concerns:report-check")


def _back(request: HttpRequest, draft: dict, step: str) -> str:
    steps = _steps(request, draft)
    if request.GET.get("change"):
        return reverse("concerns:report-check")
    if step in steps and steps.index(step) > 0:
        return reverse("concerns:report-step", kwargs={"step": steps[steps.index(step) - 1]})
    return reverse("concerns:start")


@require_GET
def report(request: HttpRequest) -> HttpResponse:
    """Start (again): a fresh draft, and the first question."""
    old = _draft(request)
    if old:
        _forget_evidence(old)
    draft = {"key": secrets.token_urlsafe(16), "evidence": []}
    person = person_for_user(user=request.user)
    if person is not None:
        draft["organisation"] = person.organisation.slug
    _save_draft(request, draft)
    return redirect("concerns:report-step", step=_steps(request, draft)[0])


QUESTIONS = {
    "organisation": (OrganisationForm, "Which organisation is your concern about?"),
    "kind": (KindForm, "What is your concern about?"),
    "what": (WhatForm, "What happened?"),
    "when": (WhenForm, "When did it happen?"),
    "who": (WhoForm, "Who was involved?"),
    "evidence": (EvidenceForm, "Do you have any evidence?"),
    "treatment": (TreatmentForm, "How do you want us to treat your identity?"),
    "passphrase": (PassphraseForm, "Choose a passphrase"),
}
DRAFT_FIELDS = {"what": "what", "when": "happened", "who": "who", "kind": "kind"}


@require_http_methods(["GET", "POST"])
def report_step(request: HttpRequest, step: str) -> HttpResponse:
    draft = _draft(request)
    if draft is None:
        return redirect("concerns:report")
    if step not in _steps(request, draft):
        raise Http404("No such question")
    form_class, heading = QUESTIONS[step]
    data = request.POST if request.method == "POST" else None
    kwargs = {}
    if step == "organisation":
        kwargs["organisations"] = Organisation.objects.order_by("name")
    if step == "kind":
        organisation = Organisation.objects.filter(slug=draft.get("organisation")).first()
        kwargs["code_ids"] = organisation.adopted_code_ids() if organisation else []
    initial = {}
    if step in DRAFT_FIELDS:
        initial = {next(iter(form_class.base_fields)): draft.get(DRAFT_FIELDS[step], "")}
    elif step in ("organisation", "treatment"):
        initial = {step: draft.get(step, "")}
    form = form_class(data, request.FILES if data is not None else None, initial=initial, **kwargs)
    if data is not None and form.is_valid():
        if step == "evidence":
            return _evidence_posted(request, draft, form)
        if step == "passphrase":
            draft["passphrase_hash"] = make_password(form.cleaned_data["passphrase"])
        elif step in DRAFT_FIELDS:
            name = next(iter(form.fields))
            draft[DRAFT_FIELDS[step]] = form.cleaned_data[name]
        else:
            draft[step] = form.cleaned_data[step]
        if step == "treatment" and draft["treatment"] != Treatment.ANONYMOUS:
            draft.pop("passphrase_hash", None)
            if person_for_user(user=request.user) is None:
                form.add_error(
                    "treatment",
                    "Sign in to report in your name, or choose to report anonymously",
                )
                return _question(request, draft, step, form, heading)
        _save_draft(request, draft)
        if (
            step == "treatment"
            and draft["treatment"] == Treatment.ANONYMOUS
            and not draft.get("passphrase_hash")
        ):
            return redirect("concerns:report-step", step="passphrase")
        return _next(request, draft, step)
    return _question(request, draft, step, form, heading)


def _question(request, draft, step, form, heading) -> HttpResponse:
    context = {
        "form": form,
        "step": step,
        "heading": heading,
        "items": form.radio_items(step) if step in ("organisation", "kind") else [],
        "back_url": _back(request, draft, step),
        "evidence": draft.get("evidence", []),
        "upload_hint": UPLOAD_HINT,
        "max_evidence": MAX_EVIDENCE,
        "signed_in": person_for_user(user=request.user) is not None,
    }
    return render(request, "concerns/question.html", context)


def _evidence_posted(request, draft, form) -> HttpResponse:
    upload = form.cleaned_data.get("evidence")
    if upload is None:
        return _next(request, draft, "evidence")
    if len(draft["evidence"]) >= MAX_EVIDENCE:
        form.add_error("evidence", f"You can add up to {MAX_EVIDENCE} files")
        return _question(request, draft, "evidence", form, QUESTIONS["evidence"][1])
    content = upload.read()
    try:
        content_type = files.check_upload(upload.name, content)
    except ValidationError as error:
        form.add_service_errors(error)
        return _question(request, draft, "evidence", form, QUESTIONS["evidence"][1])
    draft["evidence"].append(
        {
            "name": upload.name[-200:],
            "stored": files.store(content),
            "size": len(content),
            "type": content_type,
        }
    )
    _save_draft(request, draft)
    return redirect(request.get_full_path())  # show the list, and ask for another


def _forget_evidence(draft: dict) -> None:
    for item in draft.get("evidence", []):
        files.remove(item["stored"])


@require_http_methods(["POST"])
def report_remove_evidence(request: HttpRequest, index: int) -> HttpResponse:
    draft = _draft(request)
    if draft is None:
        return redirect("concerns:report")
    if 0 <= index < len(draft["evidence"]):
        files.remove(draft["evidence"].pop(index)["stored"])
        _save_draft(request, draft)
    return redirect("concerns:report-step", step="evidence")


@require_http_methods(["GET", "POST"])
def report_check(request: HttpRequest) -> HttpResponse:
    draft = _draft(request)
    if draft is None:
        return _already_sent(request)
    missing = [s for s in ("kind", "what", "treatment") if not draft.get(s)]
    if draft.get("treatment") == Treatment.ANONYMOUS and not draft.get("passphrase_hash"):
        missing.append("passphrase")
    if missing:
        return redirect("concerns:report-step", step=missing[0])
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if request.POST.get("key") != draft["key"]:
            return _already_sent(request)
        return _send(request, draft, form)
    return _check_page(request, draft, form)


def _check_page(request, draft, form) -> HttpResponse:
    organisation = Organisation.objects.filter(slug=draft.get("organisation")).first()
    change = "?change=1"
    rows = [
        ("Organisation", organisation.name if organisation else "", "organisation"),
        ("What it is about", concern_kinds()[draft["kind"]].title, "kind"),
        ("What happened", draft["what"], "what"),
        ("When", draft.get("happened") or "Not given", "when"),
        ("Who was involved", draft.get("who") or "Not given", "who"),
        (
            "Evidence",
            "\n".join(e["name"] for e in draft["evidence"]) or "None",
            "evidence",
        ),
        ("Your identity", Treatment(draft["treatment"]).label, "treatment"),
    ]
    steps = _steps(request, draft)
    context = {
        "form": form,
        "key": draft["key"],
        "anonymous": draft["treatment"] == Treatment.ANONYMOUS,
        "rows": [
            {
                "key": key,
                "value": value,
                "href": reverse("concerns:report-step", kwargs={"step": step}) + change,
            }
            for key, value, step in rows
            if step in steps or step == "treatment"
        ],
        "back_url": reverse("concerns:report-step", kwargs={"step": steps[-1]}),
    }
    return render(request, "concerns/check.html", context)


def _send(request, draft, form) -> HttpResponse:
    person = person_for_user(user=request.user)
    organisation = (
        person.organisation
        if person is not None
        else Organisation.objects.filter(slug=draft.get("organisation")).first()
    )
    if organisation is None:
        return redirect("concerns:report-step", step="organisation")
    anonymous = draft["treatment"] == Treatment.ANONYMOUS
    evidence = [services.Evidence(e["name"], files.read(e["stored"])) for e in draft["evidence"]]
    try:
        case, code = services.case_report(
            organisation=organisation,
            kind=draft["kind"],
            what=draft["what"],
            happened=draft.get("happened", ""),
            subject_description=draft.get("who", ""),
            treatment=draft["treatment"],
            actor=None if anonymous else request.user,
            passphrase_hash=draft.get("passphrase_hash", ""),
            evidence=evidence,
        )
    except ValidationError as error:
        form.add_service_errors(error)
        return _check_page(request, draft, form)
    _forget_evidence(draft)
    del request.session[DRAFT_KEY]
    if anonymous:
        # Shown once, in this response: never stored, never in an address.
        context = {"code": code, "kind_title": case.kind_title}
        return render(request, "concerns/receipt.html", context)
    return redirect(reverse("concerns:my-report", args=[case.pk]) + "?sent=1")


def _already_sent(request) -> HttpResponse:
    return render(request, "concerns/already_sent.html", status=409)


# --- the anonymous reporter comes back --------------------------------------------------------


@require_http_methods(["GET", "POST"])
def follow_up(request: HttpRequest) -> HttpResponse:
    form = FollowUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.anonymous_open(
                code=form.cleaned_data["code"], passphrase=form.cleaned_data["passphrase"]
            )
        except services.FollowUpRefused as refused:
            # One message on the form for code and passphrase alike: no hint which was wrong.
            form.add_error("code", str(refused))
        else:
            return _anonymous_case(request, case)
    return render(request, "concerns/follow_up.html", {"form": form})


def _anonymous_case(request, case, *, form=None, added=False) -> HttpResponse:
    audit_record(actor=None, action="case.viewed_by_reporter", obj=case)
    context = {
        "case": case,
        "tag": _tag(case.status),
        "messages_": case.messages.all(),
        "form": form or MessageForm(),
        "token": signing.TimestampSigner(salt=FOLLOW_UP_SALT).sign(str(case.pk)),
        "added": added,
        "upload_hint": UPLOAD_HINT,
    }
    return render(request, "concerns/anonymous_case.html", context)


@require_http_methods(["POST"])
def follow_up_add(request: HttpRequest) -> HttpResponse:
    try:
        pk = signing.TimestampSigner(salt=FOLLOW_UP_SALT).unsign(
            request.POST.get("token", ""), max_age=FOLLOW_UP_MINUTES * 60
        )
    except signing.BadSignature:
        form = FollowUpForm()
        form.expired = True
        return render(request, "concerns/follow_up.html", {"form": form, "expired": True})
    case = Case.objects.filter(pk=int(pk)).first()
    if case is None:
        raise Http404("No such report")
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.message_from_reporter(
                case=case, body=form.cleaned_data["body"], evidence=_evidence_of(form)
            )
        except ValidationError as error:
            form.add_service_errors(error)
        except services.CaseError as error:
            form.add_error(None, str(error))
        else:
            return _anonymous_case(request, case, added=True)
    return _anonymous_case(request, case, form=form)


def _evidence_of(form) -> list:
    upload = form.cleaned_data.get("evidence")
    return [services.Evidence(upload.name, upload.read())] if upload else []


# --- named reporters and subjects -------------------------------------------------------------


@require_GET
@signed_in
def mine(request: HttpRequest) -> HttpResponse:
    cases = selectors.reported_by(request.person).only("id", "kind", "status", "received_on")
    about = selectors.cases_about(request.person).only("id", "kind", "status", "received_on")
    context = {
        "cases": [(c, _tag(c.status)) for c in cases],
        "about": [(c, _tag(c.status)) for c in about],
    }
    return render(request, "concerns/mine.html", context)


@require_http_methods(["GET", "POST"])
@signed_in
def my_report(request: HttpRequest, pk: int) -> HttpResponse:
    case = Case.objects.filter(pk=pk).first()
    if case is None or selectors.REPORTER not in selectors.case_roles(case, request.person):
        raise Http404("No such report")
    form = MessageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.message_from_reporter(
                case=case,
                actor=request.user,
                body=form.cleaned_data["body"],
                evidence=_evidence_of(form),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        except services.CaseError as error:
            form.add_error(None, str(error))
        else:
            return redirect(reverse("concerns:my-report", args=[pk]) + "?added=1")
    services.audit_reporter(case, request.user, "case_report.viewed", {"path": request.path})
    context = {
        "case": case,
        "tag": _tag(case.status),
        "messages_": case.messages.all(),
        "form": form,
        "upload_hint": UPLOAD_HINT,
    }
    return render(request, "concerns/my_report.html", context)


@require_http_methods(["GET", "POST"])
@signed_in
def about_me(request: HttpRequest, pk: int) -> HttpResponse:
    """The subject's page: what is put to them, their reply, the decision and their review.
    Never who reported it, nor what the reporter wrote."""
    case = Case.objects.filter(pk=pk, subject=request.person).exclude(allegation="").first()
    if case is None:
        raise Http404("No such case")
    reply = ReplyForm(request.POST if "reply" in request.POST else None)
    review = ReviewRequestForm(request.POST if "reasons" in request.POST else None)
    try:
        if reply.is_bound and reply.is_valid():
            services.case_record_reply(
                case=case, actor=request.user, reply=reply.cleaned_data["reply"]
            )
            return redirect(reverse("concerns:about-me", args=[pk]) + "?replied=1")
        if review.is_bound and review.is_valid():
            services.case_request_review(
                case=case, actor=request.user, reasons=review.cleaned_data["reasons"]
            )
            return redirect(reverse("concerns:about-me", args=[pk]) + "?review=1")
    except ValidationError as error:
        (reply if reply.is_bound else review).add_service_errors(error)
    except services.CaseError as error:
        (reply if reply.is_bound else review).add_error(None, str(error))
    audit_view(request, case, "case_subject")
    case.refresh_from_db()
    context = {
        "case": case,
        "tag": _tag(case.status),
        "decision_title": decisions()[case.decision].title if case.decision else "",
        "can_reply": case.status == Status.INVESTIGATION,
        "can_ask_review": case.adverse_decision
        and case.status in (Status.DECIDED, Status.CLOSED)
        and not case.review_requested_on,
        "reply_form": reply,
        "review_form": review,
        "form": reply if reply.errors else review,
    }
    return render(request, "concerns/about_me.html", context)


# --- handlers ---------------------------------------------------------------------------------


@require_GET
@verified_required
def queue(request: HttpRequest) -> HttpResponse:
    team = request.GET.get("team") == "1"
    cases = selectors.handler_queue(person=request.person, include_team=team)
    page = request.GET.get("page", "1")
    # capped: a page number past the database's integer range is a 500, not an empty page
    page_number = min(max(int(page), 1), MAX_PAGE) if page.isdigit() else 1
    rows = list(cases[(page_number - 1) * PAGE_SIZE : page_number * PAGE_SIZE + 1])
    today = timezone.localdate()
    audit_view(request, request.person, "case_queue")
    context = {
        "rows": [
            {
                "case": case,
                "tag": _tag(case.status),
                "due": selectors.next_deadline(case),
                "state": selectors.deadline_state(case, today),
                "mine": case.handler_id == request.person.pk,
            }
            for case in rows[:PAGE_SIZE]
        ],
        "team": team,
        "moved": request.GET.get("moved") == "1",
        "page_number": page_number,
        "has_next": len(rows) > PAGE_SIZE,
        "query": "team=1" if team else "",
    }
    return render(request, "concerns/queue.html", context)


def _open_case(request: HttpRequest, pk: int, what: str = "case") -> Case:
    """The case, if this person needs to know (audited); a 404 that says nothing if not."""
    case = Case.objects.select_related("handler", "reporter", "subject").filter(pk=pk).first()
    if case is None or not selectors.can_open_case(case, request.person):
        raise Http404("No such case")
    audit_view(request, case, what)
    return case


@require_GET
@verified_required
def case_page(request: HttpRequest, pk: int) -> HttpResponse:
    case = _open_case(request, pk)
    roles = selectors.case_roles(case, request.person)
    today = timezone.localdate()
    context = {
        "case": case,
        "tag": _tag(case.status),
        "roles": roles,
        "reporter": _reporter_shown(case, roles),
        "triage_title": triage_outcomes().get(case.triage, ""),
        "decision_title": decisions()[case.decision].title if case.decision else "",
        "due": selectors.next_deadline(case),
        "state": selectors.deadline_state(case, today),
        "messages_": case.messages.select_related("author"),
        "notes": case.notes.select_related("author"),
        "attachments": case.attachments.all(),
        "events": [
            {"event": e, "label": EVENT_LABELS.get(e.event, e.event)}
            for e in case.events.select_related("actor")
        ],
        "actions": _actions(case, roles),
        "members": case.members.select_related("person"),
    }
    return render(request, "concerns/case.html", context)


@require_http_methods(["GET", "POST"])
@verified_required
def case_people(request: HttpRequest, pk: int) -> HttpResponse:
    """The handler adds a second handler or a named reviewer, and takes them off again."""
    case = _open_case(request, pk, "case_people")
    if selectors.HANDLING not in selectors.case_roles(case, request.person):
        raise Http404("No such page")
    form = MemberForm(request.POST or None, people=selectors.member_choices(case))
    if request.method == "POST" and form.is_valid():
        try:
            services.case_add_member(
                case=case,
                actor=request.user,
                person=Person.objects.get(pk=int(form.cleaned_data["person"])),
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        except services.CaseError as error:
            form.add_error(None, str(error))
        else:
            return redirect("concerns:case-people", pk=pk)
    context = {
        "case": case,
        "form": form,
        "members": case.members.select_related("person"),
        "person_items": form.radio_items("person"),
        "role_items": form.radio_items("role"),
    }
    return render(request, "concerns/case_people.html", context)


@require_http_methods(["POST"])
@verified_required
def case_people_remove(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    case = _open_case(request, pk, "case_people")
    person = Person.objects.filter(pk=person_pk).first()
    if person is None or selectors.HANDLING not in selectors.case_roles(case, request.person):
        raise Http404("No such page")
    # Already off the case (a second click, another tab): the page shows who is on it.
    with contextlib.suppress(ValidationError, services.CaseError):
        services.case_remove_member(case=case, actor=request.user, person=person)
    return redirect("concerns:case-people", pk=pk)


EVENT_LABELS = {
    "received": "Concern received",
    "acknowledge": "Acknowledged",
    "assess": "Assessed",
    "investigate": "Investigation started",
    "record-reply": "Right of reply recorded",
    "decide": "Decided",
    "close": "Closed",
    "request-review": "Review asked for",
    "decide-review": "Review decided",
    "message-to-reporter": "Message to the reporter",
    "message-from-reporter": "Message from the reporter",
    "note": "Internal note added",
    "reassigned": "Reassigned",
    "escalated": "Overdue: escalated to the handler's manager",
    "subject-linked": "Person it is about linked",
    "subject-unlinked": "Person it is about unlinked",
    "rerouted": "Routed again: the handler could not handle it",
    "member-added": "Someone added to the case",
    "member-removed": "Someone taken off the case",
}
EXTENSIONS = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "text/plain": "txt",
    files.DOCX: "docx",
}


def _reporter_shown(case: Case, roles: set[str]) -> str:
    """Named: the handler and those above them see who reported; confidential: the handler
    alone; anonymous: nobody."""
    if case.treatment == Treatment.ANONYMOUS:
        return "Anonymous"
    if case.treatment == Treatment.CONFIDENTIAL and selectors.HANDLING not in roles:
        return "Confidential: known only to the case handler"
    if case.reporter is not None:
        return f"{case.reporter.name} ({case.reporter.email})"
    return case.reporter_contact or "Not recorded"


ACTIONS = {
    "acknowledge": {
        "title": "Acknowledge the concern",
        "button": "Acknowledge",
        "form": ConfirmForm,
        "roles": selectors.HANDLERS,
        "statuses": (Status.RECEIVED,),
        "run": lambda case, user, data: services.case_acknowledge(case=case, actor=user),
    },
    "assess": {
        "title": "Assess the concern",
        "button": "Save the assessment",
        "form": AssessForm,
        "roles": selectors.HANDLERS,
        "statuses": (Status.ACKNOWLEDGED,),
        "run": lambda case, user, data: services.case_assess(
            case=case, actor=user, triage=data["triage"], reasons=data["reasons"]
        ),
    },
    "investigate": {
        "title": "Start the investigation",
        "button": "Start the investigation",
        "form": AllegationForm,
        "roles": selectors.HANDLERS,
        "statuses": (Status.ASSESSED,),
        "run": lambda case, user, data: services.case_investigate(
            case=case, actor=user, allegation=data["allegation"]
        ),
    },
    "record-reply": {
        "title": "Record the right of reply",
        "button": "Record the reply",
        "form": ReplyForm,
        "roles": selectors.HANDLERS,
        "statuses": (Status.INVESTIGATION,),
        "run": lambda case, user, data: services.case_record_reply(
            case=case, actor=user, reply=data["reply"]
        ),
    },
    "decide": {
        "title": "Decide",
        "button": "Record the decision",
        "form": DecideForm,
        "roles": selectors.HANDLERS,
        "statuses": (Status.INVESTIGATION, Status.REPLY_RECORDED),
        "run": lambda case, user, data: services.case_decide(
            case=case,
            actor=user,
            decision=data["decision"],
            reasons=data["reasons"],
            establishment=data["establishment"],
        ),
    },
    "close": {
        "title": "Close the case",
        "button": "Close the case",
        "form": ConfirmForm,
        "roles": selectors.HANDLERS,
        "statuses": (Status.ASSESSED, Status.DECIDED, Status.REVIEW_DECIDED),
        "run": lambda case, user, data: services.case_close(case=case, actor=user),
    },
    "decide-review": {
        "title": "Decide the review",
        "button": "Record the review decision",
        "form": ReviewDecisionForm,
        "roles": {selectors.REVIEWER},
        "statuses": (Status.REVIEW_REQUESTED,),
        "run": lambda case, user, data: services.case_decide_review(
            case=case, actor=user, outcome=data["outcome"], reasons=data["reasons"]
        ),
    },
    "message": {
        "title": "Write to the reporter",
        "button": "Send the message",
        "form": MessageForm,
        "roles": selectors.HANDLERS,
        "statuses": OPEN_STATUSES,
        "run": lambda case, user, data: services.message_to_reporter(
            case=case, actor=user, body=data["body"]
        ),
    },
    "note": {
        "title": "Add an internal note",
        "button": "Add the note",
        "form": NoteForm,
        "roles": {
            *selectors.HANDLERS,
            selectors.ESCALATION,
            selectors.REVIEWER,
            selectors.NAMED_REVIEWER,
        },
        "statuses": tuple(Status),
        "run": lambda case, user, data: services.note_add(case=case, actor=user, body=data["body"]),
    },
    "subject": {
        "title": "Link the person it is about",
        "button": "Save",
        "form": SubjectForm,
        "roles": {selectors.HANDLING},
        "statuses": services.SUBJECT_CHANGEABLE,
        "run": lambda case, user, data: services.case_link_subject(
            case=case,
            actor=user,
            subject=None
            if data["subject"] == SubjectForm.NOBODY
            else Person.objects.get(pk=int(data["subject"])),
        ),
    },
    "reassign": {
        "title": "Reassign the case",
        "button": "Reassign",
        "form": ReassignForm,
        "roles": {selectors.ESCALATION},
        "statuses": OPEN_STATUSES,
        "run": lambda case, user, data: services.case_reassign(
            case=case, actor=user, handler=Person.objects.get(pk=int(data["handler"]))
        ),
    },
}


def _actions(case: Case, roles: set[str]) -> list[dict]:
    return [
        {"name": name, "title": spec["title"]}
        for name, spec in ACTIONS.items()
        if roles & spec["roles"]
        and case.status in spec["statuses"]
        and not case.content_deleted_on
        and not (name == "message" and not (case.reporter_id or case.is_anonymous))
    ]


@require_http_methods(["GET", "POST"])
@verified_required
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404("No such action")
    case = _open_case(request, pk, "case_action")
    kwargs = {}
    if action == "reassign":
        kwargs["people"] = _reassign_choices(case, request.person)
    if action == "subject":
        kwargs.update(people=selectors.organisation_people(case), current=case.subject_id)
    form = spec["form"](request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            spec["run"](case, request.user, form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        except services.CaseError as error:
            form.add_error(None, str(error))
        else:
            case.refresh_from_db()
            if not selectors.can_open_case(case, request.person):
                # routed away from them (they are its subject, or below the subject)
                return redirect(reverse("concerns:queue") + "?moved=1")
            return redirect("concerns:case", pk=pk)
    context = {
        "case": case,
        "action": action,
        "spec": spec,
        "form": form,
        "decision_items": form.radio_items("decision") if action == "decide" else [],
        "triage_items": form.radio_items("triage") if action == "assess" else [],
        "outcome_items": form.radio_items("outcome") if action == "decide-review" else [],
        "handler_items": form.radio_items("handler") if action == "reassign" else [],
        "subject_items": form.radio_items("subject") if action == "subject" else [],
    }
    return render(request, "concerns/action.html", context)


def _reassign_choices(case: Case, person: Person) -> list[Person]:
    """Those below the person reassigning, and the person themselves: never the subject or
    the reporter."""
    below = selectors._below(person).filter(active=True)
    people = [person, *below.order_by("name")]
    return [p for p in people if p.pk not in (case.subject_id, case.reporter_id)]


@require_GET
@verified_required
def attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    case = _open_case(request, pk, "case_attachment")
    found = CaseAttachment.objects.filter(case=case, pk=attachment_pk).first()
    if found is None:
        raise Http404("No such file")
    response = HttpResponse(files.read(found.stored_name), content_type=found.content_type)
    extension = EXTENSIONS.get(found.content_type, "bin")
    response["Content-Disposition"] = f'attachment; filename="evidence-{found.pk}.{extension}"'
    return response


@require_http_methods(["GET", "POST"])
@signed_in
def log_concern(request: HttpRequest) -> HttpResponse:
    """Staff log a concern that came by phone, letter or in person, for the reporter."""
    form = LogForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case, code = services.case_report(
                organisation=request.person.organisation,
                kind=data["kind"],
                what=data["what"],
                happened=data["happened"],
                subject_description=data["who"],
                treatment=data["treatment"],
                received_via=data["received_via"],
                reporter_contact=data["reporter_contact"],
                passphrase=data["passphrase"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            context = {"case": case, "code": code, "logged": True, "kind_title": case.kind_title}
            return render(request, "concerns/receipt.html", context)
    context = {
        "form": form,
        "kind_items": form.radio_items("kind"),
        "via_items": form.radio_items("received_via"),
        "treatment_items": form.radio_items("treatment"),
    }
    return render(request, "concerns/log.html", context)


# --- site access and oversight ----------------------------------------------------------------


@require_GET
@verified_required
def site_access(request: HttpRequest) -> HttpResponse:
    """Withdrawals of site access, for those who manage it (MoJ problem.2)."""
    if not request.user.has_perm("concerns.view_siteaccesswithdrawal"):
        raise Http404("No such page")
    withdrawals = SiteAccessWithdrawal.objects.select_related("person").filter(
        person__organisation=request.person.organisation
    )
    person_id = request.GET.get("person", "")
    if person_id.isdigit():
        # an id past any database's integer range names nobody (rather than a 500)
        withdrawals = (
            withdrawals.filter(person_id=int(person_id))
            if len(person_id) < 19
            else withdrawals.none()
        )
    audit_view(request, request.person, "site_access_withdrawals")
    return render(request, "concerns/site_access.html", {"withdrawals": withdrawals[:500]})


def _oversees(person: Person) -> bool:
    return any(
        person in office_holders(organisation=person.organisation, office=office)
        for office in OVERSIGHT_OFFICES
    )


@require_GET
@verified_required
def oversight(request: HttpRequest) -> HttpResponse:
    if not _oversees(request.person):
        raise Http404("No such page")
    figures = selectors.oversight_figures(organisation=request.person.organisation)
    rows = selectors.oversight_rows(figures)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="concerns-oversight.csv"'
        writer = csv.writer(response)
        writer.writerow(["measure", "category", "value"])
        writer.writerows(rows)
        return response
    return render(request, "concerns/oversight.html", {"rows": rows, "figures": figures})


def _clause_link(ref: str) -> dict:
    code, _, clause = ref.partition(":")
    return {"ref": ref, "href": reverse("codes:clause", args=[code, clause])}


def _tag(status: str) -> dict:
    return {"label": Status(status).label, "class": TAGS.get(status, "")}
