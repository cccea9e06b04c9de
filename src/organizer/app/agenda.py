"""Tasks as agenda lines, in agenda order: what the bot's lists and `organizer task list`
share. The one place that reads a task's fields for a list (organizer.domain.agenda has
the order, organizer.wording.agenda the words)."""

from __future__ import annotations

from collections.abc import Container, Iterable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from organizer.domain.agenda import AgendaLine, order_key
from organizer.store.views import TaskView
from organizer.wording import local_due


def line_of(task: TaskView, tz: str, noted: Container[str] = ()) -> AgendaLine:
    """The task as a list line, its date and time in zone `tz`; `noted`: the ids of tasks
    that have notes (the 📝 mark)."""
    day, at = local_due(task, tz)
    return AgendaLine(number=task.number, title=task.title, day=day, at=at, due_at=task.due_at,
                      repeat=task.repeat or None, not_in_calendar=task.not_in_calendar,
                      has_note=task.id in noted)


def lines_of(tasks: Iterable[TaskView], tz: str, noted: Container[str] = ()) -> list[AgendaLine]:
    return [line_of(task, tz, noted) for task in tasks]


def in_agenda_order(tasks: Sequence[TaskView], tz: str, now: datetime) -> list[TaskView]:
    """`tasks` sorted as the agenda lists them, each owner's together: overdue first, then
    by due time, undated last."""
    today = now.astimezone(ZoneInfo(tz)).date()
    return sorted(tasks, key=lambda t: (t.owner, order_key(line_of(t, tz), today, now)))
