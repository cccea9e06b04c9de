"""Shared test helpers: driving CalendarSync step by step, adding tasks, reading outcomes."""

from __future__ import annotations

import sqlite3
import threading
from datetime import date, time
from typing import Any

from organizer.app.tasks import TaskService
from organizer.calendar.client import CalendarClient, Wait, build_service
from organizer.domain.commands import AddTask
from organizer.settings import Settings
from organizer.worker.calendar_sync import CalendarSync


def fast_client(settings: Settings, wait: Wait) -> CalendarClient:
    """The real client with short backoff, so fault tests stay quick."""
    assert settings.google_calendar_id is not None
    return CalendarClient(build_service(settings), settings.google_calendar_id, wait=wait,
                          base_delay=0.01, max_delay=0.05)


_made: list[CalendarSync] = []


def make_sync(settings: Settings, conn: sqlite3.Connection, clock: Any,
              probe_s: float = 0.0) -> CalendarSync:
    """A CalendarSync closed by the `close_syncs` fixture at the end of the test."""
    sync = CalendarSync(settings, conn, clock=clock, wait=threading.Event().wait,
                        client_factory=fast_client, probe_s=probe_s)
    _made.append(sync)
    return sync


def close_all() -> None:
    while _made:
        _made.pop().close()


def drain(sync: CalendarSync, steps: int = 200) -> None:
    """Step until the sync has nothing more to do right now."""
    for _ in range(steps):
        if not sync.step():
            return
    raise AssertionError("the sync never settled")


def add(service: TaskService, title: str, day: str = "2026-03-03", at: str | None = "10:00",
        owner: str = "111") -> str:
    outcome = service.execute(AddTask(owner, title, date.fromisoformat(day),
                                      time.fromisoformat(at) if at else None, "Europe/Moscow"))
    assert outcome.task is not None
    return str(outcome.task.id)


def link(conn: sqlite3.Connection, task_id: str) -> dict[str, Any] | None:
    cursor = conn.execute("SELECT * FROM calendar_links WHERE task_id = ?", (task_id,))
    row = cursor.fetchone()
    return dict(zip([d[0] for d in cursor.description], row, strict=True)) if row else None


def types(conn: sqlite3.Connection, prefix: str = "calendar.") -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT type FROM events WHERE type LIKE ? ORDER BY position", (prefix + "%",))]
