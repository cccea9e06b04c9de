"""Calendar mode: derived from the configuration and the recorded outcomes, never toggled.

NOT_CONFIGURED comes from configuration alone (no GOOGLE_CALENDAR_ID) and is a
normal, quiet state. Otherwise the mode is the last `calendar.mode_changed`
event the worker recorded (it records one only when the mode really changes),
CONFIGURED until the worker says otherwise.
"""

from __future__ import annotations

import sqlite3

from organizer.settings import Settings
from organizer.store.log_facts import latest_data

CONFIGURED = "CONFIGURED"
NOT_CONFIGURED = "NOT_CONFIGURED"
DEGRADED = "DEGRADED"
MODE_STREAM = "calendar-mode"


def recorded_mode(conn: sqlite3.Connection) -> tuple[str, str] | None:
    data = latest_data(conn, MODE_STREAM)
    if data is None:
        return None
    return str(data["mode"]), str(data.get("reason", ""))


def current_mode(conn: sqlite3.Connection, settings: Settings) -> tuple[str, str]:
    """(mode, one-line reason)."""
    if not settings.calendar_configured:
        return NOT_CONFIGURED, "GOOGLE_CALENDAR_ID is not set; calendar sync is off"
    recorded = recorded_mode(conn)
    if recorded is None or recorded[0] == NOT_CONFIGURED:
        return CONFIGURED, f"calendar {settings.google_calendar_id} configured"
    return recorded
