"""A task's notes as its events leave them: every `task.noted` not taken back by undo.

The words of a note live only in its event; the tasks row counts nothing, so a rebuild of
the projections and the live tables agree on notes by construction (there is nothing to fold).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from organizer.domain import events as e


@dataclass(frozen=True)
class Note:
    """One note: the position of its `task.noted` event, its words and when it was written."""

    position: int
    text: str
    at: str


def live_notes(recorded: Iterable[tuple[int, e.Event, str]]) -> list[Note]:
    """The notes still standing, oldest first, from (position, event, recorded_at) in order."""
    notes: dict[int, Note] = {}
    for position, event, at in recorded:
        if isinstance(event, e.TaskNoted):
            notes[position] = Note(position, event.text, at)
        elif isinstance(event, e.TaskNoteRemoved):
            notes.pop(event.note, None)
    return list(notes.values())
