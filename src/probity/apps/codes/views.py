"""Thin views: read through the selectors, render; a code or clause that is not there is a 404."""

from functools import cache
from typing import NamedTuple

from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_safe

from probity.apps.codes import selectors
from probity.apps.codes.forms import SearchForm
from probity.core.errors import BadInput


@require_safe
def code_list(request):
    return render(request, "codes/code_list.html", {"codes": selectors.code_list()})


@require_safe
def code_detail(request, code: str):
    try:
        page = selectors.code_page(code_id=code)
    except BadInput as error:
        raise Http404(error.message) from None
    return render(request, "codes/code_detail.html", {"page": page, "code": page.summary.code})


@require_safe
def clause_detail(request, code: str, clause: str):
    try:
        page = selectors.clause_page(code_id=code, clause_id=clause)
    except BadInput as error:
        raise Http404(error.message) from None
    context = {"page": page, "code": page.code, "html": clause_html(code, clause)}
    return render(request, "codes/clause_detail.html", context)


class ClauseHtml(NamedTuple):
    breadcrumbs: str
    content: str


@cache
def clause_html(code_id: str, clause_id: str) -> ClauseHtml:
    """A clause page's breadcrumbs and body, rendered once per clause and kept.

    They depend on nothing but the clause (no request, session, nonce or form), and the codes
    and rules are read once and fixed while the site runs. Rendering them was three quarters
    of the page's time (benchmarks/web_load.py). Only existing clauses get here (the view has
    raised 404 before), so the cache holds at most one entry per clause.
    """
    page = selectors.clause_page(code_id=code_id, clause_id=clause_id)
    context = {"page": page, "code": page.code}
    return ClauseHtml(
        breadcrumbs=render_to_string(
            "codes/_breadcrumbs.html", {**context, "clause": page.clause, "parent": page.parent}
        ),
        content=render_to_string("codes/_clause.html", context),
    )


@require_safe
def search(request):
    form = SearchForm(request.GET or None)
    context = {"form": form, "query": "", "result": None, "errors": []}
    if form.is_bound and form.is_valid() and form.cleaned_data["q"]:
        context["query"] = form.cleaned_data["q"]
        try:
            context["result"] = selectors.clause_search(
                query=form.cleaned_data["q"], code_id=form.cleaned_data["code"] or None
            )
            context["rows"] = selectors.search_rows(context["result"])
        except BadInput as error:
            form.add_error("code" if error.field == "code" else "q", error.message)
    if form.is_bound and form.errors:
        context["errors"] = [(field, errors[0]) for field, errors in form.errors.items()]
    return render(request, "codes/search.html", context)
