"""Reads of a task's notes from the log (the words of a note live only in its event)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from organizer.domain import events as e
from organizer.domain.notes import Note, live_notes
from organizer.domain.tasks import stream_of

NOTE_TYPES = (e.type_of(e.TaskNoted), e.type_of(e.TaskNoteRemoved))
_NOTED = e.type_of(e.TaskNoted)


def notes_of(conn: sqlite3.Connection, task_id: str) -> list[Note]:
    """The task's notes still standing, oldest first."""
    rows = conn.execute(
        "SELECT position, type, schema_version, data, recorded_at FROM events "
        "WHERE stream = ? AND type IN (?, ?) ORDER BY version", (stream_of(task_id), *NOTE_TYPES),
    ).fetchall()
    return live_notes((position, e.decode(type_, version, data, position), at)
                      for position, type_, version, data, at in rows)


def ever_noted(conn: sqlite3.Connection, task_id: str) -> bool:
    """Whether the task ever had a note (its calendar event then owns a description)."""
    row = conn.execute("SELECT 1 FROM events WHERE stream = ? AND type = ? LIMIT 1",
                       (stream_of(task_id), _NOTED)).fetchone()
    return row is not None


def note_counts(conn: sqlite3.Connection, task_ids: Iterable[str]) -> dict[str, int]:
    """How many notes each task has standing (tasks without any are left out)."""
    streams = {stream_of(task_id): task_id for task_id in task_ids}
    counts: dict[str, int] = {}
    for chunk in _chunks(list(streams), 500):
        marks = ",".join("?" * len(chunk))
        for stream, type_, n in conn.execute(
                f"SELECT stream, type, count(*) FROM events WHERE stream IN ({marks}) "
                f"AND type IN (?, ?) GROUP BY stream, type", (*chunk, *NOTE_TYPES)):
            task_id = streams[stream]
            counts[task_id] = counts.get(task_id, 0) + (n if type_ == _NOTED else -n)
    return {task_id: n for task_id, n in counts.items() if n > 0}


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
