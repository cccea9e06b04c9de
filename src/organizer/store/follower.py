"""A checkpointed reader of the event log, for one named consumer.

The consumer's position lives in `projector_checkpoints` under its own name,
and it advances in the same transaction as the events the consumer appends in
answer to what it read. A crash before that commit leaves both unwritten, so
the event is handled again (the calendar calls are idempotent); a crash after
it has both, so nothing is handled twice and nothing is skipped.
"""

from __future__ import annotations

import sqlite3

from organizer.store.events import EventStore, StoredEvent


def position(conn: sqlite3.Connection, name: str) -> int:
    row = conn.execute(
        "SELECT position FROM projector_checkpoints WHERE name = ?", (name,)
    ).fetchone()
    return int(row[0]) if row else 0


def advance(conn: sqlite3.Connection, name: str, to: int) -> None:
    """Move the checkpoint forward, inside the caller's write transaction; never backwards."""
    if not conn.in_transaction:
        raise RuntimeError("the checkpoint advances only inside a write transaction")
    conn.execute(
        "INSERT INTO projector_checkpoints (name, position) VALUES (?, ?) "
        "ON CONFLICT(name) DO UPDATE SET position = max(position, excluded.position)",
        (name, to),
    )


def pending(conn: sqlite3.Connection, name: str, limit: int = 100) -> list[StoredEvent]:
    """The next events after the checkpoint, oldest first."""
    after = position(conn, name)
    events: list[StoredEvent] = []
    for stored in EventStore(conn).read_all(after=after, batch=limit):
        events.append(stored)
        if len(events) >= limit:
            break
    return events
