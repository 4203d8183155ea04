"""A roster (or one person's shifts) as CSV and as iCalendar (RFC 5545, with the icalendar
package), so that staff can put their shifts in their phone's calendar."""

from __future__ import annotations

import csv
import io

import icalendar
from django.utils import timezone

from probity.apps.rostering.selectors import Shift

CSV_HEADER = ("date", "staff_number", "name", "shift", "shift_name", "starts", "ends", "team")


def shifts_csv(rows: list[tuple[object, Shift]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for person, shift in rows:
        writer.writerow(
            (
                shift.on.isoformat(),
                _safe(person.staff_number),
                _safe(person.name),
                shift.code,
                _safe(shift.name),
                timezone.localtime(shift.starts).strftime("%Y-%m-%d %H:%M"),
                timezone.localtime(shift.ends).strftime("%Y-%m-%d %H:%M"),
                _safe(shift.team),
            )
        )
    return out.getvalue()


def _safe(text: str) -> str:
    """Stop a spreadsheet reading a cell as a formula (CSV injection)."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


def shifts_ics(
    rows: list[tuple[object, Shift]], *, name: str, host: str, named: bool = False
) -> bytes:
    """`named`: each event says whose shift it is (a team's roster, not one person's)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Probity//Rostering//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now()
    for person, shift in rows:
        event = icalendar.Event()
        event.add("uid", f"shift-{shift.assignment_id}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", timezone.localtime(shift.starts))
        event.add("dtend", timezone.localtime(shift.ends))
        who = f"{person.name}: " if named else ""
        event.add("summary", f"{who}{shift.name} shift ({shift.team})")
        event.add("description", f"{person.name}: {shift.name}, {shift.team}")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
