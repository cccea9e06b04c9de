"""What a task needs from the calendar, decided from two rows alone (pure).

A task has a calendar event while it is open or done and has a due time.
An open task's event is titled like the task; a done task's event stays in
the calendar, titled "✓ <title>" and painted graphite (colorId 8), so the day
still shows what was done. A cancelled task, or one whose due time was
removed, has its event deleted. A done task that never had an event gets none.

A task whose event cannot be built (its 30 minutes end past year 9999) gets
the action `unsyncable`: the worker records that, makes no call, and plans
nothing more for it until the task changes.

The link row says what the worker last did: `inserting` and `failed` mean an
event with that id may exist (an insert whose answer was lost may have
landed), so the worker inserts the same id again and a 409 tells it to adopt
the event. `deleted` means that id is a tombstone forever, so a task needing
an event again moves to the next generation (see organizer.calendar.ids).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from organizer.calendar.ids import event_id
from organizer.store.views import LinkView, TaskView

Row = dict[str, Any]
EVENT_MINUTES = 30
DONE_PREFIX = "✓ "
DONE_COLOR = "8"  # graphite
TASK_PROPERTY = "organizerTaskId"
MAYBE_EXISTS = ("inserting", "failed")


@dataclass(frozen=True)
class Action:
    """One call to make: insert a generation, patch or delete an event."""

    kind: str  # "insert" | "patch" | "delete" | "unsyncable" (no call: record it)
    task_id: str
    event_id: str
    generation: int
    task_version: int
    body: Row | None = None
    announced: bool = False  # a `calendar.inserting` for this id is already in the log
    reason: str = ""  # kind "unsyncable": why the calendar cannot hold the task


def wants_event(task: TaskView) -> bool:
    return task.status in ("open", "done") and bool(task.due_date and task.due_time)


def event_body(task: TaskView, description: str | None = None) -> Row:
    """The event's fields as organizer owns them; a patch with this body restores them all.

    A repeating task's event shows its current occurrence (it moves when the task moves
    on) and its `description` says the rule in words (organizer.wording).
    """
    zone = ZoneInfo(task.tz)
    start = datetime.combine(date.fromisoformat(str(task.due_date)),
                             time.fromisoformat(str(task.due_time))).replace(tzinfo=zone)
    end = start + timedelta(minutes=EVENT_MINUTES)
    done = task.status == "done"
    body: Row = {
        "summary": (DONE_PREFIX if done else "") + task.title,
        "start": {"dateTime": start.isoformat(), "timeZone": task.tz},
        "end": {"dateTime": end.isoformat(), "timeZone": task.tz},
        "colorId": DONE_COLOR if done else None,
        "transparency": "transparent",
        "extendedProperties": {"private": {TASK_PROPERTY: task.id}},
    }
    if task.repeat and description:
        body["description"] = description
    return body


def plan(task: TaskView, link: LinkView | None, calendar_id: str,
         description: str | None = None) -> Action | None:
    """The one call that brings the calendar in line with `task`, or None when it already is;
    `description`: a repeating task's rule in words, for its event."""
    version = task.version
    state = link.state if link else None
    known_id = link.calendar_event_id if link else None
    generation = link.generation if link else 0
    synced = link.synced_version if link else None
    if not wants_event(task):
        if known_id and state in ("linked", *MAYBE_EXISTS):
            return Action("delete", task.id, known_id, generation, version)
        return None
    if state == "unsyncable" and synced == version:
        return None  # recorded already; a change to the task tries again
    try:
        body = event_body(task, description)
    except (ValueError, OverflowError) as exc:  # e.g. 31.12.9999 23:59: the end is past 9999
        return Action("unsyncable", task.id, known_id or "", generation, version,
                      reason=f"the calendar cannot hold this task's time ({exc})")
    if state == "linked" and known_id:
        if synced == version:
            return None
        return Action("patch", task.id, known_id, generation, version, body)
    if state in MAYBE_EXISTS and known_id:
        return Action("insert", task.id, known_id, generation, version, body, announced=True)
    if task.status == "done":
        return None  # no event to mark, and a finished task does not need a new one
    if state == "deleted":
        generation += 1
    return Action("insert", task.id, event_id(calendar_id, task.id, generation),
                  generation, version, body)
