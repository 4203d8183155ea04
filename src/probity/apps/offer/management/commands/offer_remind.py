"""`probity manage offer_remind`: email line managers the flexible-working requests whose
statutory time limit is near or past. Run daily like `registers remind`; idempotent (at most
one reminder a request a day)."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError

from probity.apps.offer.services import flexible_working_remind


class Command(BaseCommand):
    help = "Remind line managers of flexible-working requests near their time limit."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=14, help="days before the limit (14)")
        parser.add_argument("--today", help="the date to act as of (YYYY-MM-DD)")

    def handle(self, *args, days: int, today: str | None, **options) -> None:
        if days < 0:
            raise CommandError("--days cannot be negative")
        try:
            as_of = datetime.date.fromisoformat(today) if today else None
        except ValueError:
            raise CommandError(f"--today: {today!r} is not a date (YYYY-MM-DD)") from None
        reminded = flexible_working_remind(days_before=days, today=as_of)
        self.stdout.write(f"Reminded line managers about {len(reminded)} request(s).")
