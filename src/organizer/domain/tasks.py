"""Tasks as event streams: `decide(command, state)` and `evolve(state, event)`, both pure."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, time
from typing import Any

import msgspec
from msgspec.structs import replace

from organizer.domain import commands as c
from organizer.domain import events as e
from organizer.domain.moments import due_at_utc
from organizer.domain.recurrence import Series, local_iso, normalise, slot_of
from organizer.errors import InvalidTransition, NoteTooLong, NothingToUndo

MAX_TITLE = 4096
MAX_NOTE = 4000


def stream_of(task_id: str) -> str:
    return f"task-{task_id}"


class TaskState(msgspec.Struct, frozen=True, gc=False):
    """A task as its events leave it: what `decide` judges, and every column of its
    projection row but the two timestamps (the one fold, see organizer.store.projections).

    `version` counts the task's own changes (its `TaskChange` events), not the other events
    of its stream such as a reminder sent: it is the version the calendar shows.
    """

    task_id: str
    owner: str
    number: int
    title: str
    status: str
    due_date: str | None
    due_time: str | None
    due_at: str | None
    tz: str
    version: int
    repeat: str | None = None
    repeat_start: str | None = None  # the first occurrence (DTSTART), local
    repeat_slot: str | None = None   # the occurrence the task stands for now, local
    source_text: str | None = None

    @property
    def label(self) -> str:
        return f"task {self.number} ({self.title[:40]})"

    def series(self) -> Series | None:
        if not self.repeat or not self.repeat_start or not self.repeat_slot:
            return None
        return Series(self.repeat, self.repeat_start, self.repeat_slot, self.due_date,
                      self.due_time, self.tz)


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _hm(t: time | None) -> str | None:
    return t.strftime("%H:%M") if t else None


def evolve(state: TaskState | None, event: e.Event) -> TaskState | None:
    """The task after `event`; events that do not change the task leave it as it is."""
    if isinstance(event, e.TaskCreated):
        start = slot_of(event.due_date, event.due_time) if event.repeat else None
        return TaskState(
            event.task_id, event.owner, event.number, event.title, "open",
            event.due_date, event.due_time, event.due_at, event.tz, 1,
            event.repeat, start, start, event.source_text,
        )
    if state is None:
        return None
    step = _STEPS.get(type(event))
    if step is None:
        if isinstance(event, e.TaskChange):
            raise TypeError(f"evolve does not know the task change {e.type_of(event)}")
        return state
    return step(state, event, state.version + 1)


def _moved(state: TaskState, event: e.TaskRescheduled, version: int) -> TaskState:
    return replace(state, due_date=event.due_date, due_time=event.due_time,
                   due_at=event.due_at, tz=event.tz, version=version)


def _advanced(state: TaskState, event: e.TaskAdvanced, version: int) -> TaskState:
    return replace(state, due_date=event.due_date, due_time=event.due_time,
                   due_at=event.due_at, tz=event.tz, repeat_slot=event.occurrence,
                   version=version)


# How each change of an existing task moves it on (a dispatch table: one lookup per event,
# which a rebuild of a million events feels).
_STEPS: dict[type[e.Event], Callable[[TaskState, Any, int], TaskState]] = {
    e.TaskRetitled: lambda s, ev, v: replace(s, title=ev.title, version=v),
    e.TaskRescheduled: _moved,
    e.TaskAdvanced: _advanced,
    e.TaskNoted: lambda s, _ev, v: replace(s, version=v),  # its words are read from the log
    e.TaskNoteRemoved: lambda s, _ev, v: replace(s, version=v),
    e.TaskCompleted: lambda s, _ev, v: replace(s, status="done", version=v),
    e.TaskCancelled: lambda s, _ev, v: replace(s, status="cancelled", version=v),
    e.TaskReopened: lambda s, _ev, v: replace(s, status="open", version=v),
}


def fold(events: Iterable[e.Event]) -> TaskState | None:
    state: TaskState | None = None
    for event in events:
        state = evolve(state, event)
    return state


def clean_title(title: str) -> str:
    title = " ".join(title.split())
    return title[:MAX_TITLE]


def decide(command: c.TaskCommand, state: TaskState | None) -> list[e.Event]:
    """The events a command produces on a task in `state`; raises DomainError if it can't apply."""
    if isinstance(command, c.AddTask):
        title = clean_title(command.title)
        if not title:
            raise InvalidTransition("a task needs a title; say what to do, e.g. 'call mum'")
        due_date = _iso(command.due_date)
        due_time = _hm(command.due_time) if due_date else None
        repeat = None
        if command.repeat:
            repeat = normalise(command.repeat)
            if not due_date:
                raise InvalidTransition("a repeating task needs the date of its first time")
        return [
            e.TaskCreated(
                task_id=command.task_id, owner=command.owner, number=command.number,
                title=title, due_date=due_date, due_time=due_time,
                due_at=due_at_utc(due_date, due_time, command.tz), tz=command.tz,
                source_text=command.source_text, repeat=repeat,
            )
        ]
    if state is None:
        raise InvalidTransition(f"task {command.task_id} does not exist")
    if isinstance(command, c.CompleteTask):
        _require(state, "open", "complete")
        series = state.series()
        following = series.next() if series else None
        if following is None:  # a one-off task, or the rule's last occurrence
            return [e.TaskCompleted(task_id=state.task_id)]
        return [_advance(state, following, "done")]
    if isinstance(command, c.AdvanceMissed):
        series = state.series()
        if state.status != "open" or series is None:
            return []
        begun = series.missed(command.now, command.lead_min)
        return [_advance(state, begun, "missed")] if begun else []
    if isinstance(command, c.CancelTask):
        _require(state, "open", "cancel")
        return [e.TaskCancelled(task_id=state.task_id)]
    if isinstance(command, c.ReopenTask):
        if state.status == "open":
            raise InvalidTransition(f"{state.label} is already open", "open")
        return [e.TaskReopened(task_id=state.task_id, previous_status=state.status)]
    if isinstance(command, c.RetitleTask):
        _require(state, "open", "rename")
        title = clean_title(command.title)
        if not title:
            raise InvalidTransition("a title cannot be empty; say what the task is now")
        if title == state.title:
            return []
        return [e.TaskRetitled(task_id=state.task_id, title=title, previous_title=state.title)]
    if isinstance(command, c.NoteTask):
        text = command.text.strip()
        if not text:
            raise InvalidTransition("a note needs words; say what to note, e.g. 'note to 3: "
                                    "door code 45K'")
        if len(text) > MAX_NOTE:
            raise NoteTooLong(len(text), MAX_NOTE)
        return [e.TaskNoted(task_id=state.task_id, text=text)]
    if isinstance(command, c.RescheduleTask):
        _require(state, "open", "reschedule")
        due_date = _iso(command.due_date)
        due_time = _hm(command.due_time) if due_date else None
        return [
            e.TaskRescheduled(
                task_id=state.task_id, due_date=due_date, due_time=due_time,
                due_at=due_at_utc(due_date, due_time, command.tz), tz=command.tz,
                previous_due_date=state.due_date, previous_due_time=state.due_time,
                previous_due_at=state.due_at, source_text=command.source_text,
            )
        ]
    raise TypeError(f"not a task command: {command!r}")


def _advance(state: TaskState, to: tuple[date, time | None], reason: str) -> e.TaskAdvanced:
    day, at = to
    due_date, due_time = day.isoformat(), _hm(at)
    return e.TaskAdvanced(
        task_id=state.task_id, reason=reason, due_date=due_date, due_time=due_time,
        due_at=due_at_utc(due_date, due_time, state.tz), tz=state.tz,
        occurrence=local_iso(day, at), previous_due_date=state.due_date,
        previous_due_time=state.due_time, previous_due_at=state.due_at,
        previous_occurrence=state.repeat_slot or "",
    )


def _require(state: TaskState, status: str, verb: str) -> None:
    if state.status == status:
        return
    if state.status == "done":
        raise InvalidTransition(f"cannot {verb} {state.label}: it is already done", "done")
    if state.status == "cancelled":
        raise InvalidTransition(f"cannot {verb} {state.label}: it is cancelled", "cancelled")
    raise InvalidTransition(f"cannot {verb} {state.label}: it is {state.status}",
                            state.status)


@dataclass(frozen=True)
class Recorded:
    """A task event as the log holds it, for undo's look back."""

    position: int
    event: e.Event


UNDOABLE = e.TASK_CHANGES


def undo_target(history_newest_first: Sequence[Recorded]) -> Recorded:
    """The owner's latest action that no undo has compensated yet."""
    compensated: set[int] = set()
    for item in history_newest_first:
        event = item.event
        if not isinstance(event, UNDOABLE):
            continue
        undo_of = getattr(event, "undo_of", None)
        if undo_of is not None:
            compensated.add(undo_of)
            continue
        if item.position in compensated:
            continue
        if isinstance(event, e.TaskAdvanced) and event.reason == "missed":
            continue  # the worker's doing, not the person's: their undo passes it by
        return item
    raise NothingToUndo("nothing to undo")


def decide_undo(target: Recorded, state: TaskState) -> list[e.Event]:
    """The compensating event for `target`; nothing is ever deleted."""
    event, pos, tid = target.event, target.position, state.task_id
    if isinstance(event, e.TaskCreated):
        return [e.TaskCancelled(task_id=tid, undo_of=pos)]
    if isinstance(event, (e.TaskCompleted, e.TaskCancelled)):
        return [e.TaskReopened(task_id=tid, previous_status=state.status, undo_of=pos)]
    if isinstance(event, e.TaskReopened):
        if event.previous_status == "done":
            return [e.TaskCompleted(task_id=tid, undo_of=pos)]
        return [e.TaskCancelled(task_id=tid, undo_of=pos)]
    if isinstance(event, e.TaskRetitled):
        return [e.TaskRetitled(task_id=tid, title=event.previous_title, previous_title=state.title,
                               undo_of=pos)]
    if isinstance(event, e.TaskNoted):
        return [e.TaskNoteRemoved(task_id=tid, note=pos, text=event.text, undo_of=pos)]
    if isinstance(event, e.TaskRescheduled):
        return [
            e.TaskRescheduled(
                task_id=tid, due_date=event.previous_due_date, due_time=event.previous_due_time,
                due_at=event.previous_due_at, tz=state.tz, previous_due_date=state.due_date,
                previous_due_time=state.due_time, previous_due_at=state.due_at, undo_of=pos,
            )
        ]
    if isinstance(event, e.TaskAdvanced):
        return [
            e.TaskAdvanced(
                task_id=tid, reason="undo", due_date=event.previous_due_date,
                due_time=event.previous_due_time, due_at=event.previous_due_at, tz=state.tz,
                occurrence=event.previous_occurrence, previous_due_date=state.due_date,
                previous_due_time=state.due_time, previous_due_at=state.due_at,
                previous_occurrence=state.repeat_slot or "", undo_of=pos,
            )
        ]
    raise TypeError(f"cannot undo {event!r}")
