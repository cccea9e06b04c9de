"""Date arithmetic of the conventions: next occurrences, months ahead, weeks."""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def nearest_weekday(today: date, weekday: int) -> date:
    """The nearest such weekday strictly after today (shared/DESIGN.md)."""
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def weekday_on_or_after(start: date, weekday: int) -> date:
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def next_monday(today: date) -> date:
    """The first day of next week (weeks run Monday to Sunday)."""
    return nearest_weekday(today, 0)


def add_months(today: date, months: int) -> date | None:
    """The same day `months` later, clamped to the month's last day; None past year 9999."""
    index = today.month - 1 + months
    year, month = today.year + index // 12, index % 12 + 1
    if year > 9999:
        return None
    return date(year, month, min(today.day, calendar.monthrange(year, month)[1]))


def next_day_month(today: date, day: int, month: int) -> date | None:
    """The date's next occurrence on or after today (29 February may be years away)."""
    for year in range(today.year, min(today.year + 9, 10000)):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    return None


def next_day_of_month(today: date, day: int) -> date | None:
    """The next month (this one included) that has this day, on or after today."""
    year, month = today.year, today.month
    for _ in range(13):
        if day <= calendar.monthrange(year, month)[1]:
            candidate = date(year, month, day)
            if candidate >= today:
                return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        if year > 9999:
            return None
    return None


def end_of_this_week(today: date) -> date:
    """ "на этой неделе" said alone: this week's Friday, the end of the working week; on a
    Saturday or a Sunday the week's last day, Sunday (weeks run Monday to Sunday)."""
    last = 4 if today.weekday() <= 4 else 6
    return today + timedelta(days=last - today.weekday())
