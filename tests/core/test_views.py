"""The read model (organizer.store.views, organizer.store.log_facts) on real SQLite files,
its rows written through the one write path."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, date, datetime, time

import msgspec
import pytest

from organizer.app.tasks import TaskService
from organizer.app.users import UserService
from organizer.calendar.sync import outcome_decision
from organizer.domain import commands as c
from organizer.domain import events as e
from organizer.store import log_facts, views
from organizer.store.commit import commit
from organizer.store.db import transaction
from organizer.store.events import EventStore
from organizer.store.projections import LINK_COLUMNS, TASK_COLUMNS

NOW = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
TZ = "Europe/Moscow"


@pytest.fixture
def service(db: sqlite3.Connection) -> TaskService:
    return TaskService(db, clock=lambda: NOW)


def adder(service: TaskService) -> Callable[..., views.TaskView]:
    def add(owner: str, title: str, day: date | None = None, at: time | None = None,
            repeat: str | None = None) -> views.TaskView:
        outcome = service.execute(c.AddTask(owner, title, day, at, TZ, repeat=repeat))
        assert outcome.task is not None
        return outcome.task
    return add


def linked(db: sqlite3.Connection, task: views.TaskView, *events: e.Event) -> None:
    commit(db, outcome_decision(task.id, task.owner, list(events)), now=lambda: NOW)


def test_a_task_view_has_the_columns_of_tasks_then_its_calendar_facts() -> None:
    assert set(views.VIEW_TASK_COLUMNS) == set(TASK_COLUMNS)
    assert views.TaskView.__struct_fields__ == (*views.VIEW_TASK_COLUMNS, "calendar_event_id",
                                                "not_in_calendar")
    assert views.LinkView.__struct_fields__ == LINK_COLUMNS


def test_tasks_are_records_by_owner_and_number_open_unless_asked(
        db: sqlite3.Connection, service: TaskService) -> None:
    add = adder(service)
    milk = add("42", "купить молоко", date(2026, 3, 4), time(10, 0))
    bread = add("42", "купить хлеб")
    other = add("7", "чужая")
    service.execute(c.CompleteTask(bread.id))
    assert [t.title for t in views.tasks(db, "42")] == ["купить молоко"]
    assert [(t.number, t.status) for t in views.tasks(db, "42", include_closed=True)] == [
        (1, "open"), (2, "done")]
    assert [t.id for t in views.tasks(db, include_closed=True)] == [milk.id, bread.id, other.id]
    found = views.task(db, milk.id)
    assert found == milk  # what the write path returns is what a read gives
    assert (found.due_date, found.due_time, found.due_at, found.tz) == (
        "2026-03-04", "10:00", "2026-03-04T07:00:00Z", TZ)
    assert (found.calendar_event_id, found.not_in_calendar) == (None, False)
    assert views.task(db, "no-such-task") is None
    with pytest.raises(AttributeError):
        found.title = "x"  # type: ignore[misc]  # records are frozen


def test_to_dict_keeps_the_json_fields_and_their_order(
        db: sqlite3.Connection, service: TaskService) -> None:
    task = adder(service)("42", "позвонить маме", date(2026, 3, 4), time(10, 0))
    as_dict = task.to_dict()
    assert list(as_dict) == [  # what `task list --json` has always printed, in this order
        "id", "owner", "number", "title", "status", "due_date", "due_time", "due_at", "tz",
        "source_text", "created_at", "updated_at", "version", "repeat", "repeat_start",
        "repeat_slot", "calendar_event_id", "not_in_calendar"]
    assert as_dict["title"] == "позвонить маме" and as_dict["not_in_calendar"] is False
    assert msgspec.json.decode(msgspec.json.encode(task), type=views.TaskView) == task


def test_a_task_the_calendar_cannot_hold_is_marked_until_it_changes(
        db: sqlite3.Connection, service: TaskService) -> None:
    add = adder(service)
    far = add("42", "салют", date(9999, 12, 31), time(23, 59))
    near = add("42", "позвонить", date(2026, 3, 4), time(10, 0))
    linked(db, near, e.CalendarLinked(task_id=near.id, event_id="ev1", ical_uid="ev1@google",
                                      task_version=1))
    linked(db, far, e.CalendarUnsyncable(task_id=far.id, reason="past 9999", task_version=1))
    marks = {t.title: (t.calendar_event_id, t.not_in_calendar) for t in views.tasks(db, "42")}
    assert marks == {"салют": (None, True), "позвонить": ("ev1", False)}
    assert views.unsyncable_count(db) == 1
    untold = views.unsyncable_untold(db, "told:")
    assert [(u.id, u.owner, u.number, u.title, u.version) for u in untold] == [
        (far.id, "42", 1, "салют", 1)]
    with transaction(db):
        EventStore(db).remember(f"told:{far.id}:1", f"calendar-{far.id}", [], {}, NOW)
    assert views.unsyncable_untold(db, "told:") == []
    service.execute(c.RetitleTask(far.id, "салют!"))  # a new version: the calendar may try again
    assert views.unsyncable_count(db) == 0
    assert not views.task(db, far.id).not_in_calendar  # type: ignore[union-attr]


def test_references_numbers_and_history(db: sqlite3.Connection, service: TaskService) -> None:
    add = adder(service)
    assert views.next_number(db, "42") == 1 and views.last_task_id(db, "42", ("open",)) is None
    first = add("42", "раз")
    second = add("42", "два")
    add("7", "чужая")
    service.execute(c.CompleteTask(second.id))
    assert views.next_number(db, "42") == 3 and views.next_number(db, "7") == 2
    assert views.last_task_id(db, "42", ("open",)) == first.id
    assert views.last_task_id(db, "42", ("done", "cancelled")) == second.id
    assert views.task_id_by_number(db, "42", 2) == second.id
    assert views.task_id_by_number(db, "7", 2) is None
    history = views.owner_history(db, "42", ("task.created", "task.completed"))
    assert [(h.type, h.stream) for h in history] == [
        ("task.completed", f"task-{second.id}"), ("task.created", f"task-{second.id}"),
        ("task.created", f"task-{first.id}")]
    assert views.task_counts(db) == {"open": 2, "done": 1}


def test_user_settings_default_to_nothing_chosen(db: sqlite3.Connection) -> None:
    assert views.user_settings(db, "42") == views.UserSettings("42", None, None, None, None)
    users = UserService(db, clock=lambda: NOW)
    users.set_tz("42", "Europe/Berlin")
    users.set_lead("42", 30)
    assert views.user_settings(db, "42") == views.UserSettings("42", "Europe/Berlin", None, 30,
                                                               None)


def test_due_reminders_take_each_owners_lead_and_skip_what_was_sent(
        db: sqlite3.Connection, service: TaskService) -> None:
    add = adder(service)
    soon = add("42", "скоро", date(2026, 3, 3), time(12, 20))  # 09:20 UTC
    later = add("42", "позже", date(2026, 3, 3), time(13, 0))  # 10:00 UTC
    other = add("7", "чужая", date(2026, 3, 3), time(12, 10))  # 09:10 UTC
    add("42", "без времени", date(2026, 3, 3))
    UserService(db, clock=lambda: NOW).set_lead("7", 0)
    now = "2026-03-03 09:05:00"
    due = views.due_reminders(db, now, 30, 100)  # a 30-minute lead, 0 for owner 7
    assert [d.id for d in due] == [soon.id]
    UserService(db, clock=lambda: NOW).set_lead("7", 10)
    due = views.due_reminders(db, now, 60, 100)
    assert [d.id for d in due] == [other.id, soon.id, later.id]  # each chat's first, then more
    assert (due[1].owner, due[1].number, due[1].title, due[1].due_at, due[1].lead_min) == (
        "42", 1, "скоро", "2026-03-03T09:20:00Z", None)
    assert due[0].lead_min == 10
    assert [d.id for d in views.due_reminders(db, now, 60, 1)] == [other.id]
    with transaction(db):
        EventStore(db).remember(f"reminder:{soon.id}:{soon.due_at}", f"reminder-{soon.id}", [],
                                {}, NOW)
    service.execute(c.CancelTask(later.id))
    assert [d.id for d in views.due_reminders(db, now, 60, 100)] == [other.id]


def test_repeating_tasks_past_their_occurrence(db: sqlite3.Connection,
                                               service: TaskService) -> None:
    add = adder(service)
    daily = add("42", "таблетка", date(2026, 3, 2), time(8, 0), repeat="FREQ=DAILY")
    add("42", "завтра", date(2026, 3, 4), time(8, 0), repeat="FREQ=DAILY")
    add("42", "разово", date(2026, 3, 2), time(8, 0))
    undated = add("42", "без времени", date(2026, 3, 2), repeat="FREQ=WEEKLY;BYDAY=MO")
    past = views.repeating_past(db, "2026-03-03T09:00:00Z", "2026-03-03")
    assert {p.id for p in past} == {daily.id, undated.id}
    row = next(p for p in past if p.id == daily.id)
    assert (row.repeat, row.repeat_start, row.repeat_slot, row.due_date, row.due_time, row.tz,
            row.lead_min) == ("FREQ=DAILY", "2026-03-02T08:00", "2026-03-02T08:00",
                              "2026-03-02", "08:00", TZ, None)


def test_calendar_rows_carry_the_link_and_the_owners_languages(
        db: sqlite3.Connection, service: TaskService) -> None:
    add = adder(service)
    first = add("42", "раз", date(2026, 3, 4), time(10, 0))
    second = add("7", "два")
    UserService(db, clock=lambda: NOW).set_lang("42", "en")
    linked(db, first, e.CalendarLinked(task_id=first.id, event_id="ev1", ical_uid="u1",
                                       generation=2, task_version=1))
    rows = views.calendar_rows(db)
    assert [r.task.id for r in rows] == [first.id, second.id]
    assert rows[0].link == views.LinkView(first.id, "ev1", "u1", 2, "linked", None,
                                          rows[0].link.updated_at, 1)  # type: ignore[union-attr]
    assert (rows[0].lang, rows[0].tg_lang, rows[0].task.calendar_event_id) == ("en", None, "ev1")
    assert (rows[1].link, rows[1].lang) == (None, None)
    assert rows[1].task == views.task(db, second.id)
    assert views.calendar_rows(db, second.id) == [rows[1]]
    assert views.calendar_rows(db, "no-such-task") == []


def test_log_facts_count_and_date_the_log(db: sqlite3.Connection,
                                         service: TaskService) -> None:
    assert (log_facts.event_count(db), log_facts.last_position(db)) == (0, 0)
    assert log_facts.first_recorded_at(db) is None
    assert log_facts.latest_data(db, "calendar-mode") is None
    task = adder(service)("42", "раз")
    service.execute(c.CompleteTask(task.id))
    with transaction(db):
        store = EventStore(db)
        for mode in ("DEGRADED", "CONFIGURED"):
            store.append("calendar-mode", store.stream_version("calendar-mode"),
                         [e.CalendarModeChanged(mode=mode, reason=f"now {mode}")], now=NOW)
    assert log_facts.events_by_type(db) == {"task.created": 1, "task.completed": 1,
                                            "calendar.mode_changed": 2}
    assert (log_facts.event_count(db), log_facts.last_position(db)) == (4, 4)
    assert log_facts.first_recorded_at(db) == "2026-03-03T09:00:00.000000Z"
    data = log_facts.latest_data(db, "calendar-mode")
    assert data is not None and (data["mode"], data["reason"]) == ("CONFIGURED", "now CONFIGURED")
    assert log_facts.latest_migration(db) == sorted(
        row[0] for row in db.execute("SELECT name FROM schema_migrations"))[-1]
