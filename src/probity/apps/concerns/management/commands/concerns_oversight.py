"""`probity concerns oversight ORG_SLUG` (or `probity manage concerns_oversight`): the
figures for a board or audit committee, without identities, as CSV (measure, category,
value) on standard output or into --output."""

from __future__ import annotations

import csv

from django.core.management.base import BaseCommand, CommandError

from probity.apps.concerns.management.commands.concerns_daily import parse_day
from probity.apps.concerns.selectors import oversight_figures, oversight_rows
from probity.apps.people.models import Organisation


class Command(BaseCommand):
    help = "Oversight figures for an organisation's concerns, as CSV, without identities."

    def add_arguments(self, parser) -> None:
        parser.add_argument("organisation", metavar="ORG_SLUG")
        parser.add_argument("--from", dest="start", help="received on or after (YYYY-MM-DD)")
        parser.add_argument("--to", dest="end", help="received on or before (YYYY-MM-DD)")
        parser.add_argument("--output", help="write the CSV here (default: standard output)")

    def handle(self, *args, organisation: str, start, end, output, **options) -> None:
        found = Organisation.objects.filter(slug=organisation).first()
        if found is None:
            known = ", ".join(Organisation.objects.values_list("slug", flat=True))
            raise CommandError(f"organisation: no organisation {organisation!r}; known: {known}")
        figures = oversight_figures(
            organisation=found, start=parse_day(start, "--from"), end=parse_day(end, "--to")
        )
        rows = [["measure", "category", "value"], *oversight_rows(figures)]
        if output:
            with open(output, "w", newline="", encoding="utf-8") as handle:
                csv.writer(handle).writerows(rows)
        else:
            csv.writer(self.stdout).writerows(rows)
