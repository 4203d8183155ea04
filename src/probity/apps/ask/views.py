"""The interview's pages. Thin: read with selectors, check with forms, write with services."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from probity.apps.ask import forms, selectors, services
from probity.apps.ask.selectors import Step
from probity.core.codes import code_ids
from probity.core.errors import BadInput


def _posted(request: HttpRequest):
    return request.POST if request.method == "POST" else None


def _back_url(request: HttpRequest, interview, step: Step) -> str:
    if request.GET.get("change") == "1":
        return Step("check").url
    previous = selectors.interview_previous_step(interview, step)
    return previous.url if previous else reverse("ask:start")


def _next(interview) -> HttpResponse:
    return redirect(selectors.interview_next_step(interview).url)


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    interview = selectors.interview_get(session=request.session)
    if request.method == "POST":
        return _next(services.interview_start(session=request.session))
    remembered = (
        selectors.check_answers(interview)["about_you"]
        if selectors.step_open(interview, Step("about"))
        else []
    )
    return render(request, "ask/start.html", {"remembered": remembered})


@require_http_methods(["GET", "POST"])
def who(request: HttpRequest) -> HttpResponse:
    interview = selectors.interview_get(session=request.session)
    form = forms.CodesForm(_posted(request), initial={"codes": list(interview.codes)})
    if form.is_valid():
        codes = form.cleaned_data["codes"]
        return _next(services.interview_codes_choose(session=request.session, codes=codes))
    context = {"form": form, "back_url": reverse("ask:start")}
    if request.GET.get("change") == "1":
        context["back_url"] = Step("check").url
    return render(request, "ask/who.html", context)


@require_http_methods(["GET", "POST"])
def role(request: HttpRequest, code: str) -> HttpResponse:
    if code not in code_ids():
        raise Http404("No such code of conduct")
    interview = selectors.interview_get(session=request.session)
    step = Step("role", code)
    if not selectors.step_open(interview, step):
        return _next(interview)
    form = forms.RoleForm(_posted(request), code=code, initial={"role": interview.roles.get(code)})
    if form.is_valid():
        role = form.cleaned_data["role"]
        return _next(services.interview_role_choose(session=request.session, code=code, role=role))
    context = {
        "form": form,
        "code_name": selectors.code_name(code),
        "back_url": _back_url(request, interview, step),
    }
    return render(request, "ask/role.html", context)


@require_http_methods(["GET", "POST"])
def about(request: HttpRequest) -> HttpResponse:
    interview = selectors.interview_get(session=request.session)
    step = Step("about")
    if not selectors.step_open(interview, step):
        return _next(interview)
    form = forms.MatterForm(_posted(request), initial={"matter": interview.matter})
    if form.is_valid():
        matter = form.cleaned_data["matter"]
        return _next(services.interview_matter_choose(session=request.session, matter=matter))
    context = {"form": form, "back_url": _back_url(request, interview, step)}
    return render(request, "ask/about.html", context)


@require_http_methods(["GET", "POST"])
def question(request: HttpRequest, fact: str) -> HttpResponse:
    interview = selectors.interview_get(session=request.session)
    step = Step("question", fact)
    if not selectors.step_open(interview, step):
        return _next(interview)
    found = selectors.fact_get(interview.matter, fact)
    if found is None:
        raise Http404("That question is not part of this matter")
    form_class = forms.AmountForm if found.type == "number" else forms.AnswerForm
    if fact in interview.facts:
        initial = selectors.value_to_text(found, interview.facts[fact])
    else:
        unknown = fact in interview.unknown and found.type != "number"
        initial = selectors.DONT_KNOW if unknown else None
    form = form_class(
        _posted(request), fact=found, interview=interview, initial={"answer": initial}
    )
    if form.is_valid():
        value = form.cleaned_data["answer"]
        return _next(services.interview_answer(session=request.session, fact=fact, value=value))
    context = {
        "form": form,
        "fact": found,
        "matter_title": selectors.matter_title(interview.matter),
        "back_url": _back_url(request, interview, step),
    }
    template = "ask/amount.html" if found.type == "number" else "ask/question.html"
    return render(request, template, context)


@require_GET
def check(request: HttpRequest) -> HttpResponse:
    interview = selectors.interview_get(session=request.session)
    step = Step("check")
    if not selectors.step_open(interview, step):
        return _next(interview)
    context = {
        "answers": selectors.check_answers(interview),
        "outcome_url": selectors.outcome_url(interview.situation()),
        "back_url": _back_url(request, interview, step),
    }
    return render(request, "ask/check.html", context)


@require_GET
def outcome(request: HttpRequest) -> HttpResponse:
    """The outcome for the situation in the address: the same for anyone, with no session."""
    try:
        situation = selectors.situation_from_query(request.GET)
    except BadInput as error:
        context = {"problem": f"{error.field}: {error.message}"}
        return render(request, "ask/bad_link.html", context, status=400)
    return render(request, "ask/outcome.html", {"outcome": selectors.outcome_for_page(situation)})
