"""Times and spans of time as GOV.UK writes them: 3:45pm, midday, 15 minutes."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.utils import timezone


def govuk_time(moment: datetime) -> str:
    """'9am', '3:45pm', 'midday', 'midnight' in the site's time zone."""
    local = timezone.localtime(moment)
    if local.minute == 0 and local.hour in (0, 12):
        return "midnight" if local.hour == 0 else "midday"
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"


def govuk_duration(span: timedelta) -> str:
    """A wait, rounded up: '5 seconds', '1 minute', '15 minutes', '1 hour 30 minutes'."""
    seconds = max(1, math.ceil(span.total_seconds()))
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)
