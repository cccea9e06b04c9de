"""The agenda: a person's tasks in the order they come due, grouped by day.

Pure: a task enters as an `AgendaLine` whose date and time are already local to
the person's zone (organizer.bot.agenda builds them), and `now` is passed in.
Overdue tasks come first (the oldest first), then each day from today on (a
task with a date and no time opens its day, as a calendar's all-day events do),
then the tasks without a date in the order they were made.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

OVERDUE, TODAY, TOMORROW, DAY, NO_DATE = "overdue", "today", "tomorrow", "day", "no_date"


@dataclass(frozen=True)
class AgendaLine:
    """One task as a list shows it."""

    number: int
    title: str
    day: date | None          # local to the person's zone
    at: time | None
    due_at: str | None        # the instant, "YYYY-MM-DDTHH:MM:SSZ", when the task has a time
    repeat: str | None = None  # the rule (RRULE) of a repeating task: the ↻ mark
    has_note: bool = False     # the 📝 mark: the task has notes
    not_in_calendar: bool = False


@dataclass(frozen=True)
class Group:
    """A heading's kind (OVERDUE, TODAY, TOMORROW, DAY or NO_DATE), its day, and its lines."""

    kind: str
    day: date | None
    lines: tuple[AgendaLine, ...]


def is_overdue(line: AgendaLine, today: date, now: datetime) -> bool:
    """Past its due time (a task with a time) or its day is over (a task with a date only)."""
    return _overdue(line, today, _instant(now))


def order_key(line: AgendaLine, today: date, now: datetime) -> tuple[int, date, int, time, str, int]:
    """Overdue first, then by day and time (a day's untimed tasks first), undated last."""
    return _key(line, _overdue(line, today, _instant(now)))


def arrange(lines: list[AgendaLine], today: date, now: datetime) -> list[Group]:
    """The lines in agenda order, under their headings."""
    cutoff = _instant(now)
    keyed = sorted((_key(line, _overdue(line, today, cutoff)), index)
                   for index, line in enumerate(lines))
    heads: list[tuple[str, date | None]] = []
    members: list[list[AgendaLine]] = []
    for key, index in keyed:
        line = lines[index]
        head = _heading(line, key[0] == 0, today)
        if not heads or heads[-1] != head:
            heads.append(head)
            members.append([])
        members[-1].append(line)
    return [Group(kind, day, tuple(group)) for (kind, day), group in zip(heads, members, strict=True)]


def _instant(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _overdue(line: AgendaLine, today: date, cutoff: str) -> bool:
    if line.due_at is not None:
        return line.due_at < cutoff
    return line.day is not None and line.day < today


def _key(line: AgendaLine, overdue: bool) -> tuple[int, date, int, time, str, int]:
    rank = 0 if overdue else (1 if line.day is not None else 2)
    return (rank, line.day or date.min, 0 if line.at is None else 1, line.at or time.min,
            line.due_at or "", line.number)


def _heading(line: AgendaLine, overdue: bool, today: date) -> tuple[str, date | None]:
    if overdue:
        return OVERDUE, None
    if line.day is None:
        return NO_DATE, None
    if line.day == today:
        return TODAY, line.day
    if (line.day - today).days == 1:
        return TOMORROW, line.day
    return DAY, line.day
