"""Exports of a register: CSV streamed row by row (constant memory, whatever the size), XLSX in
openpyxl's write-only mode, the public transparency CSV (personal data redacted, declined
offers included) and a PDF of one declaration (fpdf2, pure Python).

Rows are read with `QuerySet.iterator()` over the register's indexed query, with the people
and teams joined in (no query per row). Whoever asks is checked, and audited, by the view.
"""

from __future__ import annotations

import csv
import re
import tempfile
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from probity.apps.people.models import Organisation
from probity.apps.registers.kinds import declaration_kinds
from probity.apps.registers.models import Declaration, Status
from probity.core.vocabulary import vocabulary

CHUNK = 2000

HEADER = (
    "Reference",
    "Declared on",
    "Date it happened",
    "Kind",
    "Register",
    "Status",
    "Name",
    "Staff number",
    "Team",
    "Description",
    "Value (£)",
    "Accepted or declined",
    "Guidance decision",
    "Clauses",
    "Decided by",
    "Decided on",
    "Conditions",
    "Late",
)

TRANSPARENCY_HEADER = (
    "Date",
    "Kind",
    "Description",
    "Donor or provider category",
    "Value band",
    "Value (£)",
    "Accepted or declined",
    "Decision",
)
# Published: what has been decided, and offers recorded (declined ones too); never drafts,
# withdrawn declarations or those still waiting.
PUBLISHED_STATUSES = (
    Status.APPROVED,
    Status.APPROVED_WITH_CONDITIONS,
    Status.REFUSED,
    Status.RECORDED,
    Status.EXPIRED,
)
VALUE_BANDS = (
    (2500, "Under £25"),
    (5000, "£25 to £49.99"),
    (10000, "£50 to £99.99"),
    (25000, "£100 to £249.99"),
    (50000, "£250 to £499.99"),
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE = re.compile(r"(?<!\d)(?:\+44\s?|0)\d(?:[\s-]?\d){8,10}(?!\d)")


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def _rows(queryset: QuerySet) -> Iterator[Declaration]:
    return queryset.select_related("person", "team", "decided_by").iterator(chunk_size=CHUNK)


# The register's columns read straight from the database as tuples: building a model instance
# per row (with its JSON columns and state machine) cost thirty times more than the CSV itself.
REGISTER_FIELDS = (
    "pk",
    "declared_on",
    "occurred_on",
    "kind",
    "register",
    "status",
    "person__name",
    "person__staff_number",
    "team__name",
    "description",
    "value_pence",
    "offer_declined",
    "decision",
    "clauses",
    "decided_by__name",
    "decided_at",
    "conditions",
    "late",
)


def _register_values(queryset: QuerySet) -> Iterator[tuple]:
    return queryset.values_list(*REGISTER_FIELDS).iterator(chunk_size=CHUNK)


def _pounds(pence: int | None) -> str:
    return "" if pence is None else f"{pence / 100:.2f}"


def _kind_title(kind: str) -> str:
    found = declaration_kinds().get(kind)
    return found.title if found else kind


def _offer_label(kind: str, offer_declined: bool) -> str:
    found = declaration_kinds().get(kind)
    if not found or not found.is_offer:
        return ""
    return "Declined" if offer_declined else "Accepted"


def register_row_from_values(values: tuple) -> list:
    (pk, declared_on, occurred_on, kind, register, status, name, staff_number, team, description,
     value_pence, offer_declined, decision, clauses, decided_by, decided_at, conditions,
     late) = values  # fmt: skip
    places = vocabulary().record_places
    decisions = vocabulary().decision_labels
    return [
        pk,
        declared_on.isoformat() if declared_on else "",
        occurred_on.isoformat(),
        _kind_title(kind),
        places.get(register, register),
        Status(status).label,
        name,
        staff_number,
        team or "",
        description,
        _pounds(value_pence),
        _offer_label(kind, offer_declined),
        decisions.get(decision, decision),
        " ".join(clauses or ()),
        decided_by or "",
        timezone.localtime(decided_at).date().isoformat() if decided_at else "",
        conditions,
        "Yes" if late else "No",
    ]


def csv_safe(value) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def _csv_lines(header: Iterable[str], rows: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)  # the BOM: Excel reads the file as UTF-8
    for row in rows:
        yield writer.writerow([csv_safe(cell) for cell in row])


def _download(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def csv_response(queryset: QuerySet, *, filename: str) -> StreamingHttpResponse:
    rows = (register_row_from_values(values) for values in _register_values(queryset))
    response = StreamingHttpResponse(
        _csv_lines(HEADER, rows), content_type="text/csv; charset=utf-8"
    )
    return _download(response, filename)


def xlsx_response(queryset: QuerySet, *, filename: str, title: str) -> FileResponse:
    """openpyxl's write-only workbook, spooled to a temporary file (memory stays flat)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(list(HEADER))
    for values in _register_values(queryset):
        sheet.append(
            [
                csv_safe(cell) if isinstance(cell, str) else cell
                for cell in register_row_from_values(values)
            ]
        )
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (the response closes it)
    workbook.save(spool)
    spool.seek(0)
    response = FileResponse(
        spool,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    return _download(response, filename)


# --- the public transparency export -------------------------------------------------------------


def transparency_entries(*, organisation: Organisation, form) -> QuerySet:
    """Every offer (gift, hospitality, bequest) the organisation has decided or recorded,
    accepted or declined, in whatever register it went to; the register page's date range,
    kind and team filters apply."""
    offers = [kind.id for kind in declaration_kinds().values() if kind.is_offer]
    queryset = Declaration.objects.filter(
        organisation=organisation,
        kind__in=offers,
        status__in=PUBLISHED_STATUSES,
        declared_on__isnull=False,
    )
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("kind"):
        queryset = queryset.filter(kind=data["kind"])
    if data.get("team"):
        queryset = queryset.filter(team_id=data["team"])
    if data.get("declared_from"):
        queryset = queryset.filter(declared_on__gte=data["declared_from"])
    if data.get("declared_to"):
        queryset = queryset.filter(declared_on__lte=data["declared_to"])
    return queryset.order_by("declared_on", "id")


def value_band(pence: int | None) -> str:
    if pence is None:
        return "Not known"
    for below, label in VALUE_BANDS:
        if pence < below:
            return label
    return "£500 or more"


def redact(text: str, *, names: Iterable[str]) -> str:
    """Text fit to publish: no email addresses, telephone numbers, or the names and staff
    numbers given (each word of a name, so "Sam" and "Jones" go as well as "Sam Jones")."""
    text = EMAIL.sub("[email removed]", text)
    text = PHONE.sub("[number removed]", text)
    words = sorted(
        {
            word
            for name in names
            if name
            for word in re.split(r"\s+", name.strip())
            if len(word) > 1
        },
        key=len,
        reverse=True,
    )
    for word in words:
        text = re.sub(
            rf"(?<!\w){re.escape(word)}(?!\w)", "[name removed]", text, flags=re.IGNORECASE
        )
    return text


def transparency_row(declaration: Declaration) -> list:
    facts = (declaration.situation or {}).get("facts") or {}
    matter = vocabulary().matters.get((declaration.situation or {}).get("matter", ""))
    category = ""
    if matter and "offered_by" in matter.facts and facts.get("offered_by"):
        category = dict(matter.facts["offered_by"].labels).get(facts["offered_by"], "")
    person = declaration.person
    names = [person.name, person.staff_number, person.email]
    if declaration.decided_by:
        names += [declaration.decided_by.name, declaration.decided_by.staff_number]
    return [
        declaration.occurred_on.isoformat(),
        _kind_title(declaration.kind),
        redact(declaration.description, names=names),
        category or "Not given",
        value_band(declaration.value_pence),
        _pounds(declaration.value_pence),
        "Declined" if declaration.offer_declined else "Accepted",
        Status(declaration.status).label,
    ]


def transparency_response(queryset: QuerySet, *, filename: str) -> StreamingHttpResponse:
    rows = (transparency_row(d) for d in _rows(queryset))
    response = StreamingHttpResponse(
        _csv_lines(TRANSPARENCY_HEADER, rows), content_type="text/csv; charset=utf-8"
    )
    return _download(response, filename)


# --- a PDF of one declaration -------------------------------------------------------------------

LATIN_1 = str.maketrans(
    {"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "•": "-"}
)


def _pdf_text(text) -> str:
    return str(text).translate(LATIN_1).encode("latin-1", "replace").decode("latin-1")


def declaration_pdf(
    declaration: Declaration, *, rows: list[dict], guidance: dict, timeline: list[dict]
) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_title(_pdf_text(f"Declaration {declaration.pk}"))
    pdf.set_author("Probity")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    width = pdf.epw
    pdf.set_font("Helvetica", "B", 18)
    pdf.multi_cell(
        width, 9, _pdf_text(f"Declaration {declaration.pk}"), new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(
        width,
        6,
        _pdf_text(f"Status: {Status(declaration.status).label}"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(3)
    for row in rows:
        pdf.set_font("Helvetica", "B", 11)
        pdf.multi_cell(width, 6, _pdf_text(row["key"]), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 11)
        pdf.multi_cell(width, 6, _pdf_text(row["value"]), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(width, 8, "What the codes say", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(width, 6, _pdf_text(guidance["decision_label"]), new_x="LMARGIN", new_y="NEXT")
    for clause in guidance["clauses"]:
        pdf.multi_cell(
            width,
            6,
            _pdf_text(f"- {clause['title']} ({clause['ref']})"),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(width, 8, "History", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    for event in timeline:
        when = timezone.localtime(event["at"]).strftime("%d %B %Y %H:%M")
        line = f"{when}: {event['transition']} by {event['who']}"
        if event["reason"]:
            line += f". {event['reason']}"
        pdf.multi_cell(width, 6, _pdf_text(line), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
