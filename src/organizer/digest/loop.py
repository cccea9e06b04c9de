"""The digest side of the worker: each pass, send the digests that are due, record each once."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from organizer.app.tasks import TaskService
from organizer.bot.replies import chunks
from organizer.digest import plan
from organizer.digest.body import body
from organizer.domain import events as e
from organizer.domain.users import reply_language
from organizer.reminders.loop import Sender
from organizer.settings import Settings
from organizer.store import digests
from organizer.store.commit import Decision, commit
from organizer.telegram import SendFailed

if TYPE_CHECKING:
    from organizer.canon import Canon

log = logging.getLogger("organizer.digest")


class Digests:
    """Call `step()` every second or so; it returns how long to hold off after a failure.

    A digest is recorded (`digest.sent`, key `digest:<user>:<local date>`) right after
    Telegram took it, or as skipped on a day with nothing to show, so a restart never
    sends one twice. One that Telegram could not take now stays unrecorded and is tried
    again; one the chat refuses (blocked bot, no such chat) is recorded as skipped.
    """

    def __init__(self, settings: Settings, conn: sqlite3.Connection, sender: Sender, *,
                 clock: Callable[[], datetime], canon: Callable[[], Canon]) -> None:
        self.settings, self.conn, self.sender = settings, conn, sender
        self.clock, self.canon = clock, canon
        self.tasks = TaskService(conn, clock)
        self.sent = 0
        self.last = "none"
        self.undeliverable_since: datetime | None = None  # the Bot API failing since
        self.last_error: str | None = None

    def step(self) -> float:
        """Send what is due now; 0.0 when all went well, else seconds to wait.

        At most one message per chat per pass, like the reminders; the shared sender
        paces the bot as a whole within Telegram's limits.
        """
        now = self.clock()
        found = [(reader, plan.due(reader.user_id, reader.at,
                                   reader.tz or self.settings.default_tz, now, reader.since))
                 for reader in digests.readers(self.conn)]
        waiting = [(reader, due) for reader, due in found if due is not None]
        done = digests.done_keys(self.conn, [plan.key(d.user_id, d.day) for _, d in waiting])
        later: float | None = None
        for reader, due in waiting:
            if plan.key(due.user_id, due.day) in done:
                continue
            wait = self.sender.chat_delay(int(reader.user_id))
            if wait > 0:
                later = wait if later is None else min(later, wait)
                continue
            try:
                skipped = not self._send(reader, now)
            except SendFailed as exc:
                if exc.retry_after is not None:
                    self._failing(exc)
                    return exc.retry_after
                # this chat refuses it (blocked, no such chat): that day's digest is given up
                log.warning("digest for %s not sent: %s", reader.user_id, exc)
                skipped = True
            self._record(due, skipped, now)
        return later or 0.0

    def _send(self, reader: digests.DigestReader, now: datetime) -> bool:
        """Send the digest; False (nothing sent) on an empty day unless it is wanted always."""
        canon, settings = self.canon(), self.settings
        lang = reply_language(reader.lang, reader.tg_lang, settings.default_lang)
        tz = reader.tz or settings.default_tz
        text = body(self.tasks, canon, reader.user_id, tz, lang, now)
        if text is None and not reader.always:
            return False
        text = canon.reply("digest", lang, body=text or canon.reply("digest_empty", lang))
        for part in chunks(text):  # a long day takes more than one message
            if not self.sender.send(int(reader.user_id), part, {}):
                log.warning("digest for %s: Telegram's answer never came or was unreadable; "
                            "counted as sent", reader.user_id)
        self._delivering()
        return True

    def _failing(self, exc: SendFailed) -> None:
        """The Bot API did not take a digest: remembered for the heartbeat, logged once."""
        self.last = f"waiting: {exc}"
        if exc.flood:
            return  # pacing, not an outage
        if self.undeliverable_since is None:
            log.warning("digests cannot be delivered: %s; retrying", exc)
            self.undeliverable_since = self.clock()
        self.last_error = str(exc)

    def _delivering(self) -> None:
        if self.undeliverable_since is not None:
            log.info("digests are delivered again")
        self.undeliverable_since = None
        self.last_error = None

    def _record(self, due: plan.Due, skipped: bool, now: datetime) -> None:
        stream = plan.stream_of(due.user_id)
        event = e.DigestSent(user_id=due.user_id, day=due.day, skipped=skipped)
        done = commit(
            self.conn,
            lambda store: Decision(stream, store.stream_version(stream), [event], due.user_id,
                                   {"user_id": due.user_id, "day": due.day,
                                    "skipped": skipped}),
            now=lambda: now, key=plan.key(due.user_id, due.day))
        if done.replayed is not None:
            return
        if not skipped:
            self.sent += 1
        self.last = f"{'skipped' if skipped else 'sent'} {due.user_id} {due.day}"
