"""Projections: live tables always equal a rebuild from the log."""

from __future__ import annotations

import contextlib
import sqlite3
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from organizer.app.database import migrate, open_database
from organizer.app.tasks import TaskService
from organizer.app.users import UserService
from organizer.domain import commands as c
from organizer.domain import events as e
from organizer.domain.users import MAX_LEAD_MIN
from organizer.errors import DomainError, ReplayError
from organizer.settings import load_settings
from organizer.store.db import transaction
from organizer.store.events import EventStore
from organizer.store.projections import project
from organizer.store.rebuild import rebuild, verify

OWNERS = ("1", "2")
titles = st.text(alphabet="абвгд xyz🙂", min_size=1, max_size=12)
dates = st.none() | st.dates(date(2026, 1, 1), date(2027, 12, 31))
times = st.none() | st.times().map(lambda t: t.replace(second=0, microsecond=0))
refs = st.integers(1, 6)
rules = st.sampled_from(["FREQ=DAILY", "FREQ=WEEKLY;BYDAY=MO,WE", "FREQ=MONTHLY;BYMONTHDAY=31",
                         "FREQ=DAILY;COUNT=3", "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR",
                         "FREQ=HOURLY;INTERVAL=5"])
command = st.one_of(
    st.tuples(st.just("add"), st.sampled_from(OWNERS), titles, dates, times),
    # repeating tasks: done advances them, undo moves them back, the worker's missed advance
    st.tuples(st.just("add_repeat"), st.sampled_from(OWNERS), titles,
              st.dates(date(2026, 1, 1), date(2027, 12, 31)), times, rules),
    st.tuples(st.sampled_from(["done", "done", "missed"]), st.sampled_from(OWNERS), refs),
    st.tuples(st.sampled_from(["done", "cancel", "reopen"]), st.sampled_from(OWNERS), refs),
    st.tuples(st.just("retitle"), st.sampled_from(OWNERS), refs, titles),
    # notes: each bumps the task's version; undo takes the last one back
    st.tuples(st.just("note"), st.sampled_from(OWNERS), refs, titles),
    st.tuples(st.just("move"), st.sampled_from(OWNERS), refs, dates, times),
    st.tuples(st.just("undo"), st.sampled_from(OWNERS)),
    st.tuples(st.just("calendar"), st.sampled_from(OWNERS), refs,
              st.sampled_from(["linked", "failed", "deleted", "unsyncable"])),
    # a person's settings: the users projection, lead time and Telegram's language included
    st.tuples(st.just("lead"), st.sampled_from(OWNERS), st.integers(-2, MAX_LEAD_MIN + 2)),
    st.tuples(st.just("tg_lang"), st.sampled_from(OWNERS),
              st.sampled_from(["en", "en-US", "ru", "uk", "de", "", None])),
    st.tuples(st.just("lang"), st.sampled_from(OWNERS), st.sampled_from(["ru", "en"])),
    st.tuples(st.just("tz"), st.sampled_from(OWNERS),
              st.sampled_from(["Europe/Berlin", "Asia/Tokyo", "UTC"])),
)
SETTINGS = {
    "lead": lambda users, owner, value: users.set_lead(owner, value),
    "tg_lang": lambda users, owner, value: users.note_telegram_lang(owner, value),
    "lang": lambda users, owner, value: users.set_lang(owner, value),
    "tz": lambda users, owner, value: users.set_tz(owner, value),
}


def run(service: TaskService, step: tuple) -> None:  # type: ignore[type-arg]
    kind, owner = step[0], step[1]
    if kind in SETTINGS:
        SETTINGS[kind](UserService(service.conn, service.clock), owner, step[2])
        return
    if kind == "add":
        service.execute(c.AddTask(owner, step[2], step[3], step[4], "Europe/Moscow"))
        return
    if kind == "add_repeat":
        service.execute(c.AddTask(owner, step[2], step[3], step[4], "Europe/Moscow",
                                  repeat=step[5]))
        return
    if kind == "undo":
        service.execute(c.Undo(owner))
        return
    row = service.conn.execute("SELECT id FROM tasks WHERE owner=? AND number=?",
                               (owner, step[2])).fetchone()
    if row is None:
        return
    task_id = row[0]
    if kind == "calendar":
        event = {"linked": e.CalendarLinked(task_id=task_id, event_id="ev" + task_id,
                                            ical_uid=task_id + "@organizer"),
                 "failed": e.CalendarFailed(task_id=task_id, reason="503"),
                 "unsyncable": e.CalendarUnsyncable(task_id=task_id, reason="year 10000",
                                                    task_version=3),
                 "deleted": e.CalendarDeleted(task_id=task_id, event_id="ev" + task_id)}[step[3]]
        store = EventStore(service.conn)
        with transaction(service.conn):
            stream = f"calendar-{task_id}"
            project(service.conn, store.append(stream, store.stream_version(stream), [event],
                                               now=service.clock()))
        return
    made = {"done": lambda: c.CompleteTask(task_id), "cancel": lambda: c.CancelTask(task_id),
            "reopen": lambda: c.ReopenTask(task_id),
            "missed": lambda: c.AdvanceMissed(task_id, service.clock() + timedelta(days=40), 15),
            "retitle": lambda: c.RetitleTask(task_id, step[3]),
            "note": lambda: c.NoteTask(task_id, step[3]),
            "move": lambda: c.RescheduleTask(task_id, step[3], step[4], "Europe/Moscow")}[kind]()
    service.execute(made)


@hyp_settings(max_examples=60, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(command, min_size=1, max_size=25))
@example(steps=[("add_repeat", "1", "таблетки", date(2026, 12, 1), time(9, 0),
                 "FREQ=DAILY;COUNT=4"), ("done", "1", 1), ("done", "1", 1), ("undo", "1"),
                ("missed", "1", 1), ("move", "1", 1, date(2027, 1, 2), None), ("done", "1", 1),
                ("undo", "1"), ("done", "1", 1)])
def test_any_command_sequence_projects_like_a_rebuild(tmp_path: Path, steps: list) -> None:  # type: ignore[type-arg]
    import uuid

    settings = load_settings({"DB_PATH": str(tmp_path / f"{uuid.uuid4().hex}.db")}, None)
    migrate(settings, say=lambda _l: None)
    conn = open_database(settings)
    clock = iter(datetime(2026, 11, 28, tzinfo=UTC) + timedelta(seconds=i) for i in range(999))
    service = TaskService(conn, clock=lambda: next(clock))
    for step in steps:
        with contextlib.suppress(DomainError):
            run(service, step)
    report = verify(conn)
    assert report.differences == [], [d.describe() for d in report.differences]
    before = {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
              for t in ("tasks", "calendar_links", "users")}
    rebuild(conn)
    after = {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
             for t in ("tasks", "calendar_links", "users")}
    assert before == after
    conn.close()


def test_notes_rebuild_like_the_live_tables_and_are_read_from_the_log(
        db: sqlite3.Connection) -> None:
    service = TaskService(db)
    task = service.execute(c.AddTask("1", "к врачу", None, None, "Europe/Moscow")).task
    assert task is not None
    service.execute(c.NoteTask(task.id, "код домофона 45К"))
    service.execute(c.NoteTask(task.id, "взять полис"))
    service.execute(c.Undo("1"))
    service.execute(c.NoteTask(task.id, "кабинет 12"))
    assert [n.text for n in service.notes(task.id)] == ["код домофона 45К", "кабинет 12"]
    assert service.note_counts([task.id, "nobody"]) == {task.id: 2}
    assert verify(db).differences == []
    live = db.execute("SELECT * FROM tasks").fetchall()
    rebuild(db)
    assert db.execute("SELECT * FROM tasks").fetchall() == live
    now = service.get(task.id)
    assert now is not None and now.version == 5  # created, three notes and an undo
    assert [n.text for n in service.notes(task.id)] == ["код домофона 45К", "кабинет 12"]


def test_verify_reports_a_tampered_row(db: sqlite3.Connection) -> None:
    service = TaskService(db)
    service.execute(c.AddTask("1", "купить молоко", None, None, "UTC"))
    db.execute("UPDATE tasks SET title = 'купить кефир'")
    [difference] = verify(db).differences
    assert "title: 'купить кефир' != 'купить молоко'" in difference.describe()
    rebuild(db)
    assert verify(db).differences == []
    assert db.execute("SELECT title FROM tasks").fetchone()[0] == "купить молоко"
    indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"sqlite_autoindex_tasks_2"} <= indexes


def test_unknown_event_type_stops_a_rebuild_naming_its_position(db: sqlite3.Connection) -> None:
    TaskService(db).execute(c.AddTask("1", "x", date(2026, 12, 1), time(9, 0), "UTC"))
    db.execute("INSERT INTO events (stream, version, type, schema_version, data, recorded_at) "
               "VALUES ('task-z', 1, 'task.exploded', 1, '{}', '2026-11-28T00:00:00Z')")
    with pytest.raises(ReplayError, match="position 2 has unknown type 'task.exploded'"):
        rebuild(db)
    assert db.execute("SELECT count(*) FROM tasks").fetchone()[0] == 1
