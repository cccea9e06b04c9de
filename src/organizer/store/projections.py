"""Projectors: fold events into `tasks`, `calendar_links` and `users`.

The fold itself is pure (`apply_task`, `apply_link`: row in, row out); the live
path applies it row by row inside the append's transaction, and a rebuild
applies the very same functions to the whole log in memory, so a rebuild
equals the live tables by construction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from organizer.domain import events as e
from organizer.domain.recurrence import slot_of
from organizer.store.events import StoredEvent

Row = dict[str, Any]

TASK_COLUMNS = (
    "id", "owner", "number", "title", "status", "due_date", "due_time", "due_at", "tz",
    "source_text", "created_at", "updated_at", "version", "repeat", "repeat_start", "repeat_slot",
)
LINK_COLUMNS = (
    "task_id", "calendar_event_id", "ical_uid", "generation", "state", "last_error", "updated_at",
    "synced_version",
)
USER_COLUMNS = ("id", "tz", "lang", "updated_at", "version", "lead_min", "tg_lang")
PROJECTIONS = {"tasks": ("id", TASK_COLUMNS), "calendar_links": ("task_id", LINK_COLUMNS),
               "users": ("id", USER_COLUMNS)}
CHECKPOINT = "projections"


def apply_task(row: Row | None, event: e.Event, at: str) -> Row | None:
    if isinstance(event, e.TaskCreated):
        start = slot_of(event.due_date, event.due_time) if event.repeat else None
        return {
            "id": event.task_id, "owner": event.owner, "number": event.number,
            "title": event.title, "status": "open", "due_date": event.due_date,
            "due_time": event.due_time, "due_at": event.due_at, "tz": event.tz,
            "source_text": event.source_text, "created_at": at, "updated_at": at, "version": 1,
            "repeat": event.repeat, "repeat_start": start, "repeat_slot": start,
        }
    if row is None:
        return None
    row = {**row, "updated_at": at, "version": row["version"] + 1}
    if isinstance(event, e.TaskRetitled):
        row["title"] = event.title
    elif isinstance(event, e.TaskRescheduled):
        row.update(due_date=event.due_date, due_time=event.due_time, due_at=event.due_at,
                   tz=event.tz)
    elif isinstance(event, e.TaskAdvanced):
        row.update(due_date=event.due_date, due_time=event.due_time, due_at=event.due_at,
                   tz=event.tz, repeat_slot=event.occurrence)
    elif isinstance(event, e.TaskCompleted):
        row["status"] = "done"
    elif isinstance(event, e.TaskCancelled):
        row["status"] = "cancelled"
    elif isinstance(event, e.TaskReopened):
        row["status"] = "open"
    return row


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
                        "updated_at": at, "version": 0, "lead_min": None, "tg_lang": None}
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
    return base


_TASK_TYPES = {"task.created", "task.retitled", "task.rescheduled", "task.completed",
               "task.cancelled", "task.reopened", "task.advanced"}
_CREATES = {"task.created"}  # their fold ignores any previous row: no read needed
_LINK_TYPES = {"calendar.linked", "calendar.updated", "calendar.deleted", "calendar.failed",
               "calendar.inserting", "calendar.unsyncable"}
_USER_TYPES = {"user.tz_set", "user.lang_set", "user.lead_set", "user.tg_lang_seen",
               "user.lang_cleared"}


def _target(type_: str, event: e.Event) -> tuple[str, str] | None:
    if type_ in _TASK_TYPES:
        return "tasks", event.task_id  # type: ignore[attr-defined]
    if type_ in _LINK_TYPES:
        return "calendar_links", event.task_id  # type: ignore[attr-defined]
    if type_ in _USER_TYPES:
        return "users", event.user_id  # type: ignore[attr-defined]
    return None


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


def fold_all(conn: sqlite3.Connection, batch: int = 20_000) -> tuple[dict[str, dict[str, Row]], int]:
    """Replay the whole log in memory: {table: {key: row}} and the last position.

    Reads only the columns the fold needs (no metadata), in batches: a rebuild
    of a million events is bound by this loop.
    """
    tables: dict[str, dict[str, Row]] = {table: {} for table in PROJECTIONS}
    apply = {table: (_APPLY[table], tables[table]) for table in PROJECTIONS}
    decode = e.decode
    last = 0
    while True:
        rows = conn.execute(
            "SELECT position, type, schema_version, data, recorded_at FROM events "
            "WHERE position > ? ORDER BY position LIMIT ?", (last, batch),
        ).fetchall()
        if not rows:
            return tables, last
        for position, type_, version, data, at in rows:
            event = decode(type_, version, data, position)
            target = _target(type_, event)
            if target is None:
                continue
            table, key = target
            fold, store = apply[table]
            new = fold(store.get(key), event, at)
            if new is not None:
                store[key] = new
        last = rows[-1][0]


def live_rows(conn: sqlite3.Connection, table: str) -> dict[str, Row]:
    _, columns = PROJECTIONS[table]  # the key is the first column
    cursor = conn.execute(f"SELECT {','.join(columns)} FROM {table}")
    return {r[0]: dict(zip(columns, r, strict=True)) for r in cursor}


def checkpoint(conn: sqlite3.Connection) -> int:
    row = conn.execute(
        "SELECT position FROM projector_checkpoints WHERE name = ?", (CHECKPOINT,)
    ).fetchone()
    return int(row[0]) if row else 0
