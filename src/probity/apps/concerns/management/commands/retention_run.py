"""`probity retention run` (or `probity manage retention_run`): delete the content of closed
cases whose retention period has passed (the organisation's own for the kind, set in the
admin, else the kind's in data/concerns.yaml): what was reported, messages, notes, evidence,
the timeline and every link to a person. Keep each case's kind, dates and outcomes for the
oversight figures, and say what was removed. --dry-run only says. Evidence files left by
reports never sent (older than a day) are removed too."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from probity.apps.concerns.management.commands.concerns_daily import parse_day
from probity.apps.concerns.services import retention_run


class Command(BaseCommand):
    help = "Delete the content of cases past their retention period; keep the figures."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--today", help="the date to act as of (YYYY-MM-DD; default: today)")
        parser.add_argument("--dry-run", action="store_true", help="say what would go")

    def handle(self, *args, today: str | None, dry_run: bool, **options) -> None:
        report = retention_run(today=parse_day(today), dry_run=dry_run)
        verb = "Would remove" if dry_run else "Removed"
        self.stdout.write(
            f"{verb} the content of {report.cases} case{'s' if report.cases != 1 else ''}: "
            f"{report.messages} messages, {report.notes} notes, {report.attachments} evidence "
            f"files; {report.orphans} unsent evidence files. Figures are kept."
        )
        for kind, count in sorted(report.by_kind.items()):
            self.stdout.write(f"  {kind}: {count}")
