"""Offer pages: the navigator, search, calculator question flows and flexible-working requests.

Views stay thin: flows.py runs the one-question-a-page journeys, selectors read, services
change; BadInput from the core or a service becomes an error on the page naming the field.
"""

from __future__ import annotations

import contextlib
import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from probity.apps.offer import flows, selectors, services
from probity.apps.offer.forms import DECISION_QUESTIONS, request_questions
from probity.apps.offer.models import Status
from probity.apps.registers.views import signed_in
from probity.core.entitlements import CALCULATORS, calculate, calculator_get
from probity.core.entitlements.inputs import CHOICES, parse_answers
from probity.core.entitlements.result import result_text
from probity.core.errors import BadInput
from probity.core.flexible import SECTION as FLEXIBLE_SECTION
from probity.core.flexible import decision_quote, pattern_get, patterns

STATUS_TAGS = {
    Status.SUBMITTED: "govuk-tag--blue",
    Status.APPROVED: "govuk-tag--green",
    Status.APPROVED_WITH_CHANGES: "govuk-tag--turquoise",
    Status.REFUSED: "govuk-tag--red",
    Status.WITHDRAWN: "govuk-tag--grey",
}


# --- navigator ---------------------------------------------------------------------------------


@require_safe
def index(request):
    context = {
        "code": selectors.offer_code(),
        "groups": selectors.offer_groups(),
        "ungrouped": selectors.offer_ungrouped(),
        "calculators": CALCULATORS.values(),
        "contacts": selectors.offer_contacts(),
    }
    return render(request, "offer/index.html", context)


@require_safe
def section(request, section: str):
    try:
        clause = selectors.offer_section(section)
    except BadInput as error:
        raise Http404(error.message) from None
    context = {
        "section": clause,
        "group": selectors.group_of(clause),
        "calculators": selectors.section_calculators(clause),
        "flexible": clause.id == FLEXIBLE_SECTION,
    }
    return render(request, "offer/section.html", context)


@require_safe
def search(request):
    query = request.GET.get("q", "").strip()
    context = {"query": query, "result": None, "error": ""}
    if "q" in request.GET:
        try:
            context["result"] = selectors.offer_search(query)
        except BadInput as error:
            context["error"] = error.message
            context["form"] = flows.Problems([{"href": "#q", "text": error.message}])
    return render(request, "offer/search.html", context)


# --- calculators -------------------------------------------------------------------------------


def _calculator(name: str):
    try:
        return calculator_get(name)
    except BadInput as error:
        raise Http404(error.message) from None


def _answers(request, key: str) -> dict:
    return request.session.get(key, {})


def _save_answers(request, key: str, answers: dict) -> None:
    request.session[key] = answers


@require_safe
def calculator_start(request, name: str):
    found = _calculator(name)
    first = found.questions()[0]
    context = {"calculator": found, "first": first}
    return render(request, "offer/calculator_start.html", context)


@require_http_methods(["GET", "POST"])
def calculator_question(request, name: str, question: str):
    found = _calculator(name)
    key = f"offer:calculator:{found.name}"
    base = {"name": found.name}
    return _question_page(
        request,
        key=key,
        questions=found.questions(),
        name=question,
        url=lambda q: reverse("offer:calculator_question", kwargs={**base, "question": q}),
        check_url=reverse("offer:calculator_check", kwargs=base),
        back=reverse("offer:calculator", kwargs=base),
        caption=found.title,
    )


@require_http_methods(["GET", "POST"])
def calculator_check(request, name: str):
    found = _calculator(name)
    key = f"offer:calculator:{found.name}"
    base = {"name": found.name}
    questions = found.questions()
    typed = _answers(request, key)
    missing = flows.first_unanswered(questions, typed)
    if missing:
        return redirect("offer:calculator_question", name=found.name, question=missing.name)
    url = lambda q: reverse("offer:calculator_question", kwargs={**base, "question": q})  # noqa: E731
    form = flows.Problems([])
    if request.method == "POST":
        try:
            calculate(found.name, flows.answers_for_core(questions, typed))
        except BadInput as problem:
            form = _problem(questions, problem)
        else:
            return redirect("offer:calculator_result", name=found.name)
    context = {
        "caption": found.title,
        "title": "Check your answers",
        "rows": _rows(questions, typed, url),
        "form": form,
        "button": "Work it out",
    }
    return render(request, "offer/check.html", context, status=422 if form.errors else 200)


@require_safe
@never_cache  # answers can be health data (sick absences): not kept in a shared phone's cache
def calculator_result(request, name: str):
    found = _calculator(name)
    questions = found.questions()
    typed = _answers(request, f"offer:calculator:{found.name}")
    try:
        result = calculate(found.name, flows.answers_for_core(questions, typed))
    except BadInput:
        return redirect("offer:calculator_check", name=found.name)
    context = {
        "calculator": found,
        "result": result,
        "rows": _rows(questions, typed, None),
    }
    if request.path.endswith(".txt"):
        return _result_download(context)
    return render(request, "offer/calculator_result.html", context)


def _result_download(context) -> HttpResponse:
    """The result as a text file to keep on a phone: the CLI's words, then the answers."""
    result = context["result"]
    answers = [f"{row['key']} {row['value']}".replace("\n", "; ") for row in context["rows"]]
    text = "\n".join(
        [
            result_text(result),
            "",
            "Your answers:",
            *(f"- {answer}" for answer in answers),
            "",
            f"Rules in force from {result.rules_from}. This is a guide, not a decision: check "
            "with your line manager or HR.",
            "",
        ]
    )
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{result.calculator}-result.txt"'
    return response


@require_http_methods(["POST"])
def calculator_clear(request, name: str):
    """Forget the answers (sick absences are health data): nothing is kept once you leave."""
    found = _calculator(name)
    request.session.pop(f"offer:calculator:{found.name}", None)
    return redirect("offer:calculator", name=found.name)


@require_safe
def calculators(request):
    return render(request, "offer/calculators.html", {"calculators": CALCULATORS.values()})


# --- flexible working ----------------------------------------------------------------------------

FLEXIBLE_KEY = "offer:flexible-working"


@require_safe
@signed_in
def flexible_mine(request):
    context = {
        "requests": selectors.requests_of(request.person),
        "has_line_manager": selectors.decider_for(request.person) is not None,
        "to_decide": selectors.requests_to_decide(request.person).count(),
        "arrangements": selectors.agreed_arrangements(request.person),
        "tags": STATUS_TAGS,
        "patterns": {key: value.title for key, value in _patterns().items()},
    }
    return render(request, "offer/flexible_mine.html", context)


@require_http_methods(["GET", "POST"])
@signed_in
def flexible_question(request, question: str):
    return _question_page(
        request,
        key=FLEXIBLE_KEY,
        questions=request_questions(),
        name=question,
        url=lambda q: reverse("offer:flexible_question", kwargs={"question": q}),
        check_url=reverse("offer:flexible_check"),
        back=reverse("offer:flexible"),
        caption="Ask for flexible working",
    )


@require_http_methods(["GET", "POST"])
@signed_in
def flexible_check(request):
    questions = request_questions()
    typed = _answers(request, FLEXIBLE_KEY)
    missing = flows.first_unanswered(questions, typed)
    if missing:
        return redirect("offer:flexible_question", question=missing.name)
    url = lambda q: reverse("offer:flexible_question", kwargs={"question": q})  # noqa: E731
    form = flows.Problems([])
    if request.method == "POST":
        try:
            created = services.flexible_working_apply(
                person=request.person, **_request_fields(questions, typed)
            )
        except BadInput as problem:
            form = _problem(questions, problem)
        else:
            request.session.pop(FLEXIBLE_KEY, None)
            return redirect("offer:flexible_request", pk=created.pk)
    context = {
        "caption": "Ask for flexible working",
        "title": "Check your request",
        "rows": _rows(questions, typed, url),
        "form": form,
        "button": "Send request to your line manager",
        "quote": decision_quote(),
    }
    return render(request, "offer/check.html", context, status=422 if form.errors else 200)


@require_safe
@signed_in
def flexible_request(request, pk: int):
    found = _visible_request(request, pk)
    context = {
        "item": found,
        "pattern": pattern_get(found.pattern),
        "arrangement": selectors.request_arrangement(found),
        "tag": STATUS_TAGS[found.status],
        "may_decide": found.status == Status.SUBMITTED
        and selectors.may_decide(request.person, found),
        "may_withdraw": found.status == Status.SUBMITTED and found.person_id == request.person.pk,
        "patterns": {key: value.title for key, value in _patterns().items()},
    }
    return render(request, "offer/flexible_request.html", context)


@require_safe
@signed_in
def flexible_to_decide(request):
    context = {
        "requests": selectors.requests_to_decide(request.person),
        "patterns": {key: value.title for key, value in _patterns().items()},
        "today": timezone.localdate(),  # the day in London, as decide_by is
    }
    return render(request, "offer/flexible_to_decide.html", context)


@require_http_methods(["GET", "POST"])
@signed_in
def flexible_decide(request, pk: int):
    found = _visible_request(request, pk)
    if not selectors.may_decide(request.person, found) or found.status != Status.SUBMITTED:
        return redirect("offer:flexible_request", pk=found.pk)
    pages = [flows.Page(question, "") for question in DECISION_QUESTIONS]
    if request.method == "POST":
        for page in pages:
            page.value = flows.read_post(page.question, request.POST)
            page.error = flows.check(page.question, page.value)
        if not any(page.error for page in pages):
            decision, reason = pages[0].value, pages[1].value
            if decision == "approve-with-changes":
                request.session[f"offer:decide:{pk}"] = {"reason": reason}
                return redirect("offer:flexible_changes", pk=pk)
            try:
                services.flexible_working_decide(
                    request=found, actor=request.person, decision=decision, reason=reason
                )
            except BadInput as problem:
                pages[1 if problem.field == "reason" else 0].error = problem.message
            else:
                return redirect("offer:flexible_request", pk=pk)
    context = {
        "item": found,
        "pattern": pattern_get(found.pattern),
        "pages": pages,
        "form": flows.page_problems(pages),
        "patterns": {key: value.title for key, value in _patterns().items()},
    }
    status = 422 if context["form"].errors else 200
    return render(request, "offer/flexible_decide.html", context, status=status)


@require_http_methods(["GET", "POST"])
@signed_in
def flexible_changes(request, pk: int):
    found = _visible_request(request, pk)
    pending = request.session.get(f"offer:decide:{pk}")
    if pending is None or not selectors.may_decide(request.person, found):
        return redirect("offer:flexible_decide", pk=pk)
    questions = [q for q in request_questions() if q.name not in ("pattern", "reason")]
    pages = [flows.Page(q, _asked_value(found, q.name)) for q in questions]
    if request.method == "POST":
        for page in pages:
            page.value = flows.read_post(page.question, request.POST)
            page.error = flows.check(page.question, page.value)
        if not any(page.error for page in pages):
            typed = {page.question.name: page.value for page in pages}
            # an answer left blank clears it (no end date, no rest days), not "as asked"
            cleared = {q.name: [] if q.kind == CHOICES else None for q in questions}
            changes = {**cleared, **_request_fields(questions, typed)}
            try:
                services.flexible_working_decide(
                    request=found,
                    actor=request.person,
                    decision="approve-with-changes",
                    reason=pending["reason"],
                    changes=changes,
                )
            except BadInput as problem:
                target = next((p for p in pages if p.question.name == problem.field), pages[0])
                target.error = problem.message
            else:
                request.session.pop(f"offer:decide:{pk}", None)
                return redirect("offer:flexible_request", pk=pk)
    context = {"item": found, "pages": pages, "form": flows.page_problems(pages)}
    status = 422 if context["form"].errors else 200
    return render(request, "offer/flexible_changes.html", context, status=status)


@require_http_methods(["POST"])
@signed_in
def flexible_withdraw(request, pk: int):
    found = _visible_request(request, pk)
    with contextlib.suppress(BadInput, PermissionDenied):  # the page shows the state as it is
        services.flexible_working_withdraw(request=found, actor=request.person)
    return redirect("offer:flexible_request", pk=pk)


# --- helpers -------------------------------------------------------------------------------------


def _question_page(request, *, key, questions, name, url, check_url, back, caption):
    typed = _answers(request, key)
    try:
        question = flows.question_get(questions, name)
    except BadInput as error:
        raise Http404(error.message) from None
    if not question.applies(typed):
        return redirect(check_url)
    page = flows.Page(question, typed.get(question.name, ""))
    changing = request.GET.get("change") == "1"
    if request.method == "POST":
        page.value = flows.read_post(question, request.POST)
        page.error = flows.check(question, page.value)
        if not page.error:
            typed[question.name] = page.value
            _save_answers(request, key, typed)
            following = flows.next_question(questions, typed, after=question.name)
            if changing or following is None:
                return redirect(check_url)
            return redirect(url(following.name))
    previous = _previous(questions, typed, question.name)
    context = {
        "page": page,
        "caption": caption,
        "back": url(previous.name) if previous else back,
        "form": flows.page_problems([page]),
    }
    return render(request, "offer/question.html", context, status=422 if page.error else 200)


def _previous(questions, typed, name):
    before = None
    for question in questions:
        if question.name == name:
            return before
        if question.applies(typed):
            before = question
    return None


def _rows(questions, typed, url) -> list[dict]:
    return [
        {
            "key": question.label,
            "value": flows.shown(question, typed.get(question.name, "")),
            "href": f"{url(question.name)}?change=1" if url else "",
            "name": question.name,
        }
        for question in flows.applicable(questions, typed)
    ]


def _problem(questions, problem: BadInput) -> flows.Problems:
    """An error found only once all answers are in, linked to the answer to change, e.g.
    "Leaving date is before this leave year starts"."""
    question = next((q for q in questions if q.name == problem.field), None)
    subject = question.subject if question else problem.field.replace("_", " ").capitalize()
    href = f"#row-{problem.field}" if question else "#main-content"
    # a service's message is a whole sentence ("You have no line manager on record; …")
    text = problem.message if problem.message[:1].isupper() else f"{subject} {problem.message}"
    return flows.Problems([{"href": href, "text": text}])


def _request_fields(questions, typed) -> dict:
    values = parse_answers(questions, flows.answers_for_core(questions, typed))
    if "term_time" in values:
        values["term_time"] = values["term_time"] == "yes"
    return values


def _asked_value(found, name: str):
    value = getattr(found, name)
    if isinstance(value, datetime.date):
        return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if value is None:
        return ""
    return value


def _visible_request(request, pk: int):
    try:
        return selectors.request_for(request.person, pk)
    except (BadInput, PermissionDenied):
        raise Http404("No such request") from None


def _patterns():
    return patterns()
