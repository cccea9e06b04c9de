"""Snooze: a reschedule to now + N minutes, through the one write path."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from organizer.app.tasks import Outcome, TaskService
from organizer.domain.commands import RescheduleTask
from organizer.errors import TaskNotFound

MAX_SNOOZE_MIN = 7 * 24 * 60


def snooze(service: TaskService, task_id: str, minutes: int, now: datetime, *,
           lead_min: int = 0, idempotency_key: str | None = None) -> Outcome:
    """Remind again `minutes` from `now`: the due time moves to now + minutes + the owner's
    lead time (whole minutes, rounded up) in the task's zone.

    Keeping the lead is what makes the next reminder come `minutes` from now: a
    due time of now + minutes with a 30-minute lead would be reminded at once —
    and, pressed on a reminder that came ahead of the due time, would even move
    the task earlier. With no lead the task is simply due at now + minutes.

    The bot calls this for a `snooze:<task_id>:<minutes>` button, passing its own
    idempotency key so a redelivered press reschedules once.
    """
    if not 1 <= minutes <= MAX_SNOOZE_MIN:
        raise ValueError(f"snooze minutes must be 1..{MAX_SNOOZE_MIN}, not {minutes}")
    task = service.get(task_id)
    if task is None:
        raise TaskNotFound(f"task {task_id} does not exist")
    local = (now + timedelta(minutes=minutes + lead_min)).astimezone(ZoneInfo(task.tz))
    if local.second or local.microsecond:
        local = local.replace(second=0, microsecond=0) + timedelta(minutes=1)
    command = RescheduleTask(task_id, local.date(), local.time(), task.tz,
                             source_text=f"snooze {minutes} min")
    return service.execute(command, idempotency_key=idempotency_key,
                           meta={"via": "reminder.snooze"})
