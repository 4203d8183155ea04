"""Template filters for clause text: paragraphs, and the words a search matched."""

from django import template
from django.utils.safestring import mark_safe

from probity.apps.codes import selectors
from probity.core.search import highlight

register = template.Library()


@register.filter
def paragraphs(text: str) -> list[str]:
    """A clause's paragraphs and bullets (its text keeps them on separate lines)."""
    return [line.strip() for line in text.split("\n") if line.strip()]


@register.filter
def clause_title(clause) -> str:
    """ "Clause 7.4" for a numbered clause; the heading for a named one ("Foreword")."""
    return selectors.clause_title(clause)


@register.filter
def highlight_query(text: str, query: str):
    """The text, escaped, with each word matching the query in <mark>."""
    return mark_safe(highlight(text, query))  # highlight() escapes everything but its <mark>s


DECISION_TAGS = {
    "prohibited": "govuk-tag--red",
    "needs-permission": "govuk-tag--orange",
    "must-declare": "govuk-tag--yellow",
    "permitted": "govuk-tag--green",
}


@register.filter
def decision_tag(decision: str) -> str:
    """The GOV.UK tag colour for a decision: the stricter, the redder."""
    return DECISION_TAGS.get(decision, "govuk-tag--grey")
