"""A task's notes are carried into its calendar event's description, and leave it on undo."""

from __future__ import annotations

import sqlite3
from datetime import date, time

from organizer.app.tasks import TaskService
from organizer.domain.commands import AddTask, NoteTask, Undo
from organizer.settings import Settings
from organizer.store.rebuild import verify
from tests.fakes.calendar_server import CalendarServer
from tests.worker.conftest import CAL_ID, Clock
from tests.worker.helpers import drain, make_sync


def test_notes_are_in_the_event_description(
    settings: Settings, conn: sqlite3.Connection, service: TaskService, clock: Clock,
    calendar_server: CalendarServer,
) -> None:
    sync = make_sync(settings, conn, clock)
    task = service.execute(AddTask("111", "к врачу", date(2026, 3, 2), time(10, 0),
                                   "Europe/Moscow")).task
    assert task is not None
    drain(sync)
    [event] = calendar_server.live_events(CAL_ID)
    assert "description" not in event  # a task that never had a note leaves it alone
    service.execute(NoteTask(task.id, "код домофона 45К"))
    service.execute(NoteTask(task.id, "взять полис"))
    drain(sync)
    [event] = calendar_server.live_events(CAL_ID)
    assert event["description"] == "📝 код домофона 45К\n📝 взять полис"
    service.execute(Undo("111"))
    service.execute(Undo("111"))
    drain(sync)
    [event] = calendar_server.live_events(CAL_ID)
    assert event["description"] == ""
    assert verify(conn).differences == []


def test_a_repeating_task_says_its_rule_then_its_notes(
    settings: Settings, conn: sqlite3.Connection, service: TaskService, clock: Clock,
    calendar_server: CalendarServer,
) -> None:
    sync = make_sync(settings, conn, clock)
    task = service.execute(AddTask("111", "планёрка", date(2026, 3, 2), time(9, 0),
                                   "Europe/Moscow", repeat="FREQ=WEEKLY;BYDAY=MO")).task
    assert task is not None
    service.execute(NoteTask(task.id, "ссылка в чате"))
    drain(sync)
    [event] = calendar_server.live_events(CAL_ID)
    assert event["description"] == "↻ Повторяется: каждый понедельник\n📝 ссылка в чате"
