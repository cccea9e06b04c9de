"""Only the store writes the log, the projections and their bookkeeping.

Two proofs: no module outside `organizer.store` holds SQL that writes those
tables (read from the sources), and while the services run a day's worth of
commands on a real database, SQLite's authorizer sees every write prepared by
code in `organizer.store` and nowhere else.
"""

from __future__ import annotations

import ast
import re
import sqlite3
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from organizer.app.tasks import TaskService
from organizer.app.users import UserService
from organizer.domain import commands as c
from organizer.domain import events as e
from organizer.domain.tasks import stream_of
from organizer.errors import ConcurrencyError
from organizer.store import replies
from organizer.store.commit import Decision, advance_only, commit
from organizer.store.events import EventStore

SRC = Path(__file__).resolve().parents[2] / "src" / "organizer"
GUARDED = ("events", "tasks", "calendar_links", "users", "idempotency_keys",
           "projector_checkpoints", "bot_replies")
_WRITE = re.compile(
    r"\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)"
    r"\s+[\"'`]?(\w+)", re.IGNORECASE)
TZ = "Europe/Moscow"


def _sql_writes(path: Path) -> list[tuple[int, str]]:
    """(line, table) of every string in the module that reads as SQL writing a guarded table."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            for match in _WRITE.finditer(node.value):
                if match.group(1).lower() in GUARDED:
                    found.append((node.lineno, match.group(1)))
    return found


def test_no_module_outside_the_store_holds_sql_that_writes_the_guarded_tables() -> None:
    offenders = [f"{path.relative_to(SRC.parent)}:{line} writes {table}"
                 for path in sorted(SRC.rglob("*.py")) if "store" not in path.parts
                 for line, table in _sql_writes(path)]
    assert offenders == []


def test_the_source_scan_finds_a_write_where_there_is_one(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text('Q = "INSERT INTO events (a) VALUES (?)"\n'
                      'R = f"update tasks set title = {1}"\nS = "DELETE FROM users"\n'
                      'T = "SELECT * FROM tasks"\n')
    assert sorted(table for _, table in _sql_writes(module)) == ["events", "tasks", "users"]


_WRITES = {sqlite3.SQLITE_INSERT, sqlite3.SQLITE_UPDATE, sqlite3.SQLITE_DELETE}


class WriteWatch:
    """SQLite's authorizer on a connection: the module that prepared each guarded write."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.writers: dict[str, set[str]] = {}
        conn.set_authorizer(self._check)

    def _check(self, action: int, table: str | None, *_: object) -> int:
        if action in _WRITES and table in GUARDED:
            frame = sys._getframe(1)
            while frame is not None and not frame.f_globals.get("__name__", "").startswith(
                    "organizer."):
                frame = frame.f_back  # type: ignore[assignment]
            module = frame.f_globals["__name__"] if frame is not None else "?"
            self.writers.setdefault(module, set()).add(table)
        return sqlite3.SQLITE_OK


@pytest.fixture
def watched(db: sqlite3.Connection) -> Iterator[tuple[sqlite3.Connection, WriteWatch]]:
    watch = WriteWatch(db)
    yield db, watch
    db.set_authorizer(None)


def test_every_write_of_a_day_of_commands_is_prepared_in_the_store(
        watched: tuple[sqlite3.Connection, WriteWatch]) -> None:
    db, watch = watched
    tasks, users = TaskService(db), UserService(db)
    first = tasks.execute(c.AddTask("42", "позвонить маме", date(2030, 1, 2), time(10), TZ),
                          idempotency_key="tg:1:1")
    assert first.task is not None
    tasks.execute(c.AddTask("42", "позвонить маме", date(2030, 1, 2), time(10), TZ),
                  idempotency_key="tg:1:1")
    task_id = tasks.resolve("42", "1")
    tasks.execute(c.RescheduleTask(task_id, date(2030, 1, 3), time(11), TZ))
    tasks.execute(c.RetitleTask(task_id, "позвонить папе"))
    tasks.execute(c.CompleteTask(task_id))
    tasks.execute(c.Undo("42"))
    users.set_tz("42", "Asia/Tokyo")
    users.set_lead("42", 30, idempotency_key="tg:1:2")
    replies.record(db, "tg:1:1", 42, 7)
    stream = stream_of(task_id)
    commit(db, lambda store: Decision(f"calendar-{task_id}", store.stream_version(
        f"calendar-{task_id}"), [e.CalendarFailed(task_id=task_id, reason="502")], "42"),
        now=lambda: datetime.now(UTC), advance=("worker.calendar", 3))
    advance_only(db, "worker.calendar", 5)
    assert EventStore(db).stream_version(stream) == 5
    assert set(watch.writers) == {"organizer.store.events", "organizer.store.projections",
                                  "organizer.store.follower", "organizer.store.replies"}
    assert watch.writers["organizer.store.projections"] >= {"tasks", "users", "calendar_links"}


def test_the_watch_names_a_writer_outside_the_store(
        watched: tuple[sqlite3.Connection, WriteWatch]) -> None:
    db, watch = watched
    db.execute("INSERT INTO bot_replies (key, chat_id, message_id, replied_at) "
               "VALUES ('k', 1, 1, 'now')")
    assert watch.writers == {"?": {"bot_replies"}}


def test_a_commit_that_lost_the_race_is_decided_again_on_fresh_state(
        db: sqlite3.Connection) -> None:
    """A decision taken on a version someone else has since appended after fails on the
    unique (stream, version) index; the transaction is rolled back and the decision is
    taken again, on the stream as it now is."""
    now = datetime(2030, 1, 1, tzinfo=UTC)
    commit(db, lambda _s: Decision("user-9", 0, [e.UserTzSet(user_id="9", tz=TZ)], "9"),
           now=lambda: now)
    seen: list[int] = []

    def decide(store: EventStore) -> Decision:
        fresh = store.stream_version("user-9")
        seen.append(fresh)
        stale = 0 if len(seen) == 1 else fresh  # the first time: read before the other append
        return Decision("user-9", stale, [e.UserLeadSet(user_id="9", minutes=5)], "9",
                        {"user_id": "9"})

    done = commit(db, decide, now=lambda: now, key="k-9")
    assert seen == [1, 1]
    assert [s.version for s in done.stored] == [2]
    assert db.execute("SELECT lead_min FROM users WHERE id = '9'").fetchone() == (5,)
    again = commit(db, decide, now=lambda: now + timedelta(seconds=1), key="k-9")
    assert again.replayed == {"user_id": "9"} and not again.stored
    assert EventStore(db).stream_version("user-9") == 2


def test_a_commit_that_keeps_losing_gives_up_and_writes_nothing(db: sqlite3.Connection) -> None:
    now = datetime(2030, 1, 1, tzinfo=UTC)
    commit(db, lambda _s: Decision("user-9", 0, [e.UserTzSet(user_id="9", tz=TZ)], "9"),
           now=lambda: now)
    with pytest.raises(ConcurrencyError):
        commit(db, lambda _s: Decision("user-9", 0, [e.UserLeadSet(user_id="9", minutes=5)],
                                       "9", {"user_id": "9"}), now=lambda: now, key="k-10")
    assert EventStore(db).outcome("k-10") is None
    assert EventStore(db).stream_version("user-9") == 1
