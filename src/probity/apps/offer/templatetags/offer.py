"""The offer's text with its contact details as links (mailto:, tel:, https:)."""

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from probity.apps.offer.selectors import CONTACT, contact_href

register = template.Library()


@register.filter
def with_contact_links(text: str):
    """Escape the text, then make each mailbox, phone number and web address a link."""
    pieces, last = [], 0
    for match in CONTACT.finditer(text):
        pieces.append(escape(text[last : match.start()]))
        href = contact_href(match.lastgroup, match.group())
        pieces.append(format_html('<a class="govuk-link" href="{}">{}</a>', href, match.group()))
        last = match.end()
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))  # every piece above is escaped or built by format_html


@register.filter
def lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]
