"""Calendar sync against the fake Calendar v3 server, through the real Google client."""

from __future__ import annotations

import sqlite3

from organizer.app import calendar_mode as cm
from organizer.app.tasks import TaskService
from organizer.calendar.ids import event_id
from organizer.domain.commands import CancelTask, CompleteTask, RetitleTask, Undo
from organizer.settings import Settings
from organizer.store.rebuild import verify
from tests.fakes.calendar_server import CalendarServer
from tests.worker.conftest import CAL_ID, Clock
from tests.worker.helpers import add, drain, link, make_sync, types


def test_a_task_gets_one_event_that_follows_it(
    settings: Settings, conn: sqlite3.Connection, service: TaskService, clock: Clock,
    calendar_server: CalendarServer,
) -> None:
    sync = make_sync(settings, conn, clock)
    task_id = add(service, "позвонить маме")
    drain(sync)
    [event] = calendar_server.live_events(CAL_ID)
    assert event["id"] == event_id(CAL_ID, task_id, 0)
    assert event["summary"] == "позвонить маме"
    assert event["start"]["dateTime"] == "2026-03-03T10:00:00+03:00"
    assert event["extendedProperties"]["private"]["organizerTaskId"] == task_id
    stored = link(conn, task_id)
    assert stored is not None and stored["state"] == "linked"
    assert stored["ical_uid"] == event["iCalUID"] and stored["synced_version"] == 1

    service.execute(RetitleTask(task_id, "позвонить маме и папе"))
    drain(sync)
    [event] = calendar_server.live_events(CAL_ID)
    assert event["summary"] == "позвонить маме и папе"

    service.execute(CompleteTask(task_id))
    drain(sync)
    [event] = calendar_server.live_events(CAL_ID)
    assert (event["summary"], event["colorId"]) == ("✓ позвонить маме и папе", "8")

    service.execute(Undo("111"))  # reopened: the mark goes away again
    drain(sync)
    [event] = calendar_server.live_events(CAL_ID)
    assert event["summary"] == "позвонить маме и папе" and "colorId" not in event
    assert types(conn) == ["calendar.mode_changed", "calendar.inserting", "calendar.linked",
                           "calendar.updated", "calendar.updated", "calendar.updated"]
    assert verify(conn).differences == []


def test_cancel_then_undo_ends_with_one_live_event_on_a_new_generation(
    settings: Settings, conn: sqlite3.Connection, service: TaskService, clock: Clock,
    calendar_server: CalendarServer,
) -> None:
    sync = make_sync(settings, conn, clock)
    task_id = add(service, "купить хлеб")
    drain(sync)
    service.execute(CancelTask(task_id))
    drain(sync)
    assert calendar_server.live_events(CAL_ID) == []
    assert link(conn, task_id)["state"] == "deleted"  # type: ignore[index]
    service.execute(Undo("111"))
    drain(sync)
    [event] = calendar_server.live_events(CAL_ID)
    assert event["id"] == event_id(CAL_ID, task_id, 1)
    assert link(conn, task_id)["generation"] == 1  # type: ignore[index]
    tombstone = calendar_server.calendars[CAL_ID].events[event_id(CAL_ID, task_id, 0)]
    assert tombstone["status"] == "cancelled"


def test_an_event_deleted_by_hand_comes_back_once_on_the_next_change(
    settings: Settings, conn: sqlite3.Connection, service: TaskService, clock: Clock,
    calendar_server: CalendarServer,
) -> None:
    sync = make_sync(settings, conn, clock)
    task_id = add(service, "отчёт")
    drain(sync)
    calendar_server.delete_by_hand(CAL_ID, event_id(CAL_ID, task_id, 0))
    service.execute(RetitleTask(task_id, "квартальный отчёт"))
    drain(sync)
    [event] = calendar_server.live_events(CAL_ID)
    assert event["id"] == event_id(CAL_ID, task_id, 1)
    assert event["summary"] == "квартальный отчёт"


def test_an_insert_whose_answer_is_lost_is_adopted_not_duplicated(
    settings: Settings, conn: sqlite3.Connection, service: TaskService, clock: Clock,
    calendar_server: CalendarServer,
) -> None:
    sync = make_sync(settings, conn, clock)
    drain(sync)
    calendar_server.inject("after")  # committed, then 503
    calendar_server.inject("slow")  # committed, answered past the 1 s timeout
    first = add(service, "первая")
    second = add(service, "вторая")
    drain(sync)
    live = calendar_server.live_by_task(CAL_ID)
    assert sorted(live) == sorted([first, second])
    assert all(len(events) == 1 for events in live.values())
    assert link(conn, first)["state"] == link(conn, second)["state"] == "linked"  # type: ignore[index]


def test_a_failure_is_recorded_and_the_sweep_retries_with_the_same_id(
    settings: Settings, conn: sqlite3.Connection, service: TaskService, clock: Clock,
    calendar_server: CalendarServer,
) -> None:
    sync = make_sync(settings, conn, clock)
    drain(sync)
    calendar_server.inject("after")
    calendar_server.inject("429", times=4)  # the retries run out; the event did land
    task_id = add(service, "встреча")
    drain(sync)
    failed = link(conn, task_id)
    assert failed is not None and failed["state"] == "failed" and "429" in failed["last_error"]
    assert sync.outage is not None
    sync.next_sweep = 0.0  # the backoff has passed
    drain(sync)
    assert link(conn, task_id)["state"] == "linked"  # type: ignore[index]
    assert [len(v) for v in calendar_server.live_by_task(CAL_ID).values()] == [1]
    assert sync.outage is None


def test_not_configured_is_quiet_and_tasks_sync_once_configured(
    make_settings, sa_email: str, clock: Clock, calendar_server: CalendarServer,
    caplog,
) -> None:
    from organizer.store.db import connect

    off = make_settings(GOOGLE_CALENDAR_ID="")
    conn = connect(off.db_path)
    service = TaskService(conn, clock)
    ids = [add(service, f"задача {n}") for n in range(3)]
    sync = make_sync(off, conn, clock)
    for _ in range(3):
        drain(sync)
    assert calendar_server.requests == []
    assert [r for r in caplog.records if r.levelname in ("WARNING", "ERROR")] == []
    assert cm.current_mode(conn, off)[0] == cm.NOT_CONFIGURED
    assert types(conn) == []

    on = make_settings()
    sync = make_sync(on, conn, clock)
    drain(sync)
    assert sorted(calendar_server.live_by_task(CAL_ID)) == sorted(ids)
    assert cm.current_mode(conn, on)[0] == cm.CONFIGURED
    conn.close()


def test_the_event_summary_keeps_what_the_person_wrote(
    settings: Settings, conn: sqlite3.Connection, service: TaskService, clock: Clock,
    calendar_server: CalendarServer,
) -> None:
    from organizer.app.understand import read_task

    written = {"завтра в 10 купить молоко 🍎": "купить молоко 🍎",
               "завтра в 11 '; DROP TABLE tasks; --": "'; DROP TABLE tasks; --",
               "завтра в 12 לקנות חלב": "לקנות חלב",
               "завтра в 13 прочитать «Войну и мир» 📚": "прочитать «Войну и мир» 📚"}
    sync = make_sync(settings, conn, clock)
    for text in written:
        outcome = service.execute(read_task(text, "111", settings, now=clock()))
        assert outcome.task is not None
    drain(sync)
    summaries = sorted(e["summary"] for e in calendar_server.live_events(CAL_ID))
    assert summaries == sorted(written.values())


def test_a_task_the_calendar_cannot_hold_is_recorded_once_and_the_rest_sync(
    settings: Settings, conn: sqlite3.Connection, service: TaskService, clock: Clock,
    calendar_server: CalendarServer,
) -> None:
    from datetime import date, time

    from organizer.api.checks import calendar as calendar_check
    from organizer.domain.commands import RescheduleTask

    sync = make_sync(settings, conn, clock)
    salute = add(service, "салют", day="9999-12-31", at="23:59")  # its 30 minutes end in 10000
    later = add(service, "позвонить маме")
    drain(sync)
    [event] = calendar_server.live_events(CAL_ID)
    assert event["summary"] == "позвонить маме"
    stored = link(conn, salute)
    assert stored is not None and stored["state"] == "unsyncable"
    assert "cannot hold" in stored["last_error"] and stored["calendar_event_id"] is None
    assert {t.id: t.not_in_calendar for t in service.list("111")} == {salute: True,
                                                                           later: False}
    check = calendar_check(conn, settings)
    assert check.detail["not_syncable"] == 1 and "1 task(s) not syncable" in check.reason

    restarted = make_sync(settings, conn, clock)  # its first sweep looks at every task
    drain(restarted)
    drain(sync)
    assert types(conn).count("calendar.unsyncable") == 1  # recorded once, not every pass
    assert verify(conn).differences == []

    service.execute(RescheduleTask(salute, date(2026, 3, 4), time(9, 0), "Europe/Moscow"))
    drain(sync)
    assert sorted(e["summary"] for e in calendar_server.live_events(CAL_ID)) == [
        "позвонить маме", "салют"]
    assert "not_syncable" not in calendar_check(conn, settings).detail
    assert verify(conn).differences == []


def test_the_owner_is_told_once_that_the_calendar_cannot_hold_the_task(
    settings: Settings, conn: sqlite3.Connection, service: TaskService, clock: Clock,
) -> None:
    from organizer.canon import load_canon
    from organizer.reminders.loop import Reminders
    from organizer.telegram import BotSender
    from tests.fakes.telegram_server import FakeTelegram
    from tests.worker.conftest import TOKEN, UNPACED

    add(service, "салют", day="9999-12-31", at="23:59")
    add(service, "позвонить маме")
    drain(make_sync(settings, conn, clock))
    canon = load_canon(settings.canon_path)
    with FakeTelegram(tokens=[TOKEN]) as tg:
        sender = BotSender(tg.base_url, TOKEN, pacer=UNPACED())
        try:
            for _ in range(2):  # a second pass, and a restarted worker, say nothing more
                reminders = Reminders(settings, conn, sender, clock=clock, canon=lambda: canon)
                assert reminders.step() == 0.0
                assert reminders.step() == 0.0
        finally:
            sender.close()
        [message] = tg.sent
    assert message["chat"]["id"] == 111
    assert message["text"] == canon.reply("calendar_unsyncable", "ru", number=1, title="салют")
    assert "салют" in message["text"]
