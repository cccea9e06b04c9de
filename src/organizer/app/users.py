"""Per-user settings (time zone, language) as events on stream `user-<id>`, read from `users`.

A setting is a state change like any other: it is appended as an event and
folded into the `users` projection in the same transaction, so a rebuild
reproduces it. An idempotency key makes a redelivered request a no-op.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from organizer.app.tasks import utcnow
from organizer.domain import events as e
from organizer.errors import DomainError
from organizer.store.db import transaction
from organizer.store.events import EventStore
from organizer.store.projections import project

LANGS = ("ru", "en")


class InvalidSetting(DomainError):
    """A time zone or language that organizer does not know."""


@dataclass(frozen=True)
class UserSettings:
    user_id: str
    tz: str | None
    lang: str | None


def user_stream(user_id: str) -> str:
    return f"user-{user_id}"


def valid_tz(name: str) -> str:
    """The IANA zone name as given, or InvalidSetting."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidSetting(f"unknown time zone {name!r}; e.g. Europe/Moscow") from exc
    if "/" not in name and name.upper() != "UTC":
        raise InvalidSetting(f"unknown time zone {name!r}; e.g. Europe/Moscow")
    return name


class UserService:
    """Reads and changes one person's settings on one connection."""

    def __init__(self, conn: sqlite3.Connection, clock: Callable[[], datetime] = utcnow) -> None:
        self.conn = conn
        self.store = EventStore(conn)
        self.clock = clock

    def get(self, user_id: str) -> UserSettings:
        row = self.conn.execute("SELECT tz, lang FROM users WHERE id = ?", (user_id,)).fetchone()
        return UserSettings(user_id, row[0], row[1]) if row else UserSettings(user_id, None, None)

    def set_tz(self, user_id: str, tz: str, *, idempotency_key: str | None = None,
               meta: dict[str, Any] | None = None) -> UserSettings:
        event = e.UserTzSet(user_id=user_id, tz=valid_tz(tz.strip()))
        return self._append(user_id, event, idempotency_key, meta)

    def set_lang(self, user_id: str, lang: str, *, idempotency_key: str | None = None,
                 meta: dict[str, Any] | None = None) -> UserSettings:
        lang = lang.strip().lower()
        if lang not in LANGS:
            raise InvalidSetting(f"unknown language {lang!r}; one of {', '.join(LANGS)}")
        return self._append(user_id, e.UserLangSet(user_id=user_id, lang=lang),
                            idempotency_key, meta)

    def _append(self, user_id: str, event: e.Event, key: str | None,
                meta: dict[str, Any] | None) -> UserSettings:
        stream = user_stream(user_id)
        with transaction(self.conn):
            if key is not None and self.store.outcome(key) is not None:
                return self.get(user_id)
            now = self.clock()
            stored = self.store.append(stream, self.store.stream_version(stream), [event],
                                       now=now, owner=user_id, meta=meta)
            project(self.conn, stored)
            if key is not None:
                self.store.remember(key, stream, stored, {"user_id": user_id,
                                                          "action": e.type_of(event)}, now)
        return self.get(user_id)
