"""Dates and times in words, in the person's zone and language: one home for the bot's
replies, the reminders and the lists ("today at 09:00"; the words: the canon's `words.when`)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from organizer.wording.words import HasWords, names, word


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
        instant = datetime.fromisoformat(task.due_at).replace(tzinfo=UTC)  # "...Z"
        try:
            local = instant.astimezone(ZoneInfo(tz))
        except OverflowError:  # the last hours of 9999 seen from east of UTC: as written
            return date.fromisoformat(str(task.due_date)), time.fromisoformat(str(task.due_time))
        return local.date(), local.time().replace(second=0, microsecond=0)
    if task.due_date:
        return date.fromisoformat(task.due_date), None
    return None, None


def when_text(canon: HasWords, day: date | None, at: time | None, lang: str,
              today: date) -> str:
    """"tomorrow at 10:00", "Fri 15.03 at 18:30" (or the same in Russian); "" with no date."""
    if day is None:
        return ""
    if day == today:
        label = word(canon, "when.today", lang)
    elif day == today + timedelta(days=1):
        label = word(canon, "when.tomorrow", lang)
    elif day == today - timedelta(days=1):
        label = word(canon, "when.yesterday", lang)
    else:
        shown = f"{day:%d.%m}" + ("" if day.year == today.year else f".{day.year}")
        label = word(canon, "when.date", lang,
                     weekday=names(canon, "weekday_short", lang)[day.weekday()], date=shown)
    if at is None:
        return label
    return word(canon, "when.at", lang, day=label, time=f"{at:%H:%M}")


def task_when(canon: HasWords, task: Due, tz: str, lang: str, now: datetime) -> str:
    """The task's due time in words, in zone `tz`, seen from `now`."""
    day, at = local_due(task, tz)
    return when_text(canon, day, at, lang, now.astimezone(ZoneInfo(tz)).date())
