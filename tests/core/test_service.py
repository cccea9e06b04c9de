"""The one write path: idempotency, references, concurrency, undo, on real SQLite files."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from datetime import date, time
from pathlib import Path

import pytest

from organizer.app.tasks import TaskService
from organizer.domain import commands as c
from organizer.errors import AmbiguousRef, InvalidTransition, TaskNotFound
from organizer.settings import Settings
from organizer.store.views import TaskView

TZ = "Europe/Moscow"


def add(service: TaskService, title: str, owner: str = "42", **kw: object) -> TaskView:
    outcome = service.execute(c.AddTask(owner, title, kw.get("d"), kw.get("t"), TZ),  # type: ignore[arg-type]
                              idempotency_key=kw.get("key"))  # type: ignore[arg-type]
    assert outcome.task is not None
    return outcome.task


def test_numbers_are_per_owner_and_stable(db: sqlite3.Connection) -> None:
    service = TaskService(db)
    assert [add(service, f"задача {i}").number for i in range(3)] == [1, 2, 3]
    assert add(service, "чужая", owner="7").number == 1
    service.execute(c.CompleteTask(service.resolve("42", "1")))
    assert add(service, "ещё").number == 4


def test_same_idempotency_key_returns_the_first_outcome(db: sqlite3.Connection) -> None:
    service = TaskService(db)
    first = add(service, "купить молоко", key="tg:1:100")
    again = service.execute(c.AddTask("42", "купить молоко", None, None, TZ),
                            idempotency_key="tg:1:100")
    assert again.duplicate and again.task is not None and again.task.id == first.id
    assert db.execute("SELECT count(*) FROM events").fetchone()[0] == 1
    assert len(service.list("42")) == 1


def test_resolve_by_number_or_title_words(db: sqlite3.Connection) -> None:
    service = TaskService(db)
    milk = add(service, "купить молоко")
    add(service, "позвонить маме")
    add(service, "позвонить папе")
    assert service.resolve("42", "1") == milk.id
    assert service.resolve("42", "молока") == milk.id
    with pytest.raises(AmbiguousRef, match="matches 2 tasks"):
        service.resolve("42", "позвонить")
    with pytest.raises(TaskNotFound):
        service.resolve("42", "9")
    with pytest.raises(TaskNotFound):
        service.resolve("7", "молоко")  # another owner's task is invisible


def test_resolve_last_is_the_most_recently_created_task(db: sqlite3.Connection) -> None:
    service = TaskService(db)
    with pytest.raises(TaskNotFound):
        service.resolve("42", "last")
    add(service, "купить молоко")
    bread = add(service, "купить хлеб")
    add(service, "чужая", owner="7")
    assert service.resolve("42", "last") == bread.id
    service.execute(c.CompleteTask(bread.id))
    # done: the last open one; a reopen-like command may ask among closed ones
    assert service.resolve("42", "last") == service.resolve("42", "1")
    assert service.resolve("42", "last", statuses=("done",)) == bread.id


def test_invalid_command_appends_nothing(db: sqlite3.Connection) -> None:
    service = TaskService(db)
    task = add(service, "x")
    service.execute(c.CancelTask(task.id))
    before = db.execute("SELECT count(*) FROM events").fetchone()[0]
    with pytest.raises(InvalidTransition, match="cancelled"):
        service.execute(c.CompleteTask(task.id))
    assert db.execute("SELECT count(*) FROM events").fetchone()[0] == before


def test_undo_appends_compensations_and_deletes_nothing(db: sqlite3.Connection) -> None:
    service = TaskService(db)
    task = add(service, "позвонить", d=date(2026, 12, 1), t=time(10, 0))
    service.execute(c.RescheduleTask(task.id, date(2026, 12, 2), None, TZ))
    undone = service.execute(c.Undo("42")).task
    assert undone is not None and (undone.due_date, undone.due_time) == ("2026-12-01",
                                                                                "10:00")
    assert service.execute(c.Undo("42")).task.status == "cancelled"  # type: ignore[union-attr]
    assert db.execute("SELECT count(*) FROM events").fetchone()[0] == 4


APPENDER = textwrap.dedent("""
    import sys, time
    from datetime import UTC, datetime
    from pathlib import Path
    from organizer.store.db import connect, transaction
    from organizer.store.events import EventStore
    from organizer.domain.events import TaskRetitled
    from organizer.errors import ConcurrencyError
    db, go, name = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    conn = connect(db)
    store = EventStore(conn)
    version = store.stream_version("task-a")  # both read version 1
    while not go.exists():
        time.sleep(0.005)
    try:
        with transaction(conn):
            store.append("task-a", version, [TaskRetitled(task_id="a", title=name,
                         previous_title="x")], now=datetime.now(UTC))
        print("won")
    except ConcurrencyError as exc:
        print("conflict", exc)
""")


@pytest.mark.slow
def test_two_processes_appending_to_one_stream(settings: Settings, db: sqlite3.Connection,
                                               tmp_path: Path) -> None:
    service = TaskService(db, ids=lambda: "a")
    add(service, "x")
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", APPENDER, str(settings.db_path), str(go), n],
                              stdout=subprocess.PIPE, text=True) for n in ("p1", "p2")]
    import time as _time

    _time.sleep(1.5)  # both have read the stream version
    go.touch()
    results = sorted(p.communicate(timeout=30)[0].split()[0] for p in procs)
    assert results == ["conflict", "won"]
    assert db.execute("SELECT count(*) FROM events WHERE stream='task-a'").fetchone()[0] == 2


SERVICE_WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from organizer.store.db import connect
    from organizer.app.tasks import TaskService
    from organizer.domain.commands import AddTask, RetitleTask
    service = TaskService(connect(Path(sys.argv[1])))
    for i in range(100):
        service.execute(AddTask(sys.argv[2], f"t{i}", None, None, "UTC"))
        service.execute(RetitleTask("shared", f"{sys.argv[2]}-{i}"))
    print("ok")
""")


@pytest.mark.slow
def test_concurrent_writers_never_see_database_is_locked(settings: Settings,
                                                         db: sqlite3.Connection) -> None:
    TaskService(db, ids=lambda: "shared").execute(c.AddTask("0", "shared", None, None, TZ))
    procs = [subprocess.Popen([sys.executable, "-c", SERVICE_WRITER, str(settings.db_path), o],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for o in ("1", "2", "3")]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [o[0].strip() for o in outputs] == ["ok"] * 3, outputs
    assert db.execute("SELECT count(*) FROM tasks").fetchone()[0] == 301
    from organizer.store.rebuild import verify

    assert verify(db).differences == []
