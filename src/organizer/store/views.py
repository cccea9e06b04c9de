"""The read model: every question the channels and daemons ask of the projection tables.

Each function is plain SQL over `tasks`, `calendar_links` and `users` (and the
idempotency keys that say what was already done), answered as frozen records —
never as dicts — so a caller reads `task.title`, and a misspelt column is a type
error, not a KeyError at run time. Nothing here writes; the write path is
organizer.app.tasks and organizer.store.projections.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

import msgspec

from organizer.store.events import COLUMNS, StoredEvent, row_to_event
from organizer.store.projections import LINK_COLUMNS


class TaskView(msgspec.Struct, frozen=True):
    """A task as `tasks` holds it, with its calendar event (if any) and whether the
    calendar cannot hold its current version (calendar.unsyncable)."""

    id: str
    owner: str
    number: int
    title: str
    status: str
    due_date: str | None
    due_time: str | None
    due_at: str | None
    tz: str
    source_text: str | None
    created_at: str
    updated_at: str
    version: int
    repeat: str | None
    repeat_start: str | None
    repeat_slot: str | None
    calendar_event_id: str | None = None
    not_in_calendar: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The fields in column order, for JSON output."""
        return msgspec.structs.asdict(self)


class LinkView(msgspec.Struct, frozen=True):
    """A task's row in `calendar_links`: what the worker last did with its event."""

    task_id: str
    calendar_event_id: str | None
    ical_uid: str | None
    generation: int
    state: str
    last_error: str | None
    updated_at: str
    synced_version: int


class CalendarRow(msgspec.Struct, frozen=True):
    """What the calendar worker plans from: a task, its link, its owner's language choices."""

    task: TaskView
    link: LinkView | None
    lang: str | None
    tg_lang: str | None


@dataclass(frozen=True)
class UserSettings:
    user_id: str
    tz: str | None
    lang: str | None  # chosen with /lang; None: never chosen, or given up with /lang auto
    lead_min: int | None = None  # chosen with /remind; None: REMINDER_LEAD_MIN
    tg_lang: str | None = None  # Telegram's language_code, as last recorded
    digest_at: str | None = None  # "HH:MM" in the person's zone; None: no digest (the default)
    digest_always: bool = False  # the digest also on a day with nothing to show


class DueReminder(msgspec.Struct, frozen=True):
    """An open task whose reminder time has come, with its owner's settings."""

    id: str
    owner: str
    number: int
    title: str
    due_at: str
    tz: str | None  # the owner's zone (users.tz), None: DEFAULT_TZ
    lang: str | None
    tg_lang: str | None
    lead_min: int | None


class RepeatingDue(msgspec.Struct, frozen=True):
    """An open repeating task whose current occurrence may be past."""

    id: str
    repeat: str
    repeat_start: str | None
    repeat_slot: str | None
    due_date: str
    due_time: str | None
    tz: str
    lead_min: int | None


class UnsyncableTask(msgspec.Struct, frozen=True):
    """A task the calendar cannot hold whose owner was not told yet."""

    id: str
    owner: str
    number: int
    title: str
    version: int
    lang: str | None
    tg_lang: str | None


# -- tasks ------------------------------------------------------------------------

# The task columns in the order TaskView declares them (the JSON of `task list --json`),
# which is not the projection's own order.
VIEW_TASK_COLUMNS: tuple[str, ...] = TaskView.__struct_fields__[:-2]

_TASK_SELECT = (
    f"SELECT {', '.join(f't.{c}' for c in VIEW_TASK_COLUMNS)}, l.calendar_event_id, "
    # the calendar cannot hold this version of the task (calendar.unsyncable)
    "coalesce(l.state = 'unsyncable' AND l.synced_version = t.version, 0) FROM tasks t "
    "LEFT JOIN calendar_links l ON l.task_id = t.id ")


def _tasks(conn: sqlite3.Connection, tail: str, params: tuple[Any, ...]) -> list[TaskView]:
    return [TaskView(*(*row[:-1], bool(row[-1])))
            for row in conn.execute(_TASK_SELECT + tail, params)]


def task(conn: sqlite3.Connection, task_id: str) -> TaskView | None:
    found = _tasks(conn, "WHERE t.id = ?", (task_id,))
    return found[0] if found else None


def tasks(conn: sqlite3.Connection, owner: str | None = None, *,
          include_closed: bool = False) -> list[TaskView]:
    """Tasks by owner and number; open ones only unless `include_closed`."""
    clauses, params = [], []
    if owner is not None:
        clauses.append("t.owner = ?")
        params.append(owner)
    if not include_closed:
        clauses.append("t.status = 'open'")
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    return _tasks(conn, where + " ORDER BY t.owner, t.number", tuple(params))


def task_from_row(row: dict[str, Any]) -> TaskView:
    """A task just folded by the projector (no calendar link yet) as a view."""
    return TaskView(**row)


def last_task_id(conn: sqlite3.Connection, owner: str, statuses: tuple[str, ...]) -> str | None:
    """The owner's most recently created task in one of `statuses`."""
    row = conn.execute(
        f"SELECT id FROM tasks WHERE owner = ? AND status IN "
        f"({', '.join('?' * len(statuses))}) ORDER BY number DESC LIMIT 1",
        (owner, *statuses),
    ).fetchone()
    return None if row is None else str(row[0])


def task_id_by_number(conn: sqlite3.Connection, owner: str, number: int) -> str | None:
    row = conn.execute("SELECT id FROM tasks WHERE owner = ? AND number = ?",
                       (owner, number)).fetchone()
    return None if row is None else str(row[0])


def next_number(conn: sqlite3.Connection, owner: str) -> int:
    """The list number the owner's next task gets."""
    row = conn.execute(
        "SELECT coalesce(max(number), 0) FROM tasks WHERE owner = ?", (owner,)
    ).fetchone()
    return int(row[0]) + 1


def owner_history(conn: sqlite3.Connection, owner: str, types: tuple[str, ...],
                  limit: int = 500) -> list[StoredEvent]:
    """The owner's latest task events of `types`, newest first, found through their tasks."""
    cols = ", ".join(f"e.{c.strip()}" for c in COLUMNS.split(","))
    marks = ",".join("?" * len(types))
    rows = conn.execute(
        f"SELECT {cols} FROM tasks t JOIN events e ON e.stream = 'task-' || t.id "
        f"WHERE t.owner = ? AND e.type IN ({marks}) ORDER BY e.position DESC LIMIT ?",
        (owner, *types, limit),
    ).fetchall()
    return [row_to_event(r) for r in rows]


def task_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """How many tasks have each status."""
    return {str(s): int(n) for s, n in
            conn.execute("SELECT status, count(*) FROM tasks GROUP BY status")}


# -- users ------------------------------------------------------------------------

def user_settings(conn: sqlite3.Connection, user_id: str) -> UserSettings:
    row = conn.execute("SELECT tz, lang, lead_min, tg_lang, digest_at, digest_always "
                       "FROM users WHERE id = ?", (user_id,)).fetchone()
    if not row:
        return UserSettings(user_id, None, None)
    tz, lang, lead_min, tg_lang, digest_at, always = row
    return UserSettings(user_id, tz, lang, lead_min, tg_lang, digest_at, bool(always))


# -- the worker's questions ----------------------------------------------------------

# A task is due for its reminder once due_at - the owner's lead time (else the
# global one) has come; due_at is whole seconds, so comparing with `now + lead`
# cut to whole seconds is exact.
# Round robin over the owners (`turn`: a chat's 1st, 2nd, ... due reminder), so that
# a batch reaches as many chats as it can: Telegram takes one message a second per
# chat but about thirty a second overall.
_DUE_SQL = """
SELECT id, owner, number, title, due_at, tz, lang, tg_lang, lead_min FROM (
  SELECT t.id, t.owner, t.number, t.title, t.due_at, u.tz, u.lang, u.tg_lang, u.lead_min,
         row_number() OVER (PARTITION BY t.owner ORDER BY t.due_at, t.id) AS turn
  FROM tasks t LEFT JOIN users u ON u.id = t.owner
  WHERE t.status = 'open' AND t.due_at IS NOT NULL
    AND t.due_at <= strftime('%Y-%m-%dT%H:%M:%SZ', :now,
                             '+' || coalesce(u.lead_min, :lead) || ' minutes')
    AND NOT EXISTS (SELECT 1 FROM idempotency_keys k
                    WHERE k.key = 'reminder:' || t.id || ':' || t.due_at))
ORDER BY turn, due_at LIMIT :batch
"""


def due_reminders(conn: sqlite3.Connection, now: str, lead_min: int,
                  batch: int) -> list[DueReminder]:
    """Reminders due at `now` ("YYYY-MM-DD HH:MM:SS" UTC) not sent yet, `lead_min` the
    default lead time, at most `batch`, round robin over the owners."""
    rows = conn.execute(_DUE_SQL, {"now": now, "lead": lead_min, "batch": batch})
    return [DueReminder(*row) for row in rows]


# Open repeating tasks whose current occurrence may be past: a cheap superset (a task
# with no time is compared by its date with today's UTC date); Series.missed decides.
_PAST_SQL = """
SELECT t.id, t.repeat, t.repeat_start, t.repeat_slot, t.due_date, t.due_time, t.tz, u.lead_min
FROM tasks t LEFT JOIN users u ON u.id = t.owner
WHERE t.status = 'open' AND t.repeat IS NOT NULL AND t.due_date IS NOT NULL
  AND ((t.due_at IS NOT NULL AND t.due_at <= :now)
       OR (t.due_at IS NULL AND t.due_date <= :today))
"""


def repeating_past(conn: sqlite3.Connection, now: str, today: str) -> list[RepeatingDue]:
    """Repeating tasks whose occurrence may be past at `now` (ISO UTC, "Z") / `today`."""
    rows = conn.execute(_PAST_SQL, {"now": now, "today": today})
    return [RepeatingDue(*row) for row in rows]


_CALENDAR_SQL = (
    f"SELECT {', '.join(f't.{c}' for c in VIEW_TASK_COLUMNS)}, "
    f"{', '.join(f'l.{c}' for c in LINK_COLUMNS)}, u.lang, u.tg_lang FROM tasks t "
    "LEFT JOIN calendar_links l ON l.task_id = t.id LEFT JOIN users u ON u.id = t.owner "
)
_N_TASK, _N_LINK = len(VIEW_TASK_COLUMNS), len(VIEW_TASK_COLUMNS) + len(LINK_COLUMNS)


def calendar_rows(conn: sqlite3.Connection, task_id: str | None = None) -> list[CalendarRow]:
    """(task, its link, its owner's language choices) for one task, or all by creation."""
    where = "WHERE t.id = ?" if task_id else ""
    cursor = conn.execute(_CALENDAR_SQL + where + " ORDER BY t.created_at",
                          (task_id,) if task_id else ())
    out = []
    for row in cursor.fetchall():
        link = LinkView(*row[_N_TASK:_N_LINK]) if row[_N_TASK] else None
        unsyncable = link is not None and link.state == "unsyncable" \
            and link.synced_version == row[VIEW_TASK_COLUMNS.index("version")]
        event_id = link.calendar_event_id if link is not None else None
        task_ = TaskView(*(*row[:_N_TASK], event_id, unsyncable))
        out.append(CalendarRow(task_, link, row[_N_LINK], row[_N_LINK + 1]))
    return out


_UNSYNCABLE_WHERE = ("WHERE l.state = 'unsyncable' AND l.synced_version = t.version "
                     "AND t.status IN ('open', 'done')")


def unsyncable_count(conn: sqlite3.Connection) -> int:
    """Open or done tasks whose current version the calendar cannot hold (calendar.unsyncable)."""
    return int(conn.execute(
        "SELECT count(*) FROM calendar_links l JOIN tasks t ON t.id = l.task_id "
        + _UNSYNCABLE_WHERE).fetchone()[0])


def unsyncable_untold(conn: sqlite3.Connection, key_prefix: str,
                      limit: int = 50) -> list[UnsyncableTask]:
    """Tasks the calendar cannot hold whose owner was not told yet (no
    `key_prefix<id>:<version>` idempotency key)."""
    cursor = conn.execute(
        "SELECT t.id, t.owner, t.number, t.title, t.version, u.lang, u.tg_lang "
        "FROM calendar_links l JOIN tasks t ON t.id = l.task_id "
        "LEFT JOIN users u ON u.id = t.owner " + _UNSYNCABLE_WHERE +
        " AND NOT EXISTS (SELECT 1 FROM idempotency_keys k "
        "WHERE k.key = ? || t.id || ':' || t.version) LIMIT ?", (key_prefix, limit))
    return [UnsyncableTask(*row) for row in cursor]
