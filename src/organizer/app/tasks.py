"""The one write path for tasks: command → decide → append → project, in one transaction.

Every channel (CLI, bot, worker) calls `TaskService.execute`. An idempotency
key (the bot passes its id and the Telegram update_id) makes a redelivered
command return its first outcome instead of acting twice.
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from organizer.domain import commands as c
from organizer.domain import events as e
from organizer.domain import tasks as domain
from organizer.errors import AmbiguousRef, ConcurrencyError, TaskNotFound
from organizer.store import views
from organizer.store.db import transaction
from organizer.store.events import EventStore, StoredEvent
from organizer.store.projections import project
from organizer.store.views import TaskView

Clock = Callable[[], datetime]
Tasks = list[TaskView]
MAX_ATTEMPTS = 5
# The reference meaning the most recently created task: what the parser gives for
# "последнюю задачу сделал", "последнюю отмени", "done with the last one".
LAST_REF = "last"
_UNDOABLE_TYPES = ("task.created", "task.retitled", "task.rescheduled", "task.completed",
                   "task.cancelled", "task.reopened", "task.advanced")


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_task_id() -> str:
    """32 hex digits: the millisecond (12 digits, as in a UUIDv7), then 80 random bits.

    Ids that grow with time land at the right edge of the `tasks` table and of
    the events' stream index, so a new task dirties the same few pages as the
    last one instead of splitting pages all over both trees.
    """
    return f"{time.time_ns() // 1_000_000:012x}{os.urandom(10).hex()}"


@dataclass(frozen=True)
class Outcome:
    """What a command did: the task as it now stands, and whether this was a replay."""

    task: TaskView | None
    positions: tuple[int, ...]
    duplicate: bool = False
    action: str = ""

    def to_record(self) -> dict[str, Any]:
        return {"task_id": self.task.id if self.task else None,
                "positions": list(self.positions), "action": self.action}


class TaskService:
    """Runs task commands on one connection."""

    def __init__(self, conn: sqlite3.Connection, clock: Clock = utcnow,
                 ids: Callable[[], str] = new_task_id) -> None:
        self.conn = conn
        self.store = EventStore(conn)
        self.clock = clock
        self.ids = ids

    def execute(self, command: c.Command, *, idempotency_key: str | None = None,
                meta: dict[str, Any] | None = None) -> Outcome:
        """Apply `command` once; a conflicting concurrent append is retried from fresh state."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                with transaction(self.conn):
                    if idempotency_key is not None:
                        prior = self.store.outcome(idempotency_key)
                        if prior is not None:
                            return self._replayed(prior)
                    stream, stored, action = self._decide_and_append(command, meta or {})
                    written = project(self.conn, stored)
                    task_id = _task_id(stored, command)
                    task: TaskView | None = None
                    if task_id and action == "created":  # no calendar link yet: skip a read
                        task = views.task_from_row(written[task_id])
                    elif task_id:
                        task = self.get(task_id)
                    outcome = Outcome(task, tuple(s.position for s in stored), action=action)
                    if idempotency_key is not None:
                        self.store.remember(idempotency_key, stream, stored, outcome.to_record(),
                                            stored[-1].recorded_at if stored else self.clock())
                    return outcome
            except ConcurrencyError:
                if attempt == MAX_ATTEMPTS:
                    raise
        raise AssertionError("unreachable")

    def _decide_and_append(
        self, command: c.Command, meta: dict[str, Any]
    ) -> tuple[str, list[StoredEvent], str]:
        now = self.clock()
        if isinstance(command, c.Undo):
            history = self._owner_history(command.owner)
            target = domain.undo_target(
                [domain.Recorded(s.position, s.event) for s in history]
            )
            task_id = target.event.task_id  # type: ignore[attr-defined]
            stream = domain.stream_of(task_id)
            state = self._state(stream)
            assert state is not None
            events = domain.decide_undo(target, state)
            stored = self.store.append(stream, state.version, events, now=now,
                                       owner=state.owner, meta=meta)
            return stream, stored, f"undo:{e.type_of(target.event)}"
        if isinstance(command, c.AddTask):
            command = replace(command, task_id=command.task_id or self.ids(),
                              number=self._next_number(command.owner))
            stream = domain.stream_of(command.task_id)
            events = domain.decide(command, None)
            stored = self.store.append(stream, 0, events, now=now, owner=command.owner,
                                       meta=meta)
            return stream, stored, "created"
        stream = domain.stream_of(command.task_id)
        state = self._state(stream)
        if state is None:
            raise TaskNotFound(f"task {command.task_id} does not exist")
        events = domain.decide(command, state)
        stored = self.store.append(stream, state.version, events, now=now, owner=state.owner,
                                   meta=meta) if events else []
        return stream, stored, type(command).__name__

    def _owner_history(self, owner: str, limit: int = 500) -> list[StoredEvent]:
        """The owner's latest task events, newest first, found through their tasks."""
        return views.owner_history(self.conn, owner, _UNDOABLE_TYPES, limit)

    def _replayed(self, prior: dict[str, Any]) -> Outcome:
        task_id = prior.get("task_id")
        return Outcome(self.get(task_id) if task_id else None,
                       tuple(prior.get("positions", ())), duplicate=True,
                       action=prior.get("action", ""))

    def _state(self, stream: str) -> domain.TaskState | None:
        return domain.fold(s.event for s in self.store.read_stream(stream))

    def _next_number(self, owner: str) -> int:
        return views.next_number(self.conn, owner)

    # -- reads -------------------------------------------------------------

    def get(self, task_id: str) -> TaskView | None:
        return views.task(self.conn, task_id)

    def list(self, owner: str | None = None, *, include_closed: bool = False) -> Tasks:
        return views.tasks(self.conn, owner, include_closed=include_closed)

    def resolve(self, owner: str, ref: str, *, statuses: tuple[str, ...] = ("open",)) -> str:
        """A task id from a list number, words of a title, or "last" (the most recently
        created of this owner's tasks in `statuses`, what "последнюю отмени" refers to),
        for this owner only."""
        ref = ref.strip().lstrip("#№").strip()
        if ref.lower() == LAST_REF:
            last = views.last_task_id(self.conn, owner, statuses)
            if last is None:
                raise TaskNotFound(f"there is no {'/'.join(statuses)} task yet")
            return last
        if re.fullmatch(r"\d+", ref):
            # more digits than an SQLite integer holds: no task has that number
            found = views.task_id_by_number(self.conn, owner, int(ref)) \
                if len(ref) <= _MAX_NUMBER_DIGITS else None
            if found is None:
                raise TaskNotFound(f"there is no task {ref}; see the numbers with `task list`")
            return found
        words = [w for w in re.findall(r"\w+", ref.lower()) if len(w) > 1] or [ref.lower()]
        candidates = [t for t in self.list(owner, include_closed=True)
                      if t.status in statuses]
        matches = [t for t in candidates if all(_word_in(w, t.title) for w in words)]
        if not matches:
            raise TaskNotFound(f"no {'/'.join(statuses)} task matches {ref!r}")
        if len(matches) > 1:
            shown = "; ".join(f"{t.number}. {t.title}" for t in matches[:5])
            raise AmbiguousRef(f"{ref!r} matches {len(matches)} tasks ({shown}); use the number")
        return matches[0].id


_MAX_NUMBER_DIGITS = 18  # every 18-digit number fits SQLite's 64-bit integers


def _word_in(word: str, title: str) -> bool:
    """A word matches when a title word starts with its stem (молоко ~ молока)."""
    stem = word[: max(3, len(word) - 2)] if len(word) >= 4 else word
    return any(t.startswith(stem) for t in re.findall(r"\w+", title.lower()))


def _task_id(stored: list[StoredEvent], command: c.Command) -> str | None:
    if stored:
        return getattr(stored[0].event, "task_id", None)
    return getattr(command, "task_id", None)
