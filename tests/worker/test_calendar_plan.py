"""The pure part of the calendar sync: ids and the plan for one task."""

from __future__ import annotations

from typing import Any

import pytest

from organizer.calendar.ids import event_id, is_valid_event_id
from organizer.calendar.plan import DONE_COLOR, event_body, plan
from organizer.store.views import LinkView, TaskView

CAL = "c@group.calendar.google.com"


def task(**over: Any) -> TaskView:
    row = {"id": "t1", "owner": "111", "number": 1, "title": "позвонить маме", "status": "open",
           "due_date": "2026-03-03", "due_time": "10:00", "due_at": "2026-03-03T07:00:00Z",
           "tz": "Europe/Moscow", "source_text": None, "created_at": "", "updated_at": "",
           "version": 1, "repeat": None, "repeat_start": None, "repeat_slot": None}
    return TaskView(**{**row, **over})


def link(**over: Any) -> LinkView:
    row = {"task_id": "t1", "calendar_event_id": event_id(CAL, "t1", 0), "ical_uid": None,
           "generation": 0, "state": "linked", "last_error": None, "updated_at": "",
           "synced_version": 1}
    return LinkView(**{**row, **over})


def test_event_ids_are_deterministic_base32hex_and_differ_by_generation_and_calendar() -> None:
    first = event_id(CAL, "t1", 0)
    assert first == event_id(CAL, "t1", 0)
    assert is_valid_event_id(first) and len(first) == 34 and first.endswith("g0")
    assert len({first, event_id(CAL, "t1", 1), event_id("other", "t1", 0),
                event_id(CAL, "t2", 0)}) == 4
    assert all(is_valid_event_id(event_id(CAL, f"task {n} ✓", n)) for n in range(50))


def test_a_new_task_with_a_time_is_inserted_at_generation_zero() -> None:
    action = plan(task(), None, CAL)
    assert action is not None
    assert (action.kind, action.event_id, action.generation, action.announced) == (
        "insert", event_id(CAL, "t1", 0), 0, False)
    assert action.body is not None
    assert action.body["start"] == {"dateTime": "2026-03-03T10:00:00+03:00",
                                    "timeZone": "Europe/Moscow"}
    assert action.body["end"]["dateTime"] == "2026-03-03T10:30:00+03:00"


def test_in_sync_needs_nothing_and_a_newer_version_is_patched() -> None:
    assert plan(task(), link(), CAL) is None
    action = plan(task(version=2, title="позвонить папе"), link(), CAL)
    assert action is not None and action.kind == "patch"
    assert action.body is not None and action.body["summary"] == "позвонить папе"


def test_done_is_shown_with_a_check_mark_and_graphite() -> None:
    body = event_body(task(status="done"))
    assert body["summary"] == "✓ позвонить маме" and body["colorId"] == DONE_COLOR
    assert event_body(task())["colorId"] is None  # a patch back to open clears the colour
    assert plan(task(status="done", version=2), None, CAL) is None


@pytest.mark.parametrize("change", [{"status": "cancelled"}, {"due_time": None, "due_at": None}])
def test_an_event_no_longer_wanted_is_deleted(change: dict[str, Any]) -> None:
    action = plan(task(version=2, **change), link(), CAL)
    assert action is not None and action.kind == "delete"
    assert plan(task(version=2, **change), None, CAL) is None
    assert plan(task(version=2, **change), link(state="deleted", synced_version=2), CAL) is None


def test_after_a_delete_the_next_generation_is_used() -> None:
    action = plan(task(version=3), link(state="deleted", synced_version=2), CAL)
    assert action is not None
    assert (action.kind, action.generation, action.event_id) == (
        "insert", 1, event_id(CAL, "t1", 1))


@pytest.mark.parametrize("state", ["inserting", "failed"])
def test_an_insert_that_may_have_landed_is_repeated_with_the_same_id(state: str) -> None:
    stored = link(state=state, calendar_event_id=event_id(CAL, "t1", 2), generation=2)
    action = plan(task(), stored, CAL)
    assert action is not None
    assert (action.kind, action.event_id, action.generation, action.announced) == (
        "insert", event_id(CAL, "t1", 2), 2, True)
    gone = plan(task(status="cancelled", version=2), stored, CAL)
    assert gone is not None and gone.kind == "delete"


def test_a_date_without_a_time_gets_no_event() -> None:
    assert plan(task(due_time=None, due_at=None), None, CAL) is None
