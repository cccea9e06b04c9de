"""Given events, when a command, then events: the pure task domain."""

from __future__ import annotations

from datetime import date, time

import pytest

from organizer.domain import commands as c
from organizer.domain import events as e
from organizer.domain import tasks as t
from organizer.errors import InvalidTransition, NoteTooLong, NothingToUndo

TZ = "Europe/Moscow"


def created(number: int = 1, due_time: str | None = "10:00") -> e.TaskCreated:
    return e.TaskCreated(task_id="t1", owner="42", number=number, title="позвонить маме",
                         due_date="2026-11-29", due_time=due_time,
                         due_at=t.due_at_utc("2026-11-29", due_time, TZ), tz=TZ)


def state_after(*events: e.Event) -> t.TaskState:
    state = t.fold(events)
    assert state is not None
    return state


def test_add_task_computes_utc_due_from_local_time() -> None:
    [event] = t.decide(c.AddTask("42", "  позвонить   маме ", date(2026, 11, 29), time(10, 0), TZ,
                                 task_id="t1", number=1), None)
    assert event == created()
    assert event.due_at == "2026-11-29T07:00:00Z"


def test_date_without_time_has_no_due_at() -> None:
    [event] = t.decide(c.AddTask("42", "купить 2 кг картошки", date(2026, 11, 29), None, TZ,
                                 task_id="t1", number=1), None)
    assert isinstance(event, e.TaskCreated)
    assert (event.due_date, event.due_time, event.due_at) == ("2026-11-29", None, None)


def test_empty_title_is_refused() -> None:
    with pytest.raises(InvalidTransition, match="needs a title"):
        t.decide(c.AddTask("42", "   ", None, None, TZ, task_id="t1", number=1), None)


def test_complete_then_complete_again_is_refused() -> None:
    state = state_after(created())
    assert t.decide(c.CompleteTask("t1"), state) == [e.TaskCompleted(task_id="t1")]
    done = state_after(created(), e.TaskCompleted(task_id="t1"))
    with pytest.raises(InvalidTransition, match="already done"):
        t.decide(c.CompleteTask("t1"), done)


def test_completing_a_cancelled_task_is_refused() -> None:
    cancelled = state_after(created(), e.TaskCancelled(task_id="t1"))
    with pytest.raises(InvalidTransition, match="cancelled"):
        t.decide(c.CompleteTask("t1"), cancelled)


def test_reopen_only_closed_tasks() -> None:
    with pytest.raises(InvalidTransition, match="already open"):
        t.decide(c.ReopenTask("t1"), state_after(created()))
    done = state_after(created(), e.TaskCompleted(task_id="t1"))
    assert t.decide(c.ReopenTask("t1"), done) == [
        e.TaskReopened(task_id="t1", previous_status="done")
    ]


def test_reschedule_records_previous_due() -> None:
    [event] = t.decide(c.RescheduleTask("t1", date(2026, 12, 1), time(18, 30), TZ),
                       state_after(created()))
    assert isinstance(event, e.TaskRescheduled)
    assert (event.due_date, event.due_time, event.due_at) == ("2026-12-01", "18:30",
                                                              "2026-12-01T15:30:00Z")
    assert (event.previous_due_date, event.previous_due_time) == ("2026-11-29", "10:00")


def test_retitle_to_same_title_is_a_no_op() -> None:
    assert t.decide(c.RetitleTask("t1", "позвонить маме"), state_after(created())) == []


def test_undo_walks_back_through_uncompensated_actions() -> None:
    history = [t.Recorded(1, created()), t.Recorded(2, e.TaskCompleted(task_id="t1"))]
    target = t.undo_target(list(reversed(history)))
    assert target.position == 2
    state = state_after(created(), e.TaskCompleted(task_id="t1"))
    [undo] = t.decide_undo(target, state)
    assert undo == e.TaskReopened(task_id="t1", previous_status="done", undo_of=2)
    history.append(t.Recorded(3, undo))
    assert t.undo_target(list(reversed(history))).position == 1
    history.append(t.Recorded(4, e.TaskCancelled(task_id="t1", undo_of=1)))
    with pytest.raises(NothingToUndo):
        t.undo_target(list(reversed(history)))


def test_undo_of_reschedule_restores_the_previous_due() -> None:
    moved = e.TaskRescheduled(task_id="t1", due_date="2026-12-01", due_time=None, due_at=None,
                              tz=TZ, previous_due_date="2026-11-29", previous_due_time="10:00",
                              previous_due_at="2026-11-29T07:00:00Z")
    [undo] = t.decide_undo(t.Recorded(2, moved), state_after(created(), moved))
    assert isinstance(undo, e.TaskRescheduled)
    assert (undo.due_date, undo.due_time, undo.due_at) == ("2026-11-29", "10:00",
                                                           "2026-11-29T07:00:00Z")


def test_a_note_bumps_the_version_and_its_undo_takes_it_back() -> None:
    [noted] = t.decide(c.NoteTask("t1", "  код домофона 45К "), state_after(created()))
    assert noted == e.TaskNoted(task_id="t1", text="код домофона 45К")
    state = state_after(created(), noted)
    assert state.version == 2 and state.title == "позвонить маме"
    target = t.undo_target([t.Recorded(2, noted), t.Recorded(1, created())])
    [undo] = t.decide_undo(target, state)
    assert undo == e.TaskNoteRemoved(task_id="t1", note=2, text="код домофона 45К", undo_of=2)
    assert state_after(created(), noted, undo).version == 3


def test_a_note_too_long_or_empty_is_refused() -> None:
    with pytest.raises(NoteTooLong) as caught:
        t.decide(c.NoteTask("t1", "x" * (t.MAX_NOTE + 1)), state_after(created()))
    assert (caught.value.length, caught.value.limit) == (4001, 4000)
    assert t.decide(c.NoteTask("t1", "x" * t.MAX_NOTE), state_after(created()))
    with pytest.raises(InvalidTransition):
        t.decide(c.NoteTask("t1", " \n "), state_after(created()))


def test_events_round_trip_through_their_stable_type_strings() -> None:
    event = created()
    raw = e.encode(event)
    assert b'"type":"task.created"' in raw
    assert e.decode("task.created", 2, raw) == event


def test_v1_task_created_is_upcast() -> None:
    v1 = ('{"type":"task.created","task_id":"t1","owner":"42","number":1,'
          '"title":"позвонить маме","due":"2026-11-29T10:00","tz":"Europe/Moscow",'
          '"text":"завтра в 10 позвонить маме"}')
    event = e.decode("task.created", 1, v1)
    assert isinstance(event, e.TaskCreated)
    assert (event.due_date, event.due_time, event.due_at) == ("2026-11-29", "10:00",
                                                              "2026-11-29T07:00:00Z")
    assert event.source_text == "завтра в 10 позвонить маме"


def test_unknown_event_type_names_its_position() -> None:
    from organizer.errors import ReplayError

    with pytest.raises(ReplayError, match="position 17 has unknown type 'task.exploded'"):
        e.decode("task.exploded", 1, "{}", position=17)


@pytest.mark.parametrize("title", ["", "   ", "\n\t"])
def test_a_task_cannot_be_renamed_to_nothing(title: str) -> None:
    with pytest.raises(InvalidTransition, match="a title cannot be empty"):
        t.decide(c.RetitleTask("t1", title), state_after(created()))


def test_history_says_what_made_each_change() -> None:
    from organizer.domain.history import Change, history

    moved = e.TaskRescheduled(task_id="t1", due_date="2026-12-09", due_time="11:00",
                              due_at=None, tz=TZ, previous_due_date="2026-12-08",
                              previous_due_time="10:00", previous_due_at=None)
    missed = e.TaskAdvanced(task_id="t1", reason="missed", due_date="2026-12-10",
                            due_time="10:00", due_at=None, tz=TZ, occurrence="2026-12-10T10:00",
                            previous_due_date="2026-12-09", previous_due_time="10:00",
                            previous_due_at=None, previous_occurrence="2026-12-09T10:00")
    told = history([
        (created(), {"channel": "telegram", "source_text": "позвонить маме"}, "a"),
        (moved, {"via": "reminder.snooze"}, "b"),
        (e.ReminderSent(task_id="t1", due_at="x"), {}, "c"),  # no change of the task
        (missed, {"via": "worker.missed"}, "d"),
        (e.TaskCompleted(task_id="t1"), {"channel": "telegram", "source_text": "[button] d"}, "e"),
        (e.TaskReopened(task_id="t1", previous_status="done", undo_of=9), {"channel": "cli"}, "f"),
        (e.TaskCancelled(task_id="t1"), {"channel": "cli"}, "g"),
        (e.TaskNoted(task_id="t1", text="n"), {}, "h"),
        (e.TaskNoted(task_id="t1", text="v"), {"channel": "telegram", "source": "voice"}, "i"),
        (e.TaskNoted(task_id="t1", text="r"), {"channel": "telegram", "source": "reply"}, "j"),
    ])
    assert [(c.at, c.what, c.via) for c in told] == [
        ("a", "created", "message"), ("b", "moved", "reminder"), ("d", "missed", "worker"),
        ("e", "done", "button"), ("f", "reopened", "undo"), ("g", "cancelled", "cli"),
        ("h", "noted", ""), ("i", "noted", "voice"), ("j", "noted", "reply"),
    ]
    assert told[1] == Change("b", "moved", "reminder", {
        "from_date": "2026-12-08", "from_time": "10:00", "to_date": "2026-12-09",
        "to_time": "11:00"})
