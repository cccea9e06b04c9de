"""The event store: an append-only `events` table with streams, versions and idempotency keys.

Appends run inside the caller's write transaction, so the projections can be
folded in the same transaction (see organizer.store.projections).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import msgspec

from organizer.domain import events as ev
from organizer.errors import ConcurrencyError


class StoredEvent(msgspec.Struct, frozen=True):
    """An event as the log holds it (an immutable record; cheap to build on the hot path)."""

    position: int
    stream: str
    version: int
    type: str
    schema_version: int
    owner: str | None
    event: ev.Event
    meta: dict[str, Any]
    recorded_at: str


def utc_stamp(now: datetime) -> str:
    utc = now.astimezone(UTC)
    return (f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T{utc.hour:02d}:{utc.minute:02d}:"
            f"{utc.second:02d}.{utc.microsecond:06d}Z")


_json = msgspec.json.Encoder(order="sorted")


_INSERT_EVENT = ("INSERT INTO events (stream, version, type, schema_version, owner, data, meta, "
                 "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")

COLUMNS = "position, stream, version, type, schema_version, owner, data, meta, recorded_at"


def row_to_event(row: tuple[Any, ...]) -> StoredEvent:
    position, stream, version, type_, schema_version, owner, data, meta, recorded_at = row
    return StoredEvent(
        position, stream, version, type_, schema_version, owner,
        ev.decode(type_, schema_version, data, position), json.loads(meta), recorded_at,
    )


class EventStore:
    """Reads and appends events on one connection; the caller owns the transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def stream_version(self, stream: str) -> int:
        row = self.conn.execute(
            "SELECT max(version) FROM events WHERE stream = ?", (stream,)
        ).fetchone()
        return int(row[0] or 0)

    def append(
        self,
        stream: str,
        expected_version: int,
        events: Sequence[ev.Event],
        *,
        now: datetime,
        owner: str | None = None,
        meta: dict[str, Any] | None = None,
    ) -> list[StoredEvent]:
        """Append `events` after `expected_version`; ConcurrencyError if the stream moved on.

        The unique (stream, version) index is the check: if anyone appended
        since `expected_version` was read, version `expected_version + 1` is
        taken and the insert fails, so no extra read is needed on the hot path.
        """
        if not self.conn.in_transaction:
            raise RuntimeError("append must run inside a write transaction")
        stamp = utc_stamp(now)
        meta = meta or {}
        meta_json = _json.encode(meta).decode() if meta else "{}"
        stored: list[StoredEvent] = []
        execute = self.conn.execute
        for offset, event in enumerate(events, start=1):
            type_ = ev.type_of(event)
            schema_version = ev.SCHEMA_VERSIONS[type_]
            version = expected_version + offset
            try:
                cursor = execute(_INSERT_EVENT, (stream, version, type_, schema_version, owner,
                                                 ev.encode(event).decode(), meta_json, stamp))
            except sqlite3.IntegrityError as exc:
                raise ConcurrencyError(
                    f"stream {stream} moved past version {expected_version} concurrently"
                ) from exc
            stored.append(StoredEvent(cursor.lastrowid or 0, stream, version, type_,
                                      schema_version, owner, event,
                                      meta, stamp))
        return stored

    def outcome(self, key: str) -> dict[str, Any] | None:
        """The recorded outcome of the command that used `key`, if any."""
        row = self.conn.execute(
            "SELECT outcome FROM idempotency_keys WHERE key = ?", (key,)
        ).fetchone()
        return json.loads(row[0]) if row else None

    def remember(
        self, key: str, stream: str, stored: Sequence[StoredEvent], outcome: dict[str, Any],
        now: datetime | str,
    ) -> None:
        """Record `key`'s outcome; `now` is a time or an already formatted stamp."""
        self.conn.execute(
            "INSERT INTO idempotency_keys (key, stream, first_position, last_position, outcome, "
            "recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
            (key, stream, stored[0].position if stored else None,
             stored[-1].position if stored else None,
             _json.encode(outcome).decode(), now if isinstance(now, str) else utc_stamp(now)),
        )

    def read_stream(self, stream: str) -> list[StoredEvent]:
        rows = self.conn.execute(
            f"SELECT {COLUMNS} FROM events WHERE stream = ? ORDER BY version", (stream,)
        ).fetchall()
        return [row_to_event(r) for r in rows]

    def read_all(self, after: int = 0, batch: int = 10_000) -> Iterator[StoredEvent]:
        """Every event after position `after`, in global order, read in batches."""
        while True:
            rows = self.conn.execute(
                f"SELECT {COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?",
                (after, batch),
            ).fetchall()
            if not rows:
                return
            for row in rows:
                yield row_to_event(row)
            after = rows[-1][0]

    def tail(self, n: int) -> list[StoredEvent]:
        rows = self.conn.execute(
            f"SELECT {COLUMNS} FROM events ORDER BY position DESC LIMIT ?", (n,)
        ).fetchall()
        return [row_to_event(r) for r in reversed(rows)]

    def last_position(self) -> int:
        row = self.conn.execute("SELECT max(position) FROM events").fetchone()
        return int(row[0] or 0)
