"""Missed occurrences of repeating tasks: the worker moves a task past them.

The rule: a repeating task stays on its current occurrence until it is done or
moved, or until that occurrence is past and the reminder time of a later one
has come (its due time less the owner's lead time; for a task without a time,
the start of its day). Then the worker moves it, with a `task.advanced` event
whose reason is "missed", to the latest occurrence whose reminder time has
come, and that occurrence is reminded as usual. So a daily "выпить таблетку"
reminds every day even when yesterday's was never marked done.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

from organizer.app.tasks import TaskService
from organizer.domain.commands import AdvanceMissed
from organizer.domain.recurrence import Series
from organizer.domain.users import lead_minutes
from organizer.errors import DomainError
from organizer.settings import Settings

log = logging.getLogger("organizer.reminders")
# Open repeating tasks whose current occurrence may be past: a cheap superset (a task
# with no time is compared by its date with today's UTC date); Series.missed decides.
_PAST_SQL = """
SELECT t.id, t.repeat, t.repeat_start, t.repeat_slot, t.due_date, t.due_time, t.tz, u.lead_min
FROM tasks t LEFT JOIN users u ON u.id = t.owner
WHERE t.status = 'open' AND t.repeat IS NOT NULL AND t.due_date IS NOT NULL
  AND ((t.due_at IS NOT NULL AND t.due_at <= :now)
       OR (t.due_at IS NULL AND t.due_date <= :today))
"""


class MissedOccurrences:
    """Call `step()` before sending reminders; it returns how many tasks it moved on."""

    def __init__(self, settings: Settings, conn: sqlite3.Connection, *,
                 clock: Callable[[], datetime]) -> None:
        self.settings = settings
        self.conn = conn
        self.clock = clock
        self.tasks = TaskService(conn, clock)

    def step(self) -> int:
        now = self.clock()
        utc = now.astimezone(UTC)
        rows = self.conn.execute(_PAST_SQL, {"now": utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                             "today": utc.date().isoformat()}).fetchall()
        moved = 0
        for task_id, rule, start, slot, due_date, due_time, tz, lead in rows:
            if not start or not slot:
                continue
            lead_min = lead_minutes(lead, self.settings.reminder_lead_min)
            series = Series(rule, start, slot, due_date, due_time, tz)
            try:
                if series.missed(now, lead_min) is None:
                    continue
                outcome = self.tasks.execute(AdvanceMissed(task_id, now, lead_min),
                                             meta={"via": "worker.missed"})
            except DomainError as exc:  # a rule this code cannot compute: leave the task be
                log.warning("repeating task %s not moved on: %s", task_id, exc)
                continue
            moved += bool(outcome.positions)
        return moved
