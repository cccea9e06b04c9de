"""Telling a person, once, that the calendar cannot hold one of their tasks.

The calendar side of the worker records `calendar.unsyncable` for a task whose
event cannot be built (31.12.9999 23:59: its 30 minutes end in the year 10000).
The reminder side, which has the Telegram sender and the canon, says so to the
task's owner in their language (the canon's `calendar_unsyncable`), once per
version of the task: an idempotency key records that it was said.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from organizer.domain.users import reply_language
from organizer.store.commit import Decision, commit
from organizer.store.views import UnsyncableTask, unsyncable_untold
from organizer.telegram import SendFailed

if TYPE_CHECKING:
    from organizer.canon import Canon

log = logging.getLogger("organizer.reminders")
KEY_PREFIX = "calendar-unsyncable:"
NO_BUTTONS: dict[str, object] = {"inline_keyboard": []}


def tell_owners(conn: sqlite3.Connection, sender: Any, canon: Callable[[], Canon],
                default_lang: str, now: datetime) -> float:
    """Tell every owner not told yet; seconds to hold off when Telegram asks to wait, else 0.0."""
    for task in unsyncable_untold(conn, KEY_PREFIX):
        told = task.owner.isdigit()  # a CLI-only owner has no chat to tell
        if told:
            lang = reply_language(task.lang, task.tg_lang, default_lang)
            text = str(canon().reply("calendar_unsyncable", lang, number=task.number,
                                     title=task.title))
            try:
                sender.send(int(task.owner), text, NO_BUTTONS)
            except SendFailed as exc:
                if exc.retry_after is not None:
                    return exc.retry_after
                log.warning("task %s: could not say it is not in the calendar: %s",
                            task.id, exc)
        _remember(conn, task, told, now)
    return 0.0


def _remember(conn: sqlite3.Connection, task: UnsyncableTask, told: bool, now: datetime) -> None:
    task_id = task.id
    commit(conn, lambda _store: Decision(f"calendar-{task_id}", 0, (), None,
                                         {"task_id": task_id, "told": told}),
           now=lambda: now, key=f"{KEY_PREFIX}{task_id}:{task.version}")
