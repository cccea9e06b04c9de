"""Commands: what someone asks organizer to do, in the imperative."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time


@dataclass(frozen=True)
class AddTask:
    owner: str
    title: str
    due_date: date | None
    due_time: time | None
    tz: str
    source_text: str | None = None
    repeat: str | None = None  # an RFC 5545 RRULE; the due date is the first occurrence
    # Filled in by the application layer, which owns ids and numbering.
    task_id: str = ""
    number: int = 0


@dataclass(frozen=True)
class RetitleTask:
    task_id: str
    title: str


@dataclass(frozen=True)
class NoteTask:
    task_id: str
    text: str


@dataclass(frozen=True)
class RescheduleTask:
    task_id: str
    due_date: date | None
    due_time: time | None
    tz: str
    source_text: str | None = None


@dataclass(frozen=True)
class CompleteTask:
    task_id: str


@dataclass(frozen=True)
class AdvanceMissed:
    """Move a repeating task past occurrences nobody did or moved, once the reminder time of
    a later one has come by `now` (`lead_min` before its due time)."""

    task_id: str
    now: datetime
    lead_min: int


@dataclass(frozen=True)
class ReopenTask:
    task_id: str


@dataclass(frozen=True)
class CancelTask:
    task_id: str


@dataclass(frozen=True)
class Undo:
    owner: str


TaskCommand = (AddTask | RetitleTask | NoteTask | RescheduleTask | CompleteTask | ReopenTask | CancelTask
               | AdvanceMissed)
Command = TaskCommand | Undo
