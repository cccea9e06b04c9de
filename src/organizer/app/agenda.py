"""Tasks as agenda lines, in agenda order: what the bot's lists and `organizer task list`
share. The one place that reads a task's fields for a list (organizer.domain.agenda has
the order, organizer.wording.agenda the words)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from organizer.domain.agenda import AgendaLine, order_key
from organizer.wording import local_due

Task = TypeVar("Task")


def line_of(task: Any, tz: str) -> AgendaLine:
    """The task as a list line, its date and time in zone `tz`."""
    day, at = local_due(task, tz)
    return AgendaLine(number=int(task["number"]), title=str(task["title"]), day=day, at=at,
                      due_at=task["due_at"], repeat=task.get("repeat") or None,
                      not_in_calendar=bool(task.get("not_in_calendar")))


def lines_of(tasks: Iterable[Any], tz: str) -> list[AgendaLine]:
    return [line_of(task, tz) for task in tasks]


def in_agenda_order(tasks: Sequence[Task], tz: str, now: datetime,
                    owner_of: Any = None) -> list[Task]:
    """`tasks` sorted as the agenda lists them (overdue first, then by due time, undated
    last); with `owner_of`, each owner's tasks together."""
    today = now.astimezone(ZoneInfo(tz)).date()
    keyed = [((owner_of(t) if owner_of else ""), order_key(line_of(t, tz), today, now), i)
             for i, t in enumerate(tasks)]
    keyed.sort()
    return [tasks[i] for _, _, i in keyed]
