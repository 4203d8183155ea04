"""`probity concerns daily` (or `probity manage concerns_daily`): hand the open cases of
handlers who have left to the nearest person above them (never orphaned), then escalate each
case whose acknowledgement or feedback deadline has passed to the handler's manager (once).

Run it once a day from cron or a systemd timer, e.g.
`30 7 * * * /path/to/.venv/bin/probity concerns daily`. Idempotent.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError

from probity.apps.concerns.services import cases_escalate_overdue, cases_reassign_departed


class Command(BaseCommand):
    help = "Reassign cases of handlers who left; escalate overdue cases to the handler's manager."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--today", help="the date to act as of (YYYY-MM-DD; default: today)")

    def handle(self, *args, today: str | None, **options) -> None:
        as_of = parse_day(today)
        moved = cases_reassign_departed(today=as_of)
        escalated = cases_escalate_overdue(today=as_of)
        self.stdout.write(
            f"Reassigned {moved} case{'s' if moved != 1 else ''} of handlers who left; "
            f"escalated {escalated} overdue case{'s' if escalated != 1 else ''}."
        )


def parse_day(text: str | None, option: str = "--today") -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text) if text else None
    except ValueError:
        raise CommandError(f"{option}: {text!r} is not a date (YYYY-MM-DD)") from None
