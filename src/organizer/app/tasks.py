"""Task commands: command → decide → commit (organizer.store.commit), in one transaction.

Every channel (CLI, bot, worker) calls `TaskService.execute`. An idempotency
key (the bot passes its id and the Telegram update_id) makes a redelivered
command return its first outcome instead of acting twice.
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from organizer.clock import utcnow
from organizer.domain import commands as c
from organizer.domain import events as e
from organizer.domain import tasks as domain
from organizer.errors import AmbiguousRef, TaskNotFound
from organizer.store import views
from organizer.store.commit import Committed, Decision, commit
from organizer.store.events import EventStore, StoredEvent
from organizer.store.views import TaskView

Clock = Callable[[], datetime]
Tasks = list[TaskView]
# The reference meaning the most recently created task: what the parser gives for
# "последнюю задачу сделал", "последнюю отмени", "done with the last one".
LAST_REF = "last"
_UNDOABLE_TYPES = tuple(sorted(e.TASK_CHANGE_TYPES))


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
        actions: dict[str, str] = {}
        read: dict[str, TaskView | None] = {}

        def decide(store: EventStore) -> Decision:
            stream, version, events, owner, actions["action"] = self._decide(store, command)
            return Decision(stream, version, events, owner, record)

        def record(stored: Sequence[StoredEvent]) -> dict[str, Any]:
            return {"task_id": _task_id(stored, command),
                    "positions": [s.position for s in stored], "action": actions["action"]}

        def after(done: Committed) -> None:  # read the task before anyone else can change it
            task_id = _task_id(done.stored, command)
            if task_id and actions["action"] == "created":  # no calendar link yet: skip a read
                read["task"] = views.task_from_row(done.rows[task_id])
            elif task_id:
                read["task"] = self.get(task_id)

        done = commit(self.conn, decide, now=self.clock, key=idempotency_key, meta=meta or {},
                      after=after)
        if done.replayed is not None:
            return self._replayed(done.replayed)
        return Outcome(read.get("task"), tuple(s.position for s in done.stored),
                       action=actions["action"])

    def _decide(self, store: EventStore,
                command: c.Command) -> tuple[str, int, list[e.Event], str, str]:
        """The events `command` appends, to which stream after which version, and its action."""
        if isinstance(command, c.Undo):
            history = self._owner_history(command.owner)
            target = domain.undo_target(
                [domain.Recorded(s.position, s.event) for s in history]
            )
            task_id = target.event.task_id  # type: ignore[attr-defined]
            stream = domain.stream_of(task_id)
            state, version = self._state(store, stream)
            assert state is not None
            return (stream, version, domain.decide_undo(target, state), state.owner,
                    f"undo:{e.type_of(target.event)}")
        if isinstance(command, c.AddTask):
            command = replace(command, task_id=command.task_id or self.ids(),
                              number=self._next_number(command.owner))
            stream = domain.stream_of(command.task_id)
            return stream, 0, domain.decide(command, None), command.owner, "created"
        stream = domain.stream_of(command.task_id)
        state, version = self._state(store, stream)
        if state is None:
            raise TaskNotFound(f"task {command.task_id} does not exist")
        events = domain.decide(command, state)
        return stream, version, events, state.owner, type(command).__name__

    def _owner_history(self, owner: str, limit: int = 500) -> list[StoredEvent]:
        """The owner's latest task events, newest first, found through their tasks."""
        return views.owner_history(self.conn, owner, _UNDOABLE_TYPES, limit)

    def _replayed(self, prior: dict[str, Any]) -> Outcome:
        task_id = prior.get("task_id")
        return Outcome(self.get(task_id) if task_id else None,
                       tuple(prior.get("positions", ())), duplicate=True,
                       action=prior.get("action", ""))

    @staticmethod
    def _state(store: EventStore, stream: str) -> tuple[domain.TaskState | None, int]:
        """The task in `stream` and the stream's version (its reminders count too)."""
        stored = store.read_stream(stream)
        return domain.fold(s.event for s in stored), (stored[-1].version if stored else 0)

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


def _task_id(stored: Sequence[StoredEvent], command: c.Command) -> str | None:
    if stored:
        return getattr(stored[0].event, "task_id", None)
    return getattr(command, "task_id", None)
