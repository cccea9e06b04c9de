"""Dates and times in words, in the person's zone and language: one home for the bot's
replies, the reminders and the lists ("завтра в 10:00", "пт 15.03 в 18:30", "today at 09:00")."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

_WEEKDAYS = {"ru": ("пн", "вт", "ср", "чт", "пт", "сб", "вс"),
             "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}


class Due(Protocol):
    """What a task says about when it is due (organizer.store.views.TaskView has it)."""

    @property
    def due_date(self) -> str | None: ...
    @property
    def due_time(self) -> str | None: ...
    @property
    def due_at(self) -> str | None: ...


def local_due(task: Due, tz: str) -> tuple[date | None, time | None]:
    """The task's due date and time as seen in zone `tz`."""
    if task.due_at:
        instant = datetime.strptime(task.due_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        try:
            local = instant.astimezone(ZoneInfo(tz))
        except OverflowError:  # the last hours of 9999 seen from east of UTC: as written
            return date.fromisoformat(str(task.due_date)), time.fromisoformat(str(task.due_time))
        return local.date(), local.time().replace(second=0, microsecond=0)
    if task.due_date:
        return date.fromisoformat(task.due_date), None
    return None, None


def when_text(day: date | None, at: time | None, lang: str, today: date) -> str:
    """"завтра в 10:00", "пт 15.03 в 18:30", "today at 09:00" — or "" with no date."""
    if day is None:
        return ""
    ru = lang != "en"
    if day == today:
        label = "сегодня" if ru else "today"
    elif day == today + timedelta(days=1):
        label = "завтра" if ru else "tomorrow"
    elif day == today - timedelta(days=1):
        label = "вчера" if ru else "yesterday"
    else:
        weekday = _WEEKDAYS["ru" if ru else "en"][day.weekday()]
        label = f"{weekday} {day:%d.%m}" + ("" if day.year == today.year else f".{day.year}")
    if at is None:
        return label
    return f"{label} {'в' if ru else 'at'} {at:%H:%M}"


def task_when(task: Due, tz: str, lang: str, now: datetime) -> str:
    day, at = local_due(task, tz)
    return when_text(day, at, lang, now.astimezone(ZoneInfo(tz)).date())
