"""Projectors: fold events into `tasks`, `calendar_links` and `users`.

The fold itself is pure (`apply_task`, `apply_link`: row in, row out); the live
path applies it row by row inside the append's transaction, and a rebuild
applies the very same functions to the whole log in memory, so a rebuild
equals the live tables by construction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from operator import itemgetter
from typing import Any

from msgspec.structs import astuple

from organizer.domain import events as e
from organizer.domain.tasks import TaskState, evolve
from organizer.store.events import StoredEvent

Row = dict[str, Any]

# TaskState's fields in their order (task_id as `id`), then the two stamps: a row's values
# are the state's tuple and the stamps.
TASK_COLUMNS = (
    "id", "owner", "number", "title", "status", "due_date", "due_time", "due_at", "tz",
    "version", "repeat", "repeat_start", "repeat_slot", "source_text", "created_at", "updated_at",
)
LINK_COLUMNS = (
    "task_id", "calendar_event_id", "ical_uid", "generation", "state", "last_error", "updated_at",
    "synced_version",
)
USER_COLUMNS = ("id", "tz", "lang", "updated_at", "version", "lead_min", "tg_lang", "digest_at",
                "digest_always", "digest_since")
PROJECTIONS = {"tasks": ("id", TASK_COLUMNS), "calendar_links": ("task_id", LINK_COLUMNS),
               "users": ("id", USER_COLUMNS)}
CHECKPOINT = "projections"


def task_values(state: TaskState, created_at: str, updated_at: str) -> tuple[Any, ...]:
    """The `tasks` row of a task as the domain's fold leaves it, in TASK_COLUMNS order."""
    return (*astuple(state), created_at, updated_at)


def task_row(state: TaskState, created_at: str, updated_at: str) -> Row:
    return dict(zip(TASK_COLUMNS, task_values(state, created_at, updated_at), strict=True))


def task_state(row: Row) -> TaskState:
    """The domain's task from its `tasks` row."""
    return TaskState(
        row["id"], row["owner"], row["number"], row["title"], row["status"], row["due_date"],
        row["due_time"], row["due_at"], row["tz"], row["version"], row["repeat"],
        row["repeat_start"], row["repeat_slot"], row["source_text"],
    )


def apply_task(row: Row | None, event: e.Event, at: str) -> Row | None:
    """The domain's own fold (`organizer.domain.tasks.evolve`), stamped with the event's time."""
    state = evolve(task_state(row) if row is not None else None, event)
    if state is None:
        return None
    created = at if row is None or isinstance(event, e.TaskCreated) else row["created_at"]
    return task_row(state, created, at)


def apply_link(row: Row | None, event: e.Event, at: str) -> Row | None:
    base: Row = row or {
        "task_id": getattr(event, "task_id", ""), "calendar_event_id": None, "ical_uid": None,
        "generation": 0, "state": "pending", "last_error": None, "updated_at": at,
        "synced_version": 0,
    }
    if isinstance(event, e.CalendarInserting):
        return {**base, "calendar_event_id": event.event_id, "generation": event.generation,
                "state": "inserting", "updated_at": at}
    if isinstance(event, e.CalendarLinked):
        return {**base, "calendar_event_id": event.event_id, "ical_uid": event.ical_uid,
                "generation": event.generation, "state": "linked", "last_error": None,
                "updated_at": at, "synced_version": event.task_version}
    if isinstance(event, e.CalendarUpdated):
        return {**base, "calendar_event_id": event.event_id, "state": "linked",
                "last_error": None, "updated_at": at, "synced_version": event.task_version}
    if isinstance(event, e.CalendarDeleted):
        return {**base, "calendar_event_id": event.event_id, "state": "deleted",
                "last_error": None, "updated_at": at, "synced_version": event.task_version}
    if isinstance(event, e.CalendarUnsyncable):  # an event it had stays as it was
        return {**base, "state": "unsyncable", "last_error": event.reason, "updated_at": at,
                "synced_version": event.task_version}
    if isinstance(event, e.CalendarFailed):
        return {**base, "state": "failed", "last_error": event.reason, "updated_at": at}
    return row


def apply_user(row: Row | None, event: e.Event, at: str) -> Row | None:
    base: Row = row or {"id": getattr(event, "user_id", ""), "tz": None, "lang": None,
                        "updated_at": at, "version": 0, "lead_min": None, "tg_lang": None,
                        "digest_at": None, "digest_always": 0, "digest_since": None}
    base = {**base, "updated_at": at, "version": base["version"] + 1}
    if isinstance(event, e.UserTzSet):
        base["tz"] = event.tz
    elif isinstance(event, e.UserLangSet):
        base["lang"] = event.lang
    elif isinstance(event, e.UserLangCleared):
        base["lang"] = None
    elif isinstance(event, e.UserLeadSet):
        base["lead_min"] = event.minutes
    elif isinstance(event, e.UserTelegramLangSeen):
        base["tg_lang"] = event.language_code
    elif isinstance(event, e.UserDigestSet):
        base["digest_at"] = event.at
        base["digest_always"] = int(event.always)
        base["digest_since"] = at
    return base


_TABLE_OF: dict[str, tuple[str, str]] = {
    **{e.type_of(cls): ("tasks", "task_id") for cls in e.TASK_CHANGES},
    **{e.type_of(cls): ("calendar_links", "task_id") for cls in e.LINK_CHANGES},
    **{e.type_of(cls): ("users", "user_id") for cls in e.USER_CHANGES},
}
_CREATES = {e.type_of(e.TaskCreated)}  # their fold ignores any previous row: no read needed


def _target(type_: str, event: e.Event) -> tuple[str, str] | None:
    """(projection table, row key) of an event, or None for an event no projection folds."""
    found = _TABLE_OF.get(type_)
    return (found[0], getattr(event, found[1])) if found else None


_INSERT = {table: f"INSERT INTO {table} ({','.join(cols)}) VALUES ({','.join('?' * len(cols))})"
           for table, (_, cols) in PROJECTIONS.items()}
_UPSERT = {
    table: _INSERT[table] + f" ON CONFLICT({key}) DO UPDATE SET "
    + ",".join(f"{c} = excluded.{c}" for c in cols if c != key)
    for table, (key, cols) in PROJECTIONS.items()
}
_APPLY = {"tasks": apply_task, "calendar_links": apply_link, "users": apply_user}


def project(conn: sqlite3.Connection, stored: Iterable[StoredEvent]) -> dict[str, Row]:
    """Fold freshly appended events into the live tables (same transaction as the append).

    Returns the rows it wrote, by key.
    """
    last = None
    written: dict[str, Row] = {}
    for item in stored:
        last = item.position
        target = _target(item.type, item.event)
        if target is None:
            continue
        table, key = target
        key_col, columns = PROJECTIONS[table]
        row = written.get(key) if table == "tasks" else None
        if row is None and item.type not in _CREATES:
            cursor = conn.execute(f"SELECT {','.join(columns)} FROM {table} WHERE {key_col} = ?",
                                  (key,))
            found = cursor.fetchone()
            row = dict(zip(columns, found, strict=True)) if found else None
        new = _APPLY[table](row, item.event, item.recorded_at)
        if new is None:
            continue
        if table == "tasks":
            written[key] = new
        conn.execute(_UPSERT[table] if row is not None or item.type not in _CREATES
                     else _INSERT[table], [new[c] for c in columns])
    if last is not None:
        conn.execute(
            "INSERT INTO projector_checkpoints (name, position) VALUES (?, ?) "
            "ON CONFLICT(name) DO UPDATE SET position = excluded.position",
            (CHECKPOINT, last),
        )
    return written


Values = tuple[Any, ...]


def fold_all(conn: sqlite3.Connection,
             batch: int = 20_000) -> tuple[dict[str, dict[str, Values]], int]:
    """Replay the whole log in memory: {table: {key: row values in column order}} and the last
    position.

    Reads only the columns the fold needs (no metadata), in batches: a rebuild
    of a million events is bound by this loop. Tasks are folded as the domain's
    `TaskState` (with their two stamps) and become row values once, at the end.
    """
    tables: dict[str, dict[str, Row]] = {table: {} for table in PROJECTIONS}
    # tasks by id: the state and its two stamps, in three flat dicts of objects the garbage
    # collector does not track (TaskState has gc=False), so a big fold costs it nothing
    states: dict[str, TaskState] = {}
    created: dict[str, str] = {}
    updated: dict[str, str] = {}
    decode, table_of = e.decode, _TABLE_OF.get
    last = 0
    while True:
        rows = conn.execute(
            "SELECT position, type, schema_version, data, recorded_at FROM events "
            "WHERE position > ? ORDER BY position LIMIT ?", (last, batch),
        ).fetchall()
        if not rows:
            break
        for position, type_, version, data, at in rows:
            event = decode(type_, version, data, position)
            found = table_of(type_)
            if found is None:
                continue
            table, field = found
            key = getattr(event, field)
            if table == "tasks":
                if type_ in _CREATES:
                    held = None
                    created[key] = at
                else:
                    held = states.get(key)
                    if held is None:
                        continue
                state = evolve(held, event)
                if state is not None:
                    states[key] = state
                    updated[key] = at
                continue
            store = tables[table]
            new = _APPLY[table](store.get(key), event, at)
            if new is not None:
                store[key] = new
        last = rows[-1][0]
    values: dict[str, dict[str, Values]] = {
        table: dict(zip(rows, map(itemgetter(*PROJECTIONS[table][1]), rows.values()), strict=True))
        for table, rows in tables.items() if table != "tasks"}
    values["tasks"] = {key: (*astuple(state), created[key], updated[key])
                       for key, state in states.items()}
    return values, last


def live_rows(conn: sqlite3.Connection, table: str) -> dict[str, Row]:
    _, columns = PROJECTIONS[table]  # the key is the first column
    cursor = conn.execute(f"SELECT {','.join(columns)} FROM {table}")
    return {r[0]: dict(zip(columns, r, strict=True)) for r in cursor}


def checkpoint(conn: sqlite3.Connection) -> int:
    row = conn.execute(
        "SELECT position FROM projector_checkpoints WHERE name = ?", (CHECKPOINT,)
    ).fetchone()
    return int(row[0]) if row else 0
