"""The registers' pages: declaring (pre-filled from the interview), "My declarations", a
declaration and the decisions on it, the approver's inbox, the registers with their exports,
and annual declaration campaigns.

Thin: selectors read, forms check, services write. Everyone must sign in. Personal data is
shown only to those `can_view_declaration` allows (anyone else gets a 404, never a hint), and
every view of a declaration, list of others' declarations or export is in the audit trail.
Deciding, registers and campaigns need a second factor (`verified_required`).
"""

from __future__ import annotations

import datetime
import secrets
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from probity.apps.accounts.two_factor import is_verified, two_factor_redirect
from probity.apps.ask import selectors as ask_selectors
from probity.apps.audit.services import audit_record, audit_view
from probity.apps.people.models import OfficeHolder, Person, Team
from probity.apps.people.selectors import person_for_user
from probity.apps.registers import campaigns, exports, selectors, services
from probity.apps.registers.forms import (
    DECLINED,
    ApproveForm,
    CampaignForm,
    CampaignReturnForm,
    DetailsForm,
    InformationForm,
    KindForm,
    MineFilterForm,
    ReasonForm,
    RegisterFilterForm,
)
from probity.apps.registers.kinds import declaration_kind, declaration_kinds, kind_for_matter
from probity.apps.registers.models import (
    WITHDRAWABLE_STATUSES,
    Declaration,
    DeclarationSubmission,
    Status,
)
from probity.core.errors import BadInput
from probity.core.vocabulary import vocabulary

SESSION_KEY = "probity.declare"
PAGE_SIZE = 50
OVERDUE_DAYS = 7  # as `probity registers remind --days` by default

STATUS_TAGS = {
    Status.DRAFT: "govuk-tag--grey",
    Status.SUBMITTED: "govuk-tag--blue",
    Status.MORE_INFORMATION_REQUESTED: "govuk-tag--orange",
    Status.APPROVED: "govuk-tag--green",
    Status.APPROVED_WITH_CONDITIONS: "govuk-tag--turquoise",
    Status.REFUSED: "govuk-tag--red",
    Status.WITHDRAWN: "govuk-tag--grey",
    Status.RECORDED: "govuk-tag--purple",
    Status.EXPIRED: "govuk-tag--yellow",
}


# --- who may come in ---------------------------------------------------------------------------


def signed_in(view):
    """Signed in, with a staff record (a Person): request.person."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        request.person = person_for_user(user=request.user)
        if request.person is None or not request.person.active:
            return render(request, "registers/no_record.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped


def verified_required(view):
    """Signed in with a staff record and a code from their authenticator app this session:
    for anyone who decides on, or keeps registers of, what others declare."""

    @wraps(view)
    @signed_in
    def wrapped(request, *args, **kwargs):
        if not is_verified(request.user):
            return two_factor_redirect(request, request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


def _refused(request: HttpRequest, message: str, declaration=None) -> HttpResponse:
    context = {"message": message, "declaration": declaration}
    return render(request, "registers/refused.html", context, status=403)


def _visible_declaration(request: HttpRequest, pk: int, what: str = "declaration"):
    """The declaration if this person may see it (audited), else a 404 that tells nothing."""
    declaration = selectors.declaration_get(pk=pk)
    if declaration is None or not selectors.can_view_declaration(request.person, declaration):
        raise Http404("No such declaration")
    if declaration.person_id != request.person.pk and not is_verified(request.user):
        return None
    audit_view(request, declaration, what)
    return declaration


def _tag(status: str) -> dict:
    return {"label": Status(status).label, "class": STATUS_TAGS.get(status, "")}


def _kind_title(kind: str) -> str:
    found = declaration_kinds().get(kind)
    return found.title if found else kind


def _money(pence: int | None) -> str:
    if pence is None:
        return ""
    pounds = f"{pence / 100:,.2f}".removesuffix(".00")
    return f"£{pounds}"


# --- declaring -------------------------------------------------------------------------------


def _draft(request: HttpRequest) -> dict | None:
    draft = request.session.get(SESSION_KEY)
    if not isinstance(draft, dict) or draft.get("kind") not in declaration_kinds():
        return None
    return draft


def _save_draft(request: HttpRequest, draft: dict) -> None:
    request.session[SESSION_KEY] = draft
    request.session.modified = True


@require_GET
@signed_in
def new(request: HttpRequest) -> HttpResponse:
    """From the interview's outcome ("Declare this", "Ask for permission") with the situation
    in the address, or from scratch (choose the kind first)."""
    if "matter" not in request.GET:
        return redirect("registers:new-kind")
    try:
        situation = ask_selectors.situation_from_query(request.GET)
    except BadInput as error:
        context = {"problem": f"{error.field}: {error.message}"}
        return render(request, "registers/bad_link.html", context, status=400)
    kind = kind_for_matter(situation.matter)
    if kind is None:
        context = {"problem": f"nothing about {situation.matter} is declared in a register"}
        return render(request, "registers/bad_link.html", context, status=400)
    _save_draft(
        request,
        {
            "kind": kind.id,
            "facts": dict(situation.facts),
            "from_interview": True,
            "query": request.GET.urlencode(),
            "answers": {},
            "key": secrets.token_urlsafe(24),
        },
    )
    return redirect("registers:new-details")


@require_http_methods(["GET", "POST"])
@signed_in
def new_kind(request: HttpRequest) -> HttpResponse:
    draft = _draft(request)
    initial = {"kind": draft["kind"]} if draft and not draft.get("from_interview") else {}
    form = KindForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_valid():
        kind = form.cleaned_data["kind"]
        if not (draft and draft["kind"] == kind and not draft.get("from_interview")):
            draft = {
                "kind": kind,
                "facts": {},
                "from_interview": False,
                "answers": {},
                "key": secrets.token_urlsafe(24),
            }
        _save_draft(request, draft)
        return redirect("registers:new-details")
    context = {"form": form, "back_url": reverse("registers:mine")}
    return render(request, "registers/new_kind.html", context)


def _details_form(request, draft, data=None) -> DetailsForm:
    answers = draft.get("answers") or {}
    initial = {
        "description": answers.get("description", ""),
        "offered_by": answers.get("offered_by"),
        "outcome": answers.get("outcome"),
    }
    if answers.get("value_pence") is not None:
        initial["value"] = format(answers["value_pence"] / 100, ".2f").removesuffix(".00")
    occurred = answers.get("occurred_on")
    return DetailsForm(
        data,
        kind=declaration_kind(draft["kind"]),
        facts=draft["facts"],
        initial=initial,
        initial_date=datetime.date.fromisoformat(occurred) if occurred else None,
    )


def _known_facts(draft: dict) -> list[dict]:
    """What the interview already said, in its own questions and answers."""
    matter = vocabulary().matters[declaration_kind(draft["kind"]).matter]
    return [
        {
            "question": fact.question,
            "answer": ask_selectors.answer_label(fact, draft["facts"][name]),
        }
        for name, fact in matter.facts.items()
        if name in draft["facts"]
    ]


def _render_details(request, draft, form, status=200) -> HttpResponse:
    kind = declaration_kind(draft["kind"])
    back = (
        f"{reverse('ask:outcome')}?{draft['query']}"
        if draft.get("from_interview")
        else reverse("registers:new-kind")
    )
    context = {
        "form": form,
        "kind": kind,
        "known": _known_facts(draft),
        "back_url": reverse("registers:new-check") if request.GET.get("change") else back,
    }
    return render(request, "registers/new_details.html", context, status=status)


@require_http_methods(["GET", "POST"])
@signed_in
def new_details(request: HttpRequest) -> HttpResponse:
    draft = _draft(request)
    if draft is None:
        return redirect("registers:new-kind")
    form = _details_form(request, draft, request.POST if request.method == "POST" else None)
    if form.is_valid():
        data = form.cleaned_data
        draft["answers"] = {
            "description": data["description"].strip(),
            "occurred_on": data["occurred_on"].isoformat(),
            "value_pence": data.get("value"),
            "offered_by": data.get("offered_by") or None,
            "outcome": data.get("outcome") or None,
        }
        _save_draft(request, draft)
        return redirect("registers:new-check")
    return _render_details(request, draft, form)


def _check_rows(draft: dict) -> list[dict]:
    kind = declaration_kind(draft["kind"])
    answers = draft["answers"]
    change = reverse("registers:new-details") + "?change=1"
    rows = [
        {
            "key": "What you are declaring",
            "value": [kind.title],
            "href": reverse("registers:new-kind") if not draft.get("from_interview") else "",
            "hidden": "what you are declaring",
        },
        {
            "key": "Description",
            "value": [answers["description"]],
            "href": change,
            "hidden": "the description",
        },
        {
            "key": "Date it was offered" if kind.is_offer else "Date it happened",
            "value": [datetime.date.fromisoformat(answers["occurred_on"]).strftime("%-d %B %Y")],
            "href": change,
            "hidden": "the date",
        },
    ]
    if answers.get("value_pence") is not None:
        rows.append(
            {
                "key": "Value",
                "value": [_money(answers["value_pence"])],
                "href": change,
                "hidden": "the value",
            }
        )
    if answers.get("offered_by"):
        fact = vocabulary().matters[kind.matter].facts["offered_by"]
        rows.append(
            {
                "key": "Who offered it",
                "value": [ask_selectors.answer_label(fact, answers["offered_by"])],
                "href": change,
                "hidden": "who offered it",
            }
        )
    if answers.get("outcome"):
        rows.append(
            {
                "key": "Accepted or declined",
                "value": ["Declined" if answers["outcome"] == DECLINED else "Accepted"],
                "href": change,
                "hidden": "whether you accepted or declined it",
            }
        )
    return rows


@require_http_methods(["GET", "POST"])
@signed_in
def new_check(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _submit(request)
    draft = _draft(request)
    if draft is None:
        return redirect("registers:new-kind")
    if not draft.get("answers"):
        return redirect("registers:new-details")
    context = {
        "rows": _check_rows(draft),
        "known": _known_facts(draft),
        "key": draft["key"],
        "back_url": reverse("registers:new-details"),
    }
    return render(request, "registers/new_check.html", context)


def _submitted_already(person: Person, key: str) -> HttpResponse | None:
    done = DeclarationSubmission.objects.filter(key=key, person=person).first()
    if done is not None and done.declaration_id is not None:
        return redirect("registers:submitted", pk=done.declaration_id)
    return None


def _submit(request: HttpRequest) -> HttpResponse:
    """Submit once: the button's one-time key makes a second press, a resubmitted form or a
    double click find the declaration the first made."""
    person = request.person
    key = request.POST.get("key", "")[:64]
    if key and (already := _submitted_already(person, key)):
        return already
    draft = _draft(request)
    if draft is None or draft.get("key") != key or not draft.get("answers"):
        return redirect("registers:mine")
    answers = draft["answers"]
    facts = dict(draft["facts"])
    if answers.get("offered_by"):
        facts["offered_by"] = answers["offered_by"]
    try:
        with transaction.atomic():
            submission = DeclarationSubmission.objects.create(key=key, person=person)
            declaration = services.declaration_create(
                person=person,
                situation={"matter": declaration_kind(draft["kind"]).matter, "facts": facts},
                actor=request.user,
                kind=draft["kind"],
                occurred_on=datetime.date.fromisoformat(answers["occurred_on"]),
                description=answers["description"],
                value_pence=answers.get("value_pence"),
                offer_declined=answers.get("outcome") == DECLINED,
            )
            services.declaration_submit(declaration=declaration, actor=request.user)
            submission.declaration = declaration
            submission.save(update_fields=["declaration"])
    except IntegrityError:
        # The same key is being (or has been) submitted by another request: show its result.
        return _submitted_already(person, key) or redirect("registers:mine")
    except services.DeclarationProhibited as error:
        form = _details_form(request, draft, _form_data(draft))
        form.is_valid()
        form.add_error("outcome" if "outcome" in form.fields else None, str(error).rstrip("."))
        return _render_details(request, draft, form, status=200)
    except ValidationError as error:
        form = _details_form(request, draft, _form_data(draft))
        form.is_valid()
        form.add_service_errors(error)
        return _render_details(request, draft, form, status=200)
    request.session.pop(SESSION_KEY, None)
    return redirect("registers:submitted", pk=declaration.pk)


def _form_data(draft: dict) -> dict:
    """The details form's data as if posted again (to show a service's errors on it)."""
    answers = draft["answers"]
    occurred = datetime.date.fromisoformat(answers["occurred_on"])
    data = {
        "description": answers["description"],
        "occurred_on-day": str(occurred.day),
        "occurred_on-month": str(occurred.month),
        "occurred_on-year": str(occurred.year),
        "offered_by": answers.get("offered_by") or "",
        "outcome": answers.get("outcome") or "",
    }
    if answers.get("value_pence") is not None:
        data["value"] = format(answers["value_pence"] / 100, ".2f")
    return data


@require_GET
@signed_in
def submitted(request: HttpRequest, pk: int) -> HttpResponse:
    declaration = selectors.declaration_get(pk=pk)
    if declaration is None or declaration.person_id != request.person.pk:
        raise Http404("No such declaration")
    audit_view(request, declaration, "declaration")
    context = {
        "declaration": declaration,
        "approver": declaration.approver,
        "register_label": vocabulary().record_places.get(declaration.register, ""),
    }
    return render(request, "registers/submitted.html", context)


# --- my declarations and a declaration --------------------------------------------------------


@require_GET
@signed_in
def mine(request: HttpRequest) -> HttpResponse:
    person = request.person
    form = MineFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    declarations = selectors.declarations_for_person(person, status=[status] if status else None)
    page, has_next, number = _page(request, declarations)
    rows = [{"declaration": d, "tag": _tag(d.status), "kind": _kind_title(d.kind)} for d in page]
    context = {
        "rows": rows,
        "status": status,
        "status_items": [
            {"value": value, "label": label, "selected": value == status}
            for value, label in (("", "All"), *Status.choices)
        ],
        "tasks": campaigns.campaigns_for_person(person),
        "has_next": has_next,
        "page_number": number,
        "query": f"status={status}" if status else "",
        "waiting": selectors.declarations_for_approver(person).exists(),
        "registers": _registers_of(person),
        "is_keeper": campaigns.is_campaign_keeper(person, person.organisation),
    }
    return render(request, "registers/mine.html", context)


def _page(request: HttpRequest, queryset):
    """A page of PAGE_SIZE rows without counting them all (one row more says there is a next)."""
    try:
        number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        number = 1
    start = (number - 1) * PAGE_SIZE
    rows = list(queryset[start : start + PAGE_SIZE + 1])
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE, number


def _timeline(declaration: Declaration) -> list[dict]:
    return [
        {
            "at": event.at,
            "who": event.actor.name if event.actor else "Probity",
            "what": Status(event.to_status).label if event.to_status in Status.values else "",
            "transition": event.transition.replace("_", " "),
            "reason": event.reason,
        }
        for event in declaration.events.all()
    ]


def _summary_rows(declaration: Declaration) -> list[dict]:
    kind = declaration_kinds().get(declaration.kind)
    rows = [
        ("Reference", str(declaration.pk)),
        ("Declared by", declaration.person.name),
        ("Team", declaration.team.name if declaration.team else "None"),
        ("What", kind.title if kind else declaration.kind),
        ("Description", declaration.description or "None given"),
        ("Date it happened", declaration.occurred_on.strftime("%-d %B %Y")),
        (
            "Date declared",
            declaration.declared_on.strftime("%-d %B %Y") if declaration.declared_on else "Not yet",
        ),
    ]
    if declaration.value_pence is not None:
        rows.append(("Value", _money(declaration.value_pence)))
    if kind and kind.is_offer:
        rows.append(
            ("Accepted or declined", "Declined" if declaration.offer_declined else "Accepted")
        )
    rows.append(
        ("Register", vocabulary().record_places.get(declaration.register, declaration.register))
    )
    approver = declaration.approver
    if declaration.needs_decision:
        rows.append(("Sent to", approver.name if approver else "Nobody could be found"))
    if declaration.late:
        rows.append(("Late", "Declared after the organisation's time limit"))
    if declaration.above_threshold:
        rows.append(("Above the limit", "Only the Chief Executive or a director may approve it"))
    if declaration.conditions:
        rows.append(("Conditions", declaration.conditions))
    if declaration.expires_on:
        rows.append(("Permission ends", declaration.expires_on.strftime("%-d %B %Y")))
    return [{"key": key, "value": value} for key, value in rows]


def _guidance(declaration: Declaration) -> dict:
    words = vocabulary()
    outcome = declaration.outcome or {}
    return {
        "decision_label": words.decision_labels.get(declaration.decision, declaration.decision),
        "actions": [action["text"] for action in outcome.get("actions", ())],
        "clauses": [
            {
                "ref": ref,
                "url": ask_selectors.clause_url(ref),
                "title": ask_selectors.clause_title(ref),
            }
            for ref in declaration.clauses
        ],
    }


def _actions(request: HttpRequest, declaration: Declaration) -> list[dict]:
    """What this person may do to the declaration now, as links to its forms."""
    person = request.person
    actions = []
    url = lambda name: reverse(f"registers:{name}", args=[declaration.pk])  # noqa: E731
    if declaration.person_id == person.pk:
        if declaration.status == Status.MORE_INFORMATION_REQUESTED:
            actions.append(
                {"label": "Add the information asked for", "url": url("add-information")}
            )
        if declaration.status in WITHDRAWABLE_STATUSES:
            actions.append(
                {"label": "Withdraw this declaration", "url": url("withdraw"), "secondary": True}
            )
    elif declaration.status == Status.SUBMITTED and services.may_decide(person, declaration):
        actions += [
            {"label": "Approve", "url": url("approve")},
            {
                "label": "Approve with conditions",
                "url": url("approve-with-conditions"),
                "secondary": True,
            },
            {"label": "Refuse", "url": url("refuse"), "warning": True},
            {
                "label": "Ask for more information",
                "url": url("ask-for-information"),
                "secondary": True,
            },
        ]
    return actions


@require_GET
@signed_in
def declaration(request: HttpRequest, pk: int) -> HttpResponse:
    found = _visible_declaration(request, pk)
    if found is None:
        return two_factor_redirect(request, request.get_full_path())
    context = {
        "declaration": found,
        "kind_title": _kind_title(found.kind),
        "tag": _tag(found.status),
        "rows": _summary_rows(found),
        "guidance": _guidance(found),
        "timeline": _timeline(found),
        "actions": _actions(request, found),
        "known": _known_facts({"kind": found.kind, "facts": found.situation.get("facts", {})})
        if found.kind in declaration_kinds()
        else [],
    }
    return render(request, "registers/declaration.html", context)


@require_GET
@signed_in
def declaration_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    found = _visible_declaration(request, pk, "declaration_pdf")
    if found is None:
        return two_factor_redirect(request, request.get_full_path())
    content = exports.declaration_pdf(
        found, rows=_summary_rows(found), guidance=_guidance(found), timeline=_timeline(found)
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="declaration-{found.pk}.pdf"'
    return response


# --- acting on a declaration -------------------------------------------------------------------

DECISIONS = {
    "approve": {
        "title": "Approve this declaration",
        "button": "Approve",
    },
    "approve-with-conditions": {
        "title": "Approve with conditions",
        "button": "Approve with these conditions",
    },
    "refuse": {
        "title": "Refuse this declaration",
        "button": "Refuse",
        "required": "Enter why you are refusing it",
        "service": services.declaration_refuse,
    },
    "ask-for-information": {
        "title": "Ask for more information",
        "button": "Send the request",
        "required": "Enter what more you need to know",
        "service": services.declaration_request_information,
    },
}


def _decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    found = _visible_declaration(request, pk)
    spec = DECISIONS[action]
    data = request.POST if request.method == "POST" else None
    if action.startswith("approve"):
        form = ApproveForm(data, with_conditions=action == "approve-with-conditions")
    else:
        form = ReasonForm(data, required_message=spec["required"])
    if found.person_id == request.person.pk:
        return _refused(
            request, "You cannot decide your own declaration: it goes to your approver.", found
        )
    if request.method == "POST" and form.is_valid():
        try:
            if action.startswith("approve"):
                services.declaration_approve(
                    declaration=found,
                    actor=request.user,
                    conditions=form.cleaned_data["conditions"],
                    reason=form.cleaned_data["reason"],
                )
            else:
                spec["service"](
                    declaration=found, actor=request.user, reason=form.cleaned_data["reason"]
                )
        except services.DeclarationPermissionError as error:
            return _refused(request, str(error), found)
        except services.DeclarationStateError as error:
            form.add_error(None, str(error).rstrip("."))
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return redirect("registers:declaration", pk=found.pk)
    context = {
        "declaration": found,
        "form": form,
        "spec": spec,
        "action": action,
        "rows": _summary_rows(found),
        "back_url": reverse("registers:declaration", args=[found.pk]),
    }
    return render(request, "registers/decide.html", context)


def _decision_view(action: str):
    @require_http_methods(["GET", "POST"])
    @verified_required
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        return _decide(request, pk, action)

    view.__name__ = action.replace("-", "_")
    return view


approve = _decision_view("approve")
approve_with_conditions = _decision_view("approve-with-conditions")
refuse = _decision_view("refuse")
ask_for_information = _decision_view("ask-for-information")


@require_http_methods(["GET", "POST"])
@signed_in
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    found = _visible_declaration(request, pk)
    if found is None or found.person_id != request.person.pk:
        raise Http404("No such declaration")
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.declaration_withdraw(
                declaration=found, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except services.DeclarationStateError as error:
            form.add_error(None, str(error).rstrip("."))
        else:
            return redirect("registers:declaration", pk=found.pk)
    context = {
        "declaration": found,
        "form": form,
        "spec": {"title": "Withdraw this declaration", "button": "Withdraw it", "optional": True},
        "action": "withdraw",
        "rows": _summary_rows(found),
        "back_url": reverse("registers:declaration", args=[found.pk]),
    }
    return render(request, "registers/decide.html", context)


@require_http_methods(["GET", "POST"])
@signed_in
def add_information(request: HttpRequest, pk: int) -> HttpResponse:
    found = _visible_declaration(request, pk)
    if found is None or found.person_id != request.person.pk:
        raise Http404("No such declaration")
    form = InformationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.declaration_submit(
                declaration=found, actor=request.user, information=form.cleaned_data["information"]
            )
        except services.DeclarationStateError as error:
            form.add_error(None, str(error).rstrip("."))
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return redirect("registers:declaration", pk=found.pk)
    asked = [e for e in found.events.all() if e.transition == "request_information"]
    context = {
        "declaration": found,
        "form": form,
        "asked": asked[-1].reason if asked else "",
        "back_url": reverse("registers:declaration", args=[found.pk]),
    }
    return render(request, "registers/add_information.html", context)


# --- the approver's inbox -----------------------------------------------------------------------


@require_GET
@verified_required
def to_decide(request: HttpRequest) -> HttpResponse:
    waiting = selectors.declarations_for_approver(request.person)
    page, has_next, number = _page(request, waiting)
    overdue_before = timezone.now() - datetime.timedelta(days=OVERDUE_DAYS)
    rows = [
        {
            "declaration": d,
            "overdue": d.submitted_at is not None and d.submitted_at < overdue_before,
            "kind": _kind_title(d.kind),
        }
        for d in page
    ]
    if rows:
        audit_record(
            actor=request.user,
            action="declarations.to_decide_viewed",
            details={"path": request.path, "declarations": [r["declaration"].pk for r in rows]},
        )
    context = {
        "rows": rows,
        "has_next": has_next,
        "page_number": number,
        "overdue_days": OVERDUE_DAYS,
    }
    return render(request, "registers/to_decide.html", context)


# --- registers and exports ----------------------------------------------------------------------


def _registers_of(person: Person) -> list[dict]:
    kept = selectors.registers_kept_by(person)
    places = vocabulary().record_places
    names = places if "*" in kept else [r for r in kept if r in places]
    return [{"id": r, "label": places[r]} for r in names if _keeps(person, r)]


def _keeps(person: Person, register: str) -> bool:
    """Whether the person keeps this register (the same rule as visible_declarations)."""
    kept = selectors.registers_kept_by(person)
    if register in kept:
        return True
    if "*" not in kept:
        return False
    return not OfficeHolder.objects.filter(
        organisation_id=person.organisation_id,
        office="register-keeper",
        register=register,
        person__active=True,
    ).exists()


def _register_query(request: HttpRequest, register: str):
    if register not in vocabulary().record_places:
        raise Http404("No such register")
    person = request.person
    if not _keeps(person, register):
        return None, None
    teams = Team.objects.filter(organisation_id=person.organisation_id).order_by("name")
    form = RegisterFilterForm(request.GET, teams=teams)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "kind": data["kind"] or None,
            "status": [data["status"]] if data["status"] else None,
            "team": data["team"],
            "declared_from": data["declared_from"],
            "declared_to": data["declared_to"],
        }
    entries = selectors.register_entries(
        organisation=person.organisation, register=register, **filters
    )
    return form, entries


def _filters_for_audit(request: HttpRequest) -> dict:
    keys = ("kind", "status", "team", "page")
    return {key: request.GET[key] for key in keys if request.GET.get(key)}


@require_GET
@verified_required
def register(request: HttpRequest, register: str) -> HttpResponse:
    form, entries = _register_query(request, register)
    if form is None:
        return _refused(request, "Only a keeper of this register may see it.")
    page, has_next, number = _page(request, entries)
    audit_record(
        actor=request.user,
        action="register.viewed",
        details={
            "path": request.path,
            "register": register,
            "filters": _filters_for_audit(request),
            "declarations": [d.pk for d in page],
        },
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "register": register,
        "register_label": vocabulary().record_places[register],
        "form": form,
        "rows": [
            {
                "declaration": d,
                "tag": _tag(d.status),
                "kind": _kind_title(d.kind),
                "value": _money(d.value_pence),
            }
            for d in page
        ],
        "has_next": has_next,
        "page_number": number,
        "query": query.urlencode(),
        "kind_items": _select_items(form, "kind"),
        "status_items": _select_items(form, "status"),
        "team_items": _select_items(form, "team"),
    }
    return render(request, "registers/register.html", context)


def _select_items(form, name: str) -> list[dict]:
    current = str(form[name].value() or "")
    return [
        {"value": value, "label": label, "selected": str(value) == current}
        for value, label in form.fields[name].choices
    ]


def _export(request: HttpRequest, register: str, fmt: str) -> HttpResponse:
    form, entries = _register_query(request, register)
    if form is None:
        return _refused(request, "Only a keeper of this register may export it.")
    if form.errors:
        return redirect(
            f"{reverse('registers:register', args=[register])}?{request.GET.urlencode()}"
        )
    audit_record(
        actor=request.user,
        action=f"register.exported_{fmt}",
        details={"register": register, "filters": _filters_for_audit(request)},
    )
    today = timezone.localdate().isoformat()
    if fmt == "csv":
        return exports.csv_response(entries, filename=f"{register}-{today}.csv")
    if fmt == "xlsx":
        return exports.xlsx_response(entries, filename=f"{register}-{today}.xlsx", title=register)
    public = exports.transparency_entries(organisation=request.person.organisation, form=form)
    return exports.transparency_response(public, filename=f"transparency-{today}.csv")


@require_GET
@verified_required
def export_csv(request: HttpRequest, register: str) -> HttpResponse:
    return _export(request, register, "csv")


@require_GET
@verified_required
def export_xlsx(request: HttpRequest, register: str) -> HttpResponse:
    return _export(request, register, "xlsx")


@require_GET
@verified_required
def export_transparency(request: HttpRequest, register: str) -> HttpResponse:
    return _export(request, register, "transparency")


# --- annual declaration campaigns ---------------------------------------------------------------


def _keeper_only(request: HttpRequest) -> HttpResponse | None:
    if not campaigns.is_campaign_keeper(request.person, request.person.organisation):
        return _refused(request, "Only a register keeper may run declaration campaigns.")
    return None


@require_GET
@verified_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    if refused := _keeper_only(request):
        return refused
    context = {"campaigns": campaigns.campaigns_of(request.person.organisation)}
    return render(request, "registers/campaign_list.html", context)


@require_http_methods(["GET", "POST"])
@verified_required
def campaign_new(request: HttpRequest) -> HttpResponse:
    if refused := _keeper_only(request):
        return refused
    organisation = request.person.organisation
    teams = list(Team.objects.filter(organisation=organisation).order_by("name"))
    form = CampaignForm(request.POST if request.method == "POST" else None, teams=teams)
    if request.method == "POST" and form.is_valid():
        chosen = [t for t in teams if t.pk in set(form.cleaned_data["teams"])]
        try:
            campaign = campaigns.campaign_open(
                organisation=organisation,
                actor=request.user,
                name=form.cleaned_data["name"],
                deadline=form.cleaned_data["deadline"],
                teams=chosen,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return redirect("registers:campaign", pk=campaign.pk)
    context = {"form": form, "back_url": reverse("registers:campaigns")}
    return render(request, "registers/campaign_new.html", context)


@require_GET
@verified_required
def campaign(request: HttpRequest, pk: int) -> HttpResponse:
    if refused := _keeper_only(request):
        return refused
    found = campaigns.campaigns_of(request.person.organisation).filter(pk=pk).first()
    if found is None:
        raise Http404("No such campaign")
    context = {"campaign": found, "figures": campaigns.campaign_completion(found)}
    return render(request, "registers/campaign.html", context)


@require_http_methods(["GET", "POST"])
@signed_in
def campaign_return(request: HttpRequest, pk: int) -> HttpResponse:
    person = request.person
    found = campaigns.campaign_for_person(person, pk)
    if found is None:
        raise Http404("No such campaign")
    current = list(selectors.declarations_for_person(person, status=campaigns.CONFIRMABLE_STATUSES))
    form = CampaignReturnForm(
        request.POST if request.method == "POST" else None, declarations=current
    )
    if request.method == "POST" and form.is_valid():
        try:
            campaigns.campaign_return_make(
                campaign=found,
                person=person,
                actor=request.user,
                nil_return=form.cleaned_data["answer"] == "nil",
                confirmed=form.cleaned_data["confirmed"],
                note=form.cleaned_data["note"],
            )
        except services.DeclarationStateError:
            return redirect("registers:mine")
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return redirect(f"{reverse('registers:mine')}?returned={found.pk}")
    chosen = {str(v) for v in (form["confirmed"].value() or [])}
    context = {
        "campaign": found,
        "form": form,
        "declarations": [
            {
                "declaration": d,
                "id": "confirmed" if i == 0 else f"confirmed-{i + 1}",
                "checked": str(d.pk) in chosen,
                "kind": _kind_title(d.kind),
            }
            for i, d in enumerate(current)
        ],
        "back_url": reverse("registers:mine"),
    }
    return render(request, "registers/campaign_return.html", context)
