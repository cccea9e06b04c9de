"""A task's history: one `Change` per change of the task, from its events and their meta.

Pure: structure only. The words (organizer.wording.history) come from the canon.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from organizer.domain import events as e

# What a change can be and what can make it: each has its words in the canon's words.history.
WHATS = ("created", "renamed", "moved", "done_next", "missed", "done", "cancelled", "reopened",
         "noted", "note_removed")
VIAS = ("message", "voice", "reply", "button", "reminder", "cli", "undo", "calendar", "worker")


@dataclass(frozen=True)
class Change:
    """What changed, when (`at`, the UTC stamp of the event) and by what (`via`).

    `what`: one of WHATS; `via`: one of VIAS, or "" when the event does not say.
    `values`: the change's own data (titles, due dates as stored, "YYYY-MM-DD" and "HH:MM"
    local to the task's zone, a note's text).
    """

    at: str
    what: str
    via: str
    values: dict[str, str | None] = field(default_factory=dict)


def via_of(event: e.Event, meta: Mapping[str, Any]) -> str:
    """What made the change: an undo, the meta's own `source` (a message, a voice message, a
    reply to the bot's message about the task), the worker, a reminder's button, a button, a
    message in the chat, the command line or the calendar."""
    if getattr(event, "undo_of", None) is not None:
        return "undo"
    source = meta.get("source")
    if source in VIAS:
        return str(source)
    via = str(meta.get("via") or "")
    if via.startswith("worker"):
        return "worker"
    if via.startswith("reminder"):
        return "reminder"
    if via.startswith("calendar"):
        return "calendar"
    channel = meta.get("channel")
    if channel == "telegram":
        return "button" if str(meta.get("source_text", "")).startswith("[button]") else "message"
    if channel == "cli":
        return "cli"
    return ""


def _due(prefix: str, date_: str | None, time_: str | None) -> dict[str, str | None]:
    return {f"{prefix}_date": date_, f"{prefix}_time": time_}


def change_of(event: e.Event, meta: Mapping[str, Any], at: str) -> Change | None:
    """The change an event made to its task; None for an event that is no change of it."""
    via = via_of(event, meta)
    if isinstance(event, e.TaskCreated):
        return Change(at, "created", via, {"title": event.title,
                                           **_due("to", event.due_date, event.due_time)})
    if isinstance(event, e.TaskRetitled):
        return Change(at, "renamed", via, {"title": event.title,
                                           "previous_title": event.previous_title})
    if isinstance(event, (e.TaskRescheduled, e.TaskAdvanced)):
        what = "moved"
        if isinstance(event, e.TaskAdvanced) and event.reason in ("done", "missed"):
            what = "done_next" if event.reason == "done" else "missed"
        return Change(at, what, via, {**_due("from", event.previous_due_date,
                                             event.previous_due_time),
                                      **_due("to", event.due_date, event.due_time)})
    if isinstance(event, e.TaskCompleted):
        return Change(at, "done", via)
    if isinstance(event, e.TaskCancelled):
        return Change(at, "cancelled", via)
    if isinstance(event, e.TaskReopened):
        return Change(at, "reopened", via)
    if isinstance(event, e.TaskNoted):
        return Change(at, "noted", via, {"text": event.text})
    if isinstance(event, e.TaskNoteRemoved):
        return Change(at, "note_removed", via, {"text": event.text})
    return None


def history(recorded: Iterable[tuple[e.Event, Mapping[str, Any], str]]) -> list[Change]:
    """Every change of a task, oldest first, from its (event, meta, recorded_at) in order."""
    changes = (change_of(event, meta, at) for event, meta, at in recorded)
    return [change for change in changes if change is not None]
