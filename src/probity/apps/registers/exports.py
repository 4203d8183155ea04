"""Exports of a register: CSV streamed row by row (constant memory, whatever the size), XLSX in
openpyxl's write-only mode, the public transparency CSV (personal data redacted, declined
offers included) and a PDF of one declaration (fpdf2, pure Python).

Rows are read with `QuerySet.iterator()` over the register's indexed query, with the people
and teams joined in (no query per row). Whoever asks is checked, and audited, by the view.
"""

from __future__ import annotations

import csv
import itertools
import re
import tempfile
from collections.abc import Iterable, Iterator

from django.db import connection, transaction
from django.db.models import Case, CharField, F, Func, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Coalesce, Concat, Substr, TruncDate
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


# The register's columns are computed by the database, as text ready to write: building a model
# instance or even a Python row per declaration cost far more than the CSV itself. On PostgreSQL
# the CSV comes straight out of COPY; elsewhere Python's csv module writes the same columns.
SPREADSHEET_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CSV_BLOCK = 64 * 1024


class ClauseList(Func):
    """A JSON list of clause ids as one space-separated string."""

    output_field = CharField()
    template = "(SELECT group_concat(value, ' ') FROM json_each(%(expressions)s))"

    def as_postgresql(self, compiler, connection, **extra_context):
        template = "array_to_string(ARRAY(SELECT jsonb_array_elements_text(%(expressions)s)), ' ')"
        return self.as_sql(compiler, connection, template=template, **extra_context)


def _labelled(field: str, labels: dict[str, str]) -> Case:
    whens = [When(**{field: key}, then=Value(label)) for key, label in labels.items()]
    return Case(*whens, default=F(field), output_field=CharField())


def _spreadsheet_safe(field: str) -> Coalesce:
    """Text a spreadsheet will not run as a formula (CSV injection)."""
    starts = Q()
    for trigger in SPREADSHEET_TRIGGERS:
        starts |= Q(**{f"{field}__startswith": trigger})
    text = Case(
        When(starts, then=Concat(Value("'"), F(field), output_field=CharField())),
        default=F(field),
        output_field=CharField(),
    )
    return Coalesce(text, Value(""), output_field=CharField())


def _text(expression) -> Coalesce:
    return Coalesce(Cast(expression, CharField()), Value(""), output_field=CharField())


def _pounds(pence: int | None) -> str:
    return "" if pence is None else f"{pence / 100:.2f}"


def _kind_title(kind: str) -> str:
    found = declaration_kinds().get(kind)
    return found.title if found else kind


def _pounds_column() -> Case:
    pence = F("value_pence")
    pounds = Concat(
        Cast(pence / 100, CharField()),
        Value("."),
        # integer arithmetic in every database: 1205 pence is "12", ".", and "105" less its "1"
        Substr(Cast(pence - pence / 100 * 100 + 100, CharField()), 2),
        output_field=CharField(),
    )
    return Case(When(value_pence__isnull=True, then=Value("")), default=pounds)


def _offer_column() -> Case:
    offers = [kind.id for kind in declaration_kinds().values() if kind.is_offer]
    return Case(
        When(kind__in=offers, offer_declined=True, then=Value("Declined")),
        When(kind__in=offers, then=Value("Accepted")),
        default=Value(""),
        output_field=CharField(),
    )


def register_columns() -> dict:
    """The register's columns, in HEADER's order, as database expressions giving text."""
    words = vocabulary()
    london = timezone.get_current_timezone()
    return {
        "c_reference": F("pk"),
        "c_declared_on": _text(F("declared_on")),
        "c_occurred_on": _text(F("occurred_on")),
        "c_kind": _labelled("kind", {k.id: k.title for k in declaration_kinds().values()}),
        "c_register": _labelled("register", dict(words.record_places)),
        "c_status": _labelled("status", dict(Status.choices)),
        "c_name": _spreadsheet_safe("person__name"),
        "c_staff_number": _spreadsheet_safe("person__staff_number"),
        "c_team": _spreadsheet_safe("team__name"),
        "c_description": _spreadsheet_safe("description"),
        "c_value": _pounds_column(),
        "c_offer": _offer_column(),
        "c_decision": _labelled("decision", dict(words.decision_labels)),
        "c_clauses": Coalesce(ClauseList("clauses"), Value(""), output_field=CharField()),
        "c_decided_by": _spreadsheet_safe("decided_by__name"),
        "c_decided_on": _text(TruncDate("decided_at", tzinfo=london)),
        "c_conditions": _spreadsheet_safe("conditions"),
        "c_late": Case(When(late=True, then=Value("Yes")), default=Value("No")),
    }


def _register_values(queryset: QuerySet) -> QuerySet:
    columns = register_columns()
    # in reference order: read along the primary key, where sorting by date cost half the time
    ordered = queryset.select_related(None).order_by("pk")
    return ordered.annotate(**columns).values_list(*columns)


def _blocks(lines: Iterable[bytes]) -> Iterator[bytes]:
    """Lines gathered into blocks of about 64 KiB: one write to the client per block."""
    block = bytearray()
    for line in lines:
        block += line
        if len(block) >= CSV_BLOCK:
            yield bytes(block)
            block.clear()
    if block:
        yield bytes(block)


def _encoded(lines: Iterable[str]) -> Iterator[bytes]:
    return (line.encode("utf-8") for line in lines)


def _copy_lines(queryset: QuerySet) -> Iterator[bytes]:
    """PostgreSQL writes the CSV itself (COPY ... TO STDOUT), streamed as it comes."""
    sql, params = queryset.query.sql_with_params()
    statement = f"COPY ({connection.ops.compose_sql(sql, params)}) TO STDOUT (FORMAT csv)"
    with transaction.atomic(), connection.cursor() as cursor:
        # JIT-compiling the column expressions took seconds of a million-row export and saved
        # nothing: these are simple expressions evaluated once per row
        cursor.execute("SET LOCAL jit = off")
        # room to remember every person joined in, rather than looking most of them up twice
        # (a quarter faster on a million rows of 100,000 people); this transaction only
        cursor.execute("SET LOCAL work_mem = '64MB'")
        with cursor.cursor.copy(statement) as copy:
            yield from copy


def _csv_lines(header: Iterable[str], rows: Iterable[Iterable]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)  # the BOM: Excel reads the file as UTF-8
    for row in rows:
        yield writer.writerow(row)


def csv_safe(value) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    if text.startswith(SPREADSHEET_TRIGGERS):
        return "'" + text
    return text


def _download(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def csv_response(queryset: QuerySet, *, filename: str) -> StreamingHttpResponse:
    values = _register_values(queryset)
    if connection.vendor == "postgresql":
        lines = itertools.chain(_encoded(_csv_lines(HEADER, ())), _copy_lines(values))
    else:
        lines = _encoded(_csv_lines(HEADER, values.iterator(chunk_size=CHUNK)))
    response = StreamingHttpResponse(_blocks(lines), content_type="text/csv; charset=utf-8")
    return _download(response, filename)


def xlsx_response(queryset: QuerySet, *, filename: str, title: str) -> FileResponse:
    """openpyxl's write-only workbook, spooled to a temporary file (memory stays flat)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(list(HEADER))
    for values in _register_values(queryset).iterator(chunk_size=CHUNK):
        sheet.append(values)
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
    rows = ([csv_safe(cell) for cell in transparency_row(d)] for d in _rows(queryset))
    lines = _encoded(_csv_lines(TRANSPARENCY_HEADER, rows))
    response = StreamingHttpResponse(_blocks(lines), content_type="text/csv; charset=utf-8")
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
