"""The reminder side of the worker: find due reminders, send each once, record it."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from organizer.domain import events as e
from organizer.domain.users import lead_minutes, reply_language
from organizer.reminders import plan
from organizer.reminders.missed import MissedOccurrences
from organizer.reminders.notices import tell_owners
from organizer.settings import Settings
from organizer.store import views
from organizer.store.commit import Decision, commit
from organizer.telegram import SendFailed

if TYPE_CHECKING:
    from organizer.canon import Canon

log = logging.getLogger("organizer.reminders")
BATCH = 100


class Sender(Protocol):
    def send(self, chat_id: int, text: str, markup: dict[str, object]) -> bool: ...

    def chat_delay(self, chat_id: int) -> float: ...


def stream_of(task_id: str) -> str:
    return f"reminder-{task_id}"


class Reminders:
    """Call `step()` every second or so; it returns how long to hold off after a failure.

    `canon()` gives the current canon (its templates word the message); the owner's
    language, time zone and lead time come from the `users` projection, chosen as
    the bot chooses them for its replies (organizer.domain.users), else
    DEFAULT_LANG, DEFAULT_TZ and REMINDER_LEAD_MIN.
    """

    def __init__(self, settings: Settings, conn: sqlite3.Connection, sender: Sender, *,
                 clock: Callable[[], datetime], canon: Callable[[], Canon]) -> None:
        self.settings = settings
        self.conn = conn
        self.sender = sender
        self.clock = clock
        self.canon = canon
        self.sent = 0
        self.last = "none"
        self.undeliverable_since: datetime | None = None  # the Bot API failing since
        self.last_error: str | None = None
        self.missed = MissedOccurrences(settings, conn, clock=clock)

    def step(self) -> float:
        """Send what is due now; 0.0 when all went well, else seconds to wait.

        A pass sends at most one message per chat (the sender paces the bot as a
        whole): a chat's next reminder waits for a later pass, so one busy chat
        never holds the others up, and nothing is dropped — an unsent reminder is
        unrecorded and stays due.
        """
        self.missed.step()  # first, so a repeating task's new occurrence is reminded now
        # "the calendar cannot hold task N", once per task version
        hold = tell_owners(self.conn, self.sender, self.canon, self.settings.default_lang,
                           self.clock())
        if hold:
            return hold
        now = self.clock()
        settings = self.settings
        due = views.due_reminders(self.conn, now.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
                                  settings.reminder_lead_min, BATCH)
        later: float | None = None  # the soonest a deferred chat may get its next message
        for task in due:
            reminder = plan.decide(task, now,
                                   lead_minutes(task.lead_min, settings.reminder_lead_min),
                                   settings.reminder_max_late_min)
            if reminder is None:
                continue
            if not reminder.skip:
                wait = self.sender.chat_delay(int(task.owner))
                if wait > 0:
                    later = wait if later is None else min(later, wait)
                    continue
                try:
                    self._send(task, reminder.late, now)
                except SendFailed as exc:
                    if exc.retry_after is not None:
                        self._failing(exc)
                        return exc.retry_after
                    log.warning("reminder for task %s not sent: %s", task.id, exc)
                    reminder = plan.Reminder(reminder.task_id, reminder.owner, reminder.due_at,
                                             reminder.late, skip=True)
                else:
                    self._delivering()
            self._record(reminder, now)
        return later or 0.0

    def _send(self, task: views.DueReminder, late: bool, now: datetime) -> None:
        settings, canon = self.settings, self.canon()
        lang = reply_language(task.lang, task.tg_lang, settings.default_lang)
        message = plan.text(canon, task, lang, task.tz or settings.default_tz, now, late)
        if not self.sender.send(int(task.owner), message, plan.keyboard(canon, task.id, lang)):
            log.warning("reminder for task %s: Telegram's answer never came or was unreadable; "
                        "counted as sent", task.id)

    def _failing(self, exc: SendFailed) -> None:
        """The Bot API did not take a reminder: remembered for the heartbeat, logged once."""
        self.last = f"waiting: {exc}"
        if exc.flood:
            return  # pacing, not an outage
        if exc.config and self.last_error != str(exc):
            log.error("reminders cannot be delivered: %s", exc)
        elif self.undeliverable_since is None:
            log.warning("reminders cannot be delivered: %s; retrying with backoff", exc)
        if self.undeliverable_since is None:
            self.undeliverable_since = self.clock()
        self.last_error = str(exc)

    def _delivering(self) -> None:
        if self.undeliverable_since is not None:
            log.info("reminders are delivered again (failing since %s)",
                     self.undeliverable_since.isoformat(timespec="seconds"))
        self.undeliverable_since = None
        self.last_error = None

    def _record(self, reminder: plan.Reminder, now: datetime) -> None:
        stream = stream_of(reminder.task_id)
        sent = e.ReminderSent(task_id=reminder.task_id, due_at=reminder.due_at,
                              late=reminder.late, skipped=reminder.skip)
        done = commit(
            self.conn,
            lambda store: Decision(stream, store.stream_version(stream), [sent], reminder.owner,
                                   {"task_id": reminder.task_id, "skipped": reminder.skip}),
            now=lambda: now, key=plan.key(reminder.task_id, reminder.due_at))
        if done.replayed is not None:
            return
        if not reminder.skip:
            self.sent += 1
        self.last = f"{'skipped' if reminder.skip else 'sent'} {reminder.task_id}"
