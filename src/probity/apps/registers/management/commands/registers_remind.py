"""`probity registers remind` (or `probity manage registers_remind`): expire time-limited
permissions whose last day has passed, email each approver the declarations submitted more
than --days days ago that still wait for their decision, and remind everyone in an open annual
declaration campaign who has not yet made their return (at most once every --days days).

A scheduled management command, not a task queue: run it once a day from cron or a systemd
timer, e.g. `15 7 * * * /path/to/.venv/bin/probity registers remind --days 7`. It is
idempotent: running it again the same day expires nothing twice and sends no second reminder
(a declaration is reminded about at most once every --days days).
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError

from probity.apps.registers.campaigns import campaigns_remind
from probity.apps.registers.services import declaration_expire_due, declarations_remind


class Command(BaseCommand):
    help = "Expire time-limited permissions and remind approvers of overdue declarations."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=7,
            help="remind about declarations waiting longer than this (default: %(default)s)",
        )
        parser.add_argument("--today", help="the date to act as of (YYYY-MM-DD; default: today)")

    def handle(self, *args, days: int, today: str | None, **options) -> None:
        if days < 1:
            raise CommandError("--days must be at least 1")
        try:
            as_of = datetime.date.fromisoformat(today) if today else None
        except ValueError:
            raise CommandError(f"--today: {today!r} is not a date (YYYY-MM-DD)") from None
        expired = declaration_expire_due(today=as_of)
        reminded = declarations_remind(days=days, today=as_of)
        count = sum(len(ids) for ids in reminded.values())
        campaign_people = sum(len(ids) for ids in campaigns_remind(days=days, today=as_of).values())
        self.stdout.write(
            f"Expired {len(expired)} permission{'s' if len(expired) != 1 else ''}; reminded "
            f"{len(reminded)} approver{'s' if len(reminded) != 1 else ''} about {count} "
            f"declaration{'s' if count != 1 else ''}; reminded {campaign_people} "
            f"{'person' if campaign_people == 1 else 'people'} of their annual return."
        )
