"""Repeating tasks in the worker: the calendar event moves to each occurrence, every occurrence
is reminded, and an occurrence nobody did is passed when the next one's reminder time comes."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, time

from organizer.app.tasks import TaskService
from organizer.app.users import UserService
from organizer.domain.commands import AddTask, CompleteTask, Undo
from organizer.settings import Settings
from organizer.store.rebuild import verify
from tests.fakes.calendar_server import CalendarServer
from tests.fakes.telegram_server import FakeTelegram
from tests.worker.conftest import CAL_ID, Clock, World
from tests.worker.helpers import drain, make_sync, types


def add_repeating(service: TaskService, title: str, day: str, at: str | None,
                  rule: str) -> str:
    outcome = service.execute(AddTask("111", title, date.fromisoformat(day),
                                      time.fromisoformat(at) if at else None, "Europe/Moscow",
                                      repeat=rule))
    assert outcome.task is not None
    return str(outcome.task.id)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_the_event_moves_to_the_next_occurrence_and_back_on_undo(
    settings: Settings, conn: sqlite3.Connection, service: TaskService, clock: Clock,
    calendar_server: CalendarServer,
) -> None:
    sync = make_sync(settings, conn, clock)
    task_id = add_repeating(service, "планёрка", "2026-03-02", "09:00", "FREQ=WEEKLY;BYDAY=MO")
    drain(sync)
    [event] = calendar_server.live_events(CAL_ID)
    assert event["start"]["dateTime"] == "2026-03-02T09:00:00+03:00"
    assert event["description"] == "↻ Повторяется: каждый понедельник"
    service.execute(CompleteTask(task_id))
    drain(sync)
    [event] = calendar_server.live_events(CAL_ID)  # the same event, patched: never a second
    assert event["start"]["dateTime"] == "2026-03-09T09:00:00+03:00"
    assert event["summary"] == "планёрка" and "colorId" not in event
    service.execute(Undo("111"))
    drain(sync)
    [event] = calendar_server.live_events(CAL_ID)
    assert event["start"]["dateTime"] == "2026-03-02T09:00:00+03:00"
    assert types(conn, "calendar.")[-2:] == ["calendar.updated", "calendar.updated"]
    assert verify(conn).differences == []


def test_each_occurrence_is_reminded_and_a_missed_one_does_not_block_the_next(
    world: World, tg: FakeTelegram, clock: Clock,
) -> None:
    reminders, service, conn = world  # REMINDER_LEAD_MIN is 0 in the tests
    task_id = add_repeating(service, "выпить таблетку", "2026-03-03", "08:00", "FREQ=DAILY")
    clock.now = utc("2026-03-03T08:00:00+03:00")
    reminders.step()
    assert [m["text"] for m in tg.sent] == [
        "⏰ Напоминаю: выпить таблетку (сегодня в 08:00) — «готово 1», когда сделаете."]
    # nobody said "готово": the task waits on the 3rd all day ...
    clock.now = utc("2026-03-04T07:59:00+03:00")
    reminders.step()
    assert len(tg.sent) == 1 and service.get(task_id).due_date == "2026-03-03"  # type: ignore[union-attr]
    # ... until the next occurrence's reminder time: passed, and the 4th is reminded
    clock.now = utc("2026-03-04T08:00:00+03:00")
    reminders.step()
    task = service.get(task_id)
    assert task is not None and (task.status, task.due_date, task.due_time) == (
        "open", "2026-03-04", "08:00")
    assert tg.sent[-1]["text"] == (
        "⏰ Напоминаю: выпить таблетку (сегодня в 08:00) — «готово 1», когда сделаете.")
    assert len(tg.sent) == 2
    [advanced] = [ev for ev in _events(conn) if ev.type == "task.advanced"]
    assert advanced.event.reason == "missed"  # type: ignore[attr-defined]
    # done early on the 4th: the 5th is next, and reminded on the 5th
    service.execute(CompleteTask(task_id))
    clock.now = utc("2026-03-05T08:00:30+03:00")
    reminders.step()
    assert len(tg.sent) == 3 and "сегодня в 08:00" in tg.sent[-1]["text"]
    assert types(conn, "reminder.") == ["reminder.sent"] * 3
    assert verify(conn).differences == []


def test_several_missed_days_pass_straight_to_today(world: World, tg: FakeTelegram,
                                                     clock: Clock) -> None:
    reminders, service, conn = world
    task_id = add_repeating(service, "полить цветы", "2026-03-03", None, "FREQ=DAILY")
    clock.now = utc("2026-03-06T12:00:00+03:00")
    reminders.step()
    task = service.get(task_id)
    assert task is not None and (task.due_date, task.due_time) == ("2026-03-06", None)
    assert [ev.type for ev in _events(conn)].count("task.advanced") == 1


def _events(conn: sqlite3.Connection) -> list:  # type: ignore[type-arg]
    from organizer.store.events import EventStore

    return list(EventStore(conn).read_all())


def test_without_reminders_the_worker_still_passes_missed_occurrences(
    make_settings: object, clock: Clock,
) -> None:
    import threading

    from organizer.store.db import connect
    from organizer.worker.runner import Worker

    settings = make_settings(GOOGLE_CALENDAR_ID="")  # type: ignore[operator]
    conn = connect(settings.db_path)
    service = TaskService(conn, clock)
    task_id = add_repeating(service, "выпить таблетку", "2026-03-03", "08:00", "FREQ=DAILY")
    clock.now = utc("2026-03-05T09:00:00+03:00")
    worker = Worker(settings, clock=clock)
    assert worker.reminders_off is not None
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,))
    thread.start()
    try:
        for _ in range(100):
            task = service.get(task_id)
            if task is not None and task.due_date == "2026-03-05":
                break
            stop.wait(0.05)
    finally:
        stop.set()
        thread.join(timeout=15)
        conn.close()
    assert task is not None and (task.due_date, task.due_time) == ("2026-03-05", "08:00")


def test_the_rule_in_the_event_speaks_the_owners_language(
    settings: Settings, conn: sqlite3.Connection, service: TaskService, clock: Clock,
    calendar_server: CalendarServer,
) -> None:
    UserService(conn).set_lang("111", "en")
    sync = make_sync(settings, conn, clock)
    add_repeating(service, "standup", "2026-03-02", "09:00", "FREQ=WEEKLY;BYDAY=MO")
    drain(sync)
    [event] = calendar_server.live_events(CAL_ID)
    assert event["description"] == "↻ Repeats: every Monday"
