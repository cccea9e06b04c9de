"""Counts and stamps of the log and the schema, read by /metrics, /health, ops and the
calendar mode: the SQL over `events` and `schema_migrations` that is not the event store's
own business of appending and replaying."""

from __future__ import annotations

import json
import sqlite3
from typing import Any


def events_by_type(conn: sqlite3.Connection) -> dict[str, int]:
    """How many events of each type the log holds (a scan of the log)."""
    return {str(t): int(n) for t, n in
            conn.execute("SELECT type, count(*) FROM events GROUP BY type")}


def event_count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM events").fetchone()[0])


def last_position(conn: sqlite3.Connection) -> int:
    """The position of the newest event; 0 for an empty log."""
    return int(conn.execute("SELECT coalesce(max(position), 0) FROM events").fetchone()[0])


def first_recorded_at(conn: sqlite3.Connection) -> str | None:
    """When the first event was recorded; by position (the primary key): no scan."""
    row = conn.execute("SELECT recorded_at FROM events ORDER BY position LIMIT 1").fetchone()
    return None if row is None else str(row[0])


def latest_data(conn: sqlite3.Connection, stream: str) -> dict[str, Any] | None:
    """The data of the newest event on `stream`, or None when the stream is empty."""
    row = conn.execute(
        "SELECT data FROM events WHERE stream = ? ORDER BY version DESC LIMIT 1", (stream,)
    ).fetchone()
    return None if row is None else dict(json.loads(row[0]))


def latest_migration(conn: sqlite3.Connection) -> str | None:
    """The name of the newest applied migration ("0004_user_prefs.sql"), None before any."""
    row = conn.execute("SELECT max(name) FROM schema_migrations").fetchone()
    return str(row[0]) if row and row[0] else None
