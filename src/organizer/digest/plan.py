"""Whose digest is due: pure functions of the settings, the zone and the clock."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo


class Due(NamedTuple):
    user_id: str
    day: str  # the person's local date, "YYYY-MM-DD"


def key(user_id: str, day: str) -> str:
    """The idempotency key of one person's digest for one local day."""
    return f"digest:{user_id}:{day}"


def stream_of(user_id: str) -> str:
    return f"digest-{user_id}"


def due(user_id: str, at: str, tz: str, now: datetime, since: str | None = None) -> Due | None:
    """The person's digest is due once their local clock has reached `at` ("HH:MM") today.

    A digest not sent at its minute (the worker was down) still goes out later the same
    local day; the next day is a new digest. A day whose digest time had already passed
    when the digest was set (`since`, the event's UTC stamp) has none: setting
    "8:00" at noon starts tomorrow.
    """
    zone = ZoneInfo(tz)
    local = now.astimezone(zone)
    if local.strftime("%H:%M") < at:
        return None
    hour, minute = (int(part) for part in at.split(":"))
    moment = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if since is not None and datetime.fromisoformat(since.replace("Z", "+00:00")) > moment:
        return None
    return Due(user_id, local.date().isoformat())
