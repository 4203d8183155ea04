"""Date arithmetic the calculators share (plain Python; no dateutil in the core)."""

from __future__ import annotations

import datetime


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later; 29 February falls on 1 March in a common year, as a
    birthday does in UK law: the whole years are completed only once 28 February has passed."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return datetime.date(day.year + years, 3, 1)


def completed_years(start: datetime.date, on: datetime.date) -> int:
    """Whole years from start to on: 10 on the tenth anniversary itself."""
    years = on.year - start.year
    if add_years(start, years) > on:
        years -= 1
    return max(years, 0)


def year_end(first: datetime.date) -> datetime.date:
    """The last day of a year that starts on `first` (365 or 366 days long)."""
    return add_years(first, 1) - datetime.timedelta(days=1)


def days_inclusive(first: datetime.date, last: datetime.date) -> int:
    return (last - first).days + 1
