"""Per-user settings (time zone, language, reminder lead time, digest time, Telegram's
language code) as events on stream `user-<id>`, read from `users`.

A setting is a state change like any other: it is appended as an event and
folded into the `users` projection in the same transaction, so a rebuild
reproduces it. An idempotency key makes a redelivered request a no-op.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from organizer.clock import utcnow
from organizer.domain import events as e
from organizer.domain import users as rules
from organizer.domain.users import AUTO, LANGS, MAX_LEAD_MIN
from organizer.errors import DomainError
from organizer.parsing.lead import parse_lead
from organizer.store.commit import Decision, commit
from organizer.store.events import EventStore
from organizer.store.views import UserSettings, user_settings

__all__ = ["AUTO", "LANGS", "MAX_LEAD_MIN", "InvalidSetting", "UserService", "UserSettings",
           "parse_lead"]
# A zone name: words of letters, digits, "_", "+" and "-" joined by "/", as in the tz database.
_ZONE_NAME = re.compile(r"[A-Za-z0-9_+\-]{1,30}(?:/[A-Za-z0-9_+\-]{1,30}){0,2}")


class InvalidSetting(DomainError):
    """A time zone or language that organizer does not know."""




def user_stream(user_id: str) -> str:
    return f"user-{user_id}"


def valid_tz(name: str) -> str:
    """The IANA zone name as given, or InvalidSetting: a region ("Europe"), a path
    ("../../etc/passwd") or a name longer than any zone's is no zone."""
    refused = InvalidSetting(f"not a time zone: {name[:60]!r}; e.g. Europe/Berlin")
    if not _ZONE_NAME.fullmatch(name) or ".." in name:
        raise refused
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # a directory is an OSError
        raise refused from exc
    if "/" not in name and name.upper() != "UTC":
        raise refused
    return name


class UserService:
    """Reads and changes one person's settings on one connection."""

    def __init__(self, conn: sqlite3.Connection, clock: Callable[[], datetime] = utcnow) -> None:
        self.conn = conn
        self.store = EventStore(conn)
        self.clock = clock

    def get(self, user_id: str) -> UserSettings:
        return user_settings(self.conn, user_id)

    def set_tz(self, user_id: str, tz: str, *, idempotency_key: str | None = None,
               meta: dict[str, Any] | None = None) -> UserSettings:
        event = e.UserTzSet(user_id=user_id, tz=valid_tz(tz.strip()))
        return self._append(user_id, lambda _: [event], idempotency_key, meta)

    def set_lang(self, user_id: str, lang: str, *, idempotency_key: str | None = None,
                 meta: dict[str, Any] | None = None) -> UserSettings:
        """`ru` or `en`; `auto` gives the choice up (replies follow the Telegram app again)."""
        choice = lang.strip().lower()
        if choice not in (*LANGS, AUTO):
            raise InvalidSetting(f"unknown language {choice!r}; one of {', '.join(LANGS)}, {AUTO}")
        return self._append(user_id, lambda now: rules.decide_lang(user_id, choice, now.lang),
                            idempotency_key, meta)

    def set_lead(self, user_id: str, minutes: int, *, idempotency_key: str | None = None,
                 meta: dict[str, Any] | None = None) -> UserSettings:
        """Remind `minutes` before each due time; InvalidLead outside 0..MAX_LEAD_MIN."""
        events = rules.decide_lead(user_id, minutes)
        return self._append(user_id, lambda _: events, idempotency_key, meta)

    def set_digest(self, user_id: str, at: str | None, always: bool = False, *,
                   idempotency_key: str | None = None,
                   meta: dict[str, Any] | None = None) -> UserSettings:
        """The morning digest at `at` ("HH:MM" in the person's zone), or off (None);
        InvalidDigestTime for no time of day."""
        events = rules.decide_digest(user_id, at, always)
        return self._append(user_id, lambda _: events, idempotency_key, meta)

    def note_telegram_lang(self, user_id: str, language_code: str | None, *,
                           meta: dict[str, Any] | None = None) -> UserSettings:
        """Record Telegram's language_code when it is new or changed; otherwise nothing.

        A plain read answers the usual case (nothing new) without a write lock; the
        decision is taken again inside the write transaction, so a redelivered update
        or a racing message records it once. It never touches the /lang choice.
        """
        found = self.get(user_id)
        if not rules.decide_telegram_lang(user_id, found.tg_lang, language_code):
            return found
        return self._append(
            user_id, lambda now: rules.decide_telegram_lang(user_id, now.tg_lang, language_code),
            None, meta)

    def _append(self, user_id: str, decide: Callable[[UserSettings], list[e.Event]],
                key: str | None, meta: dict[str, Any] | None) -> UserSettings:
        stream = user_stream(user_id)

        def decision(store: EventStore) -> Decision | None:
            events = decide(self.get(user_id))
            if not events:
                return None
            return Decision(stream, store.stream_version(stream), events, user_id,
                            lambda stored: {"user_id": user_id, "action": stored[0].type})

        commit(self.conn, decision, now=self.clock, key=key, meta=meta)
        return self.get(user_id)
