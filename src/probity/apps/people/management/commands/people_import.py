"""`probity people import ORG_SLUG FILE.csv` (also `probity manage people_import …`)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

from django.core.management.base import BaseCommand

from probity.apps.people.models import Organisation
from probity.apps.people.services import ImportReport, people_import_csv
from probity.core.errors import BadInput

Importer = Callable[..., ImportReport]  # (organisation=, file=, actor=) → the report


def run(
    slug: str, path: str, out: TextIO, err: TextIO, importer: Importer = people_import_csv
) -> int:
    """Import the file and print the report: exit 0 when imported, 2 when nothing was.
    `importer` is the all-or-nothing CSV import to run (the rostering staff details too)."""
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        known = ", ".join(Organisation.objects.values_list("slug", flat=True)) or "none yet"
        raise BadInput("organisation", f"no organisation {slug!r}; organisations: {known}")
    try:
        with open(path, "rb") as handle:
            report = importer(organisation=organisation, file=handle, actor=None)
    except OSError as error:
        raise BadInput("file", f"cannot read {path}: {error.strerror}") from None
    (out if report.ok else err).write(report.as_text() + "\n")
    return 0 if report.ok else 2


class Command(BaseCommand):
    help = "Import or update an organisation's people from CSV (all or nothing)."
    importer: Importer = staticmethod(people_import_csv)

    def add_arguments(self, parser) -> None:
        parser.add_argument("organisation", metavar="ORG_SLUG")
        parser.add_argument("file", metavar="FILE.csv")

    def handle(self, *args, **options) -> None:
        try:
            status = run(
                options["organisation"], options["file"], self.stdout, self.stderr, self.importer
            )
        except BadInput as error:
            self.stderr.write(f"probity: bad input: {error}")
            status = 2
        if status:
            sys.exit(status)
