"""Wiring in one place: `bootstrap(settings)` gives what daemons and commands are built from.

Nothing is made or imported until it is asked for: a command that lists tasks
never imports the Telegram or Google clients, and `organizer --help` imports
none of this. Each call makes a fresh object (a connection per thread, a
client per loop); the caller owns it and closes it.

    services = bootstrap(settings)
    conn = services.database()              # volume and schema checked
    canon = services.canon()                # loaded and validated, or CanonError
    tasks = services.tasks()                # TaskService on its own connection
    sender = services.telegram_sender()     # the worker's and ops' sendMessage adapter
    client = services.calendar_client(wait) # Google Calendar, with the client's retries
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

from organizer.clock import Clock, utcnow
from organizer.errors import ConfigError
from organizer.settings import Settings

if TYPE_CHECKING:
    import httpx

    from organizer.app.tasks import TaskService
    from organizer.app.users import UserService
    from organizer.calendar.client import CalendarClient, Wait
    from organizer.canon import Canon, LiveCanon
    from organizer.telegram import BotSender


@dataclass(frozen=True)
class Services:
    """Builders for the services of one process, from its Settings."""

    settings: Settings
    clock: Clock = utcnow

    def database(self, *, readonly: bool = False) -> sqlite3.Connection:
        """A connection to DB_PATH; refuses the wrong volume or an incomplete schema."""
        from organizer.app.database import open_database

        return open_database(self.settings, readonly=readonly)

    def canon(self) -> Canon:
        """The canon at CANON_PATH, loaded and checked once."""
        from organizer.canon import load_canon

        return load_canon(self.settings.canon_path)

    def live_canon(self) -> LiveCanon:
        """The canon at CANON_PATH, reloaded when the file changes (its `watch` does that)."""
        from organizer.canon import LiveCanon

        return LiveCanon(self.settings.canon_path)

    def tasks(self, conn: sqlite3.Connection | None = None) -> TaskService:
        """The task write path, on `conn` or on a new checked connection."""
        from organizer.app.tasks import TaskService

        return TaskService(self.database() if conn is None else conn, self.clock)

    def users(self, conn: sqlite3.Connection | None = None) -> UserService:
        """Per-user settings, on `conn` or on a new checked connection."""
        from organizer.app.users import UserService

        return UserService(self.database() if conn is None else conn, self.clock)

    def telegram_sender(self, timeout: httpx.Timeout | None = None) -> BotSender:
        """sendMessage through TELEGRAM_API_BASE; ConfigError without TELEGRAM_BOT_TOKEN."""
        from organizer.telegram import BotSender

        token = self.settings.telegram_bot_token
        if not token:
            raise ConfigError("sending to Telegram needs TELEGRAM_BOT_TOKEN; set it")
        if timeout is None:
            return BotSender(self.settings.telegram_api_base, token)
        return BotSender(self.settings.telegram_api_base, token, timeout=timeout)

    def calendar_client(self, wait: Wait) -> CalendarClient:
        """The Google Calendar client for GOOGLE_CALENDAR_ID; `wait` sleeps between retries."""
        from organizer.calendar.client import CalendarClient, build_service

        calendar_id = self.settings.google_calendar_id
        if calendar_id is None:
            raise ConfigError("the calendar needs GOOGLE_CALENDAR_ID; set it")
        return CalendarClient(build_service(self.settings), calendar_id, wait=wait)


def bootstrap(settings: Settings, clock: Clock = utcnow) -> Services:
    """What this process's daemons and commands are built from; nothing is opened yet."""
    return Services(settings, clock)
