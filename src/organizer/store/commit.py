"""The one write path: every change to the log and its projections is committed here.

A writer hands `commit` a *decision*: a function that reads what it needs
inside the write transaction and says which events to append to which stream
after which version. `commit` then, in that one transaction, answers a
repeated idempotency key with its first outcome, appends the events, folds
them into the projections, remembers the key and moves a follower's
checkpoint. When another writer got to the stream first, the whole
transaction is rolled back and the decision is taken again on fresh state.

No module outside `organizer.store` writes `events`, a projection table or
the bookkeeping tables (tests/store/test_one_write_path.py checks it).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from organizer.domain import events as ev
from organizer.errors import ConcurrencyError
from organizer.store import follower
from organizer.store.db import transaction
from organizer.store.events import EventStore, StoredEvent
from organizer.store.projections import Row, project

MAX_ATTEMPTS = 5

Record = Mapping[str, Any] | Callable[[Sequence[StoredEvent]], Mapping[str, Any]]


class Decision(NamedTuple):
    """Append `events` to `stream` after `expected_version`; remember `record` under the key.

    No events is a decision too: nothing is appended, but the key is still remembered
    (when `record` is given) and the checkpoint still moves.
    """

    stream: str
    expected_version: int
    events: Sequence[ev.Event] = ()
    owner: str | None = None
    record: Record | None = None


class Committed(NamedTuple):
    """What a commit did: the events it stored and the projection rows it wrote, or, for a
    key used before, the outcome that key first recorded (`replayed`)."""

    stored: Sequence[StoredEvent] = ()
    rows: Mapping[str, Row] = {}  # never mutated
    replayed: dict[str, Any] | None = None


Decide = Callable[[EventStore], Decision | None]


def commit(
    conn: sqlite3.Connection,
    decide: Decide,
    *,
    now: Callable[[], datetime],
    key: str | None = None,
    meta: dict[str, Any] | None = None,
    advance: tuple[str, int] | None = None,
    after: Callable[[Committed], None] | None = None,
) -> Committed:
    """Decide and commit in one write transaction, retried from fresh state on a conflict.

    `decide` returns None when there is nothing to do at all (no key is remembered).
    `advance` moves the named follower's checkpoint to a position in the same
    transaction. `after` runs inside the transaction once the rows are written, for
    a caller that must read its result before anyone else can change it.
    """
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            with transaction(conn):
                store = EventStore(conn)
                if key is not None:
                    prior = store.outcome(key)
                    if prior is not None:
                        return Committed(replayed=prior)
                decision = decide(store)
                done = (_write(store, decision, key=key, meta=meta, now=now())
                        if decision is not None else Committed())
                if advance is not None:
                    follower.advance(conn, *advance)
                if after is not None:
                    after(done)
                return done
        except ConcurrencyError:
            if attempt == MAX_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


def _write(store: EventStore, decision: Decision, *, key: str | None,
           meta: dict[str, Any] | None, now: datetime) -> Committed:
    stored = store.append(decision.stream, decision.expected_version, decision.events,
                          now=now, owner=decision.owner, meta=meta) if decision.events else []
    rows = project(store.conn, stored)
    if key is not None and decision.record is not None:
        record = decision.record
        outcome = record(stored) if callable(record) else record
        store.remember(key, decision.stream, stored, dict(outcome),
                       stored[-1].recorded_at if stored else now)
    return Committed(stored, rows)


def advance_only(conn: sqlite3.Connection, name: str, to: int) -> None:
    """Move a follower's checkpoint past events it had nothing to write for."""
    with transaction(conn):
        follower.advance(conn, name, to)
