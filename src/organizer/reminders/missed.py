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
from organizer.store import views

log = logging.getLogger("organizer.reminders")


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
        rows = views.repeating_past(self.conn, utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                    utc.date().isoformat())
        moved = 0
        for task in rows:
            if not task.repeat_start or not task.repeat_slot:
                continue
            lead_min = lead_minutes(task.lead_min, self.settings.reminder_lead_min)
            series = Series(task.repeat, task.repeat_start, task.repeat_slot, task.due_date,
                            task.due_time, task.tz)
            try:
                if series.missed(now, lead_min) is None:
                    continue
                outcome = self.tasks.execute(AdvanceMissed(task.id, now, lead_min),
                                             meta={"via": "worker.missed"})
            except DomainError as exc:  # a rule this code cannot compute: leave the task be
                log.warning("repeating task %s not moved on: %s", task.id, exc)
                continue
            moved += bool(outcome.positions)
        return moved
