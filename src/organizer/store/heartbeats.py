"""Heartbeats: each daemon overwrites its own row; liveness, not domain state."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from typing import Any

import msgspec

from organizer.store.db import transaction


class Heartbeat(msgspec.Struct, frozen=True):
    """A daemon's last beat: when (UTC, microseconds), its status and what it said."""

    daemon: str
    beat_at: str
    status: str
    detail: dict[str, Any]


def beat(conn: sqlite3.Connection, daemon: str, status: str = "ok",
         detail: dict[str, Any] | None = None, now: datetime | None = None) -> None:
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    with transaction(conn):
        conn.execute(
            "INSERT INTO heartbeats (daemon, beat_at, status, detail) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(daemon) DO UPDATE SET beat_at = excluded.beat_at, "
            "status = excluded.status, detail = excluded.detail",
            (daemon, stamp, status, json.dumps(detail or {}, ensure_ascii=False)),
        )


def read_all(conn: sqlite3.Connection) -> dict[str, Heartbeat]:
    rows = conn.execute("SELECT daemon, beat_at, status, detail FROM heartbeats").fetchall()
    return {daemon: Heartbeat(daemon, beat_at, status, json.loads(detail))
            for daemon, beat_at, status, detail in rows}


def age_seconds(beat_at: str, now: datetime | None = None) -> float:
    then = datetime.strptime(beat_at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    return ((now or datetime.now(UTC)) - then).total_seconds()
