"""Which reminders are due and what they say (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

LATE_GRACE = timedelta(minutes=2)
SNOOZE_CHOICES = ((15, "⏰ +15 мин"), (60, "⏰ +1 час"))


@dataclass(frozen=True)
class Reminder:
    task_id: str
    owner: str
    due_at: str
    text: str
    late: bool
    skip: bool


def key(task_id: str, due_at: str) -> str:
    """The idempotency key: one reminder per task and due time."""
    return f"reminder:{task_id}:{due_at}"


def parse_due(due_at: str) -> datetime:
    return datetime.fromisoformat(due_at.replace("Z", "+00:00"))


def cutoff(now: datetime, lead_min: int) -> str:
    """Tasks due at or before this instant are due for a reminder now."""
    return (now + timedelta(minutes=lead_min)).strftime("%Y-%m-%dT%H:%M:%SZ")


def decide(task: dict[str, Any], now: datetime, lead_min: int,
           max_late_min: int) -> Reminder | None:
    """The reminder `task` needs at `now`, or None while it is not due yet."""
    due = parse_due(task["due_at"])
    remind_at = due - timedelta(minutes=lead_min)
    if now < remind_at:
        return None
    lateness = now - remind_at
    late = lateness > LATE_GRACE
    skip = lateness > timedelta(minutes=max_late_min) or not str(task["owner"]).isdigit()
    return Reminder(task["id"], str(task["owner"]), task["due_at"],
                    text(task["title"], due, task["tz"], late), late, skip)


def text(title: str, due: datetime, tz: str, late: bool) -> str:
    local = due.astimezone(ZoneInfo(tz))
    if late:
        return f"⏰ {title}\n(с опозданием: было на {local:%H:%M %d.%m})"
    return f"⏰ {title}\n{local:%H:%M}"


def keyboard(task_id: str) -> dict[str, Any]:
    """Inline buttons; the bot handles `done:<id>` and `snooze:<id>:<minutes>`."""
    return {"inline_keyboard": [
        [{"text": "✅ Готово", "callback_data": f"done:{task_id}"}],
        [{"text": label, "callback_data": f"snooze:{task_id}:{minutes}"}
         for minutes, label in SNOOZE_CHOICES],
    ]}
