"""Repeating tasks in the pure domain: given events, when a command, then events."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time

import pytest

from organizer.domain import commands as c
from organizer.domain import events as e
from organizer.domain import tasks as t
from organizer.errors import InvalidRepeat, InvalidTransition

TZ = "Europe/Moscow"
BERLIN = "Europe/Berlin"


def add(rule: str, day: date, at: time | None = time(9, 0), tz: str = TZ) -> list[e.Event]:
    return t.decide(c.AddTask("42", "планерка", day, at, tz, task_id="t1", number=1,
                              repeat=rule), None)


def state(*events: e.Event) -> t.TaskState:
    folded = t.fold(events)
    assert folded is not None
    return folded


def dones(rule: str, day: date, at: time | None = time(9, 0), n: int = 4,
          tz: str = TZ) -> list[tuple[str | None, str | None]]:
    """The due (date, time) after each of n "done"s."""
    history = add(rule, day, at, tz)
    seen = []
    for _ in range(n):
        [event] = t.decide(c.CompleteTask("t1"), state(*history))
        history.append(event)
        if isinstance(event, e.TaskCompleted):
            seen.append(("done", None))
            break
        assert isinstance(event, e.TaskAdvanced) and event.reason == "done"
        seen.append((event.due_date, event.due_time))
    return seen


def test_a_repeating_task_keeps_its_normalised_rule() -> None:
    [created] = add("rrule:freq=weekly; byday=MO", date(2026, 12, 7))
    assert isinstance(created, e.TaskCreated) and created.repeat == "FREQ=WEEKLY;BYDAY=MO"
    folded = state(created)
    assert (folded.repeat_start, folded.repeat_slot) == ("2026-12-07T09:00", "2026-12-07T09:00")


def test_weekly_done_moves_to_next_monday_and_stays_open() -> None:
    assert dones("FREQ=WEEKLY;BYDAY=MO", date(2026, 12, 7), n=2) == [
        ("2026-12-14", "09:00"), ("2026-12-21", "09:00")]


def test_a_list_of_weekdays() -> None:
    assert dones("FREQ=WEEKLY;BYDAY=MO,WE,FR", date(2026, 12, 7)) == [
        ("2026-12-09", "09:00"), ("2026-12-11", "09:00"), ("2026-12-14", "09:00"),
        ("2026-12-16", "09:00")]


def test_daily_monthly_and_intervals() -> None:
    assert dones("FREQ=DAILY", date(2026, 12, 30), time(8, 0), n=3) == [
        ("2026-12-31", "08:00"), ("2027-01-01", "08:00"), ("2027-01-02", "08:00")]
    assert dones("FREQ=MONTHLY;BYMONTHDAY=31", date(2027, 1, 31), None, n=3) == [
        ("2027-03-31", None), ("2027-05-31", None), ("2027-07-31", None)]
    assert dones("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", date(2026, 11, 30), n=2) == [
        ("2026-12-14", "09:00"), ("2026-12-28", "09:00")]
    assert dones("FREQ=HOURLY;INTERVAL=2", date(2026, 11, 30), time(22, 0), n=2) == [
        ("2026-12-01", "00:00"), ("2026-12-01", "02:00")]


def test_count_and_until_end_the_series_with_a_real_done() -> None:
    assert dones("FREQ=DAILY;COUNT=3", date(2026, 12, 1), n=5) == [
        ("2026-12-02", "09:00"), ("2026-12-03", "09:00"), ("done", None)]
    assert dones("FREQ=DAILY;UNTIL=20261202T235959Z", date(2026, 12, 1), n=5) == [
        ("2026-12-02", "09:00"), ("done", None)]


def test_wall_clock_time_is_kept_across_dst() -> None:
    [advanced] = dones("FREQ=WEEKLY;BYDAY=SU", date(2026, 3, 22), time(9, 0), n=1, tz=BERLIN)
    assert advanced == ("2026-03-29", "09:00")  # Berlin moves to summer time that night
    history = add("FREQ=WEEKLY;BYDAY=SU", date(2026, 3, 22), time(9, 0), BERLIN)
    [event] = t.decide(c.CompleteTask("t1"), state(*history))
    assert isinstance(event, e.TaskAdvanced)
    assert history[0].due_at == "2026-03-22T08:00:00Z"  # type: ignore[attr-defined]
    assert event.due_at == "2026-03-29T07:00:00Z"


def test_reschedule_moves_this_time_only_and_the_series_continues() -> None:
    history = add("FREQ=WEEKLY;BYDAY=MO", date(2026, 12, 7))
    history += t.decide(c.RescheduleTask("t1", date(2026, 12, 8), time(15, 0), TZ),
                        state(*history))
    [event] = t.decide(c.CompleteTask("t1"), state(*history))
    assert isinstance(event, e.TaskAdvanced)
    assert (event.due_date, event.due_time, event.occurrence) == (
        "2026-12-14", "09:00", "2026-12-14T09:00")
    # moved back before its day: done still goes on to the following Monday
    history = add("FREQ=WEEKLY;BYDAY=MO", date(2026, 12, 7))
    history += t.decide(c.RescheduleTask("t1", date(2026, 12, 6), time(9, 0), TZ),
                        state(*history))
    [event] = t.decide(c.CompleteTask("t1"), state(*history))
    assert (event.due_date, event.due_time) == ("2026-12-14", "09:00")  # type: ignore[attr-defined]


def test_undo_of_an_advance_moves_it_back() -> None:
    history = add("FREQ=DAILY", date(2026, 12, 1))
    history += t.decide(c.CompleteTask("t1"), state(*history))
    recorded = [t.Recorded(i + 1, ev) for i, ev in enumerate(history)]
    target = t.undo_target(list(reversed(recorded)))
    assert target.position == 2
    [back] = t.decide_undo(target, state(*history))
    assert isinstance(back, e.TaskAdvanced) and back.undo_of == 2 and back.reason == "undo"
    after = state(*history, back)
    assert (after.due_date, after.due_time, after.repeat_slot, after.status) == (
        "2026-12-01", "09:00", "2026-12-01T09:00", "open")
    [again] = t.decide(c.CompleteTask("t1"), after)
    assert again.due_date == "2026-12-02"  # type: ignore[attr-defined]


def test_cancel_cancels_the_series() -> None:
    history = add("FREQ=DAILY", date(2026, 12, 1))
    [cancelled] = t.decide(c.CancelTask("t1"), state(*history))
    assert isinstance(cancelled, e.TaskCancelled)
    with pytest.raises(InvalidTransition):
        t.decide(c.CompleteTask("t1"), state(*history, cancelled))


def test_missed_occurrences_are_passed_when_a_later_ones_reminder_time_comes() -> None:
    history = add("FREQ=DAILY", date(2026, 12, 1), time(8, 0))  # 05:00Z each day
    folded = state(*history)
    early = datetime(2026, 12, 2, 4, 44, tzinfo=UTC)  # 07:44 Moscow, lead 15: not yet
    assert t.decide(c.AdvanceMissed("t1", early, 15), folded) == []
    [moved] = t.decide(c.AdvanceMissed("t1", early.replace(minute=45), 15), folded)
    assert isinstance(moved, e.TaskAdvanced) and moved.reason == "missed"
    assert (moved.due_date, moved.due_at) == ("2026-12-02", "2026-12-02T05:00:00Z")
    # three days later: straight to the occurrence whose time has come, past the others
    [far] = t.decide(c.AdvanceMissed("t1", datetime(2026, 12, 4, 6, 0, tzinfo=UTC), 0), folded)
    assert far.due_date == "2026-12-04"  # type: ignore[attr-defined]
    # the person's undo passes the worker's advance by
    recorded = [t.Recorded(1, history[0]), t.Recorded(2, moved)]
    assert t.undo_target(list(reversed(recorded))).position == 1


def test_a_date_only_series_repeats_by_day() -> None:
    assert dones("FREQ=DAILY", date(2026, 12, 1), None, n=2) == [
        ("2026-12-02", None), ("2026-12-03", None)]
    folded = state(*add("FREQ=DAILY", date(2026, 12, 1), None))
    [moved] = t.decide(c.AdvanceMissed("t1", datetime(2026, 12, 2, 0, 5, tzinfo=UTC), 15),
                       folded)  # 03:05 Moscow on the 2nd: the new day has begun
    assert (moved.due_date, moved.due_time) == ("2026-12-02", None)  # type: ignore[attr-defined]


@pytest.mark.parametrize("rule, says", [
    ("FREQ=SOMETIMES", "needs FREQ="),
    ("FREQ=DAILY;BYFOO=1", "cannot follow: BYFOO"),
    ("FREQ=WEEKLY;BYDAY=XX", "cannot be read"),
    ("FREQ=DAILY;INTERVAL=x", "cannot be read"),
    ("FREQ=DAILY;" + "BYHOUR=1;" * 80, "too long"),
    ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "no such month has"),
    ("FREQ=MINUTELY;BYMONTHDAY=30", "hourly or finer"),
])
def test_a_rule_that_cannot_be_computed_is_one_clear_error(rule: str, says: str) -> None:
    with pytest.raises(InvalidRepeat, match=says) as caught:
        add(rule, date(2026, 12, 7))
    assert "\n" not in str(caught.value)


def test_a_repeating_task_needs_a_first_date() -> None:
    with pytest.raises(InvalidTransition, match="first time"):
        add("FREQ=DAILY", None, None)  # type: ignore[arg-type]


def test_a_task_created_by_older_code_is_upcast_without_repeat() -> None:
    v2 = {"task_id": "t1", "owner": "42", "number": 1, "title": "x", "due_date": "2026-12-01",
          "due_time": None, "due_at": None, "tz": TZ, "source_text": None}
    event = e.decode("task.created", 2, json.dumps(v2))
    assert isinstance(event, e.TaskCreated) and event.repeat is None
    v1 = {"task_id": "t1", "owner": "42", "number": 1, "title": "x", "due": "2026-12-01T10:00",
          "tz": TZ, "text": "x"}
    old = e.decode("task.created", 1, json.dumps(v1))
    assert isinstance(old, e.TaskCreated) and old.repeat is None and old.due_time == "10:00"
    assert e.SCHEMA_VERSIONS["task.created"] == 3


def test_a_count_of_times_in_a_period_repeats_at_each_of_its_times() -> None:
    # what the parser gives for "2 раза в день" / "2 раза в месяц" (time.repeat.times)
    assert dones("FREQ=DAILY;BYHOUR=9,19", date(2026, 12, 7), time(19, 0), n=3) == [
        ("2026-12-08", "09:00"), ("2026-12-08", "19:00"), ("2026-12-09", "09:00")]
    assert dones("FREQ=MONTHLY;BYMONTHDAY=1,15", date(2026, 12, 15), None, n=2) == [
        ("2027-01-01", None), ("2027-01-15", None)]
