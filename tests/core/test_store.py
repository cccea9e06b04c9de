"""The event store and the SQLite policy on real files."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from organizer.domain import events as e
from organizer.errors import ConcurrencyError, NotADatabase, SchemaError, StorageError
from organizer.settings import Settings
from organizer.store.db import connect, transaction
from organizer.store.events import EventStore

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def test_append_assigns_positions_and_versions(db: sqlite3.Connection) -> None:
    store = EventStore(db)
    with transaction(db):
        stored = store.append("task-a", 0, [e.TaskCompleted(task_id="a"),
                                            e.TaskCancelled(task_id="a")], now=NOW)
    assert [(s.version, s.type) for s in stored] == [(1, "task.completed"), (2, "task.cancelled")]
    assert stored[1].position == stored[0].position + 1
    assert [s.event for s in store.read_stream("task-a")] == [s.event for s in stored]


def test_stale_expected_version_is_a_concurrency_error(db: sqlite3.Connection) -> None:
    store = EventStore(db)
    with transaction(db):
        store.append("task-a", 0, [e.TaskCompleted(task_id="a")], now=NOW)
    with pytest.raises(ConcurrencyError), transaction(db):
        store.append("task-a", 0, [e.TaskCancelled(task_id="a")], now=NOW)
    assert store.stream_version("task-a") == 1


def test_events_are_append_only(db: sqlite3.Connection) -> None:
    with transaction(db):
        EventStore(db).append("task-a", 0, [e.TaskCompleted(task_id="a")], now=NOW)
    for statement in ("UPDATE events SET type = 'x'", "DELETE FROM events"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute(statement)
    db.execute("PRAGMA recursive_triggers = ON")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("INSERT OR REPLACE INTO events SELECT * FROM events")


def test_a_file_that_is_not_sqlite_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "organizer.db"
    path.write_bytes(b"this is a text file, not a database\n" * 100)
    before = path.read_bytes()
    with pytest.raises(NotADatabase, match=str(path)):
        connect(path)
    assert path.read_bytes() == before


def test_missing_database_is_named(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="does not exist; run `organizer migrate`"):
        connect(tmp_path / "nowhere.db")


def test_daemon_open_refuses_incomplete_schema(settings: Settings, db: sqlite3.Connection) -> None:
    from organizer.app.database import open_database

    db.execute("DROP TABLE tasks")
    with pytest.raises(SchemaError, match="lacks table\\(s\\) tasks"):
        open_database(settings)


def test_writers_wait_for_the_lock_instead_of_failing(settings: Settings,
                                                      db: sqlite3.Connection) -> None:
    import threading
    import time

    other = connect(settings.db_path)
    db.execute("BEGIN IMMEDIATE")
    released = threading.Timer(0.5, lambda: db.execute("COMMIT"))
    released.start()
    started = time.monotonic()
    with transaction(other):
        other.execute("INSERT INTO heartbeats (daemon, beat_at) VALUES ('x', 'y')")
    assert time.monotonic() - started >= 0.4
    released.join()
    other.close()


def test_every_connection_is_wal_and_syncs_each_commit(tmp_path: Path) -> None:
    # A commit the bot has confirmed must survive a power cut: FULL (2), not NORMAL (1).
    conn = connect(tmp_path / "policy.db", create=True)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    finally:
        conn.close()
