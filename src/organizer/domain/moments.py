"""A task's local date and time as one UTC instant: shared by the fold and the upcasters."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from organizer.errors import InvalidTransition


def due_at_utc(due_date: str | None, due_time: str | None, tz: str) -> str | None:
    """The UTC instant of a local date and time, or None when there is no time."""
    if not due_date or not due_time:
        return None
    local = datetime.combine(date.fromisoformat(due_date), time.fromisoformat(due_time))
    try:
        instant = local.replace(tzinfo=ZoneInfo(tz)).astimezone(UTC)
    except OverflowError:  # 31.12.9999 23:59 west of UTC is in the year 10000
        raise InvalidTransition(
            f"{due_date} {due_time} in {tz} is outside the moments a task can have "
            "(years 1 to 9999 in UTC); choose another date") from None
    return instant.strftime("%Y-%m-%dT%H:%M:%SZ")
