"""What a digest says: the day's agenda, then what is overdue, as the bot lists them.

This is the one place the digest's text is made: it uses the bot's own list replies
("что на сегодня", "просроченные"), so when the agenda's layout changes, pointing
`body` at it changes the digest too.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from organizer.bot.agenda import listing
from organizer.wording import local_due

if TYPE_CHECKING:
    from organizer.app.tasks import TaskService
    from organizer.canon import Canon


def body(tasks: TaskService, canon: Canon, owner: str, tz: str, lang: str,
         now: datetime) -> str | None:
    """Today's open tasks, then the overdue ones (when some are from earlier days), in the
    bot's list wording; None when there is neither."""
    today = now.astimezone(ZoneInfo(tz)).date()
    days = [local_due(task, tz)[0] for task in tasks.list(owner)]
    parts = []
    if any(day == today for day in days):
        parts.append(listing(tasks, canon, owner, "today", tz, lang, now).text)
    if any(day is not None and day < today for day in days):
        parts.append(listing(tasks, canon, owner, "overdue", tz, lang, now).text)
    return "\n\n".join(parts) or None
