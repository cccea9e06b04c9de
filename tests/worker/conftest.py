"""Fixtures for the worker: a migrated database, the fake Calendar server and a key for it,
and the reminder loop on the fake Bot API with a clock the test moves."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from organizer.app.database import migrate
from organizer.app.tasks import TaskService
from organizer.canon import load_canon
from organizer.reminders.loop import Reminders
from organizer.settings import Settings, load_settings
from organizer.store.db import connect
from organizer.telegram import BotSender, Pacer
from tests.fakes.calendar_server import CalendarServer, make_service_account
from tests.fakes.telegram_server import FakeTelegram

REPO = Path(__file__).resolve().parents[2]
CAL_ID = "team-calendar@group.calendar.google.com"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 3, 2, 7, 0, tzinfo=UTC))


@pytest.fixture
def calendar_server() -> Iterator[CalendarServer]:
    from tests.worker.helpers import close_all

    server = CalendarServer(slow_s=1.5).start()
    yield server
    close_all()
    server.stop()


@pytest.fixture
def sa_email(tmp_path: Path, calendar_server: CalendarServer) -> str:
    email = make_service_account(tmp_path / "google_sa.json", calendar_server)
    calendar_server.add_calendar(CAL_ID, writers=(email,))
    return email


MakeSettings = Callable[..., Settings]


@pytest.fixture
def make_settings(tmp_path: Path, calendar_server: CalendarServer) -> MakeSettings:
    def make(**env: Any) -> Settings:
        base = {
            "DB_PATH": str(tmp_path / "data" / "organizer.db"),
            "GOOGLE_CALENDAR_ID": CAL_ID,
            "GOOGLE_SA_FILE": str(tmp_path / "google_sa.json"),
            "GOOGLE_CALENDAR_API_BASE": calendar_server.base,
            "GOOGLE_CALENDAR_TIMEOUT_SEC": "1",
            "TG_ALLOWED_USER_IDS": "111",
            "CANON_PATH": str(REPO / "canon" / "intents_v2.yml"),
        }
        base.update({k: str(v) for k, v in env.items()})
        settings = load_settings(env={k: v for k, v in base.items() if v != ""}, env_file=None)
        migrate(settings, say=lambda _m: None)
        return settings
    return make


@pytest.fixture
def settings(make_settings: MakeSettings, sa_email: str) -> Settings:
    return make_settings()


@pytest.fixture
def conn(settings: Settings) -> Iterator[sqlite3.Connection]:
    connection = connect(settings.db_path)
    yield connection
    connection.close()


@pytest.fixture
def service(conn: sqlite3.Connection, clock: Clock) -> TaskService:
    return TaskService(conn, clock)


TOKEN = "123456789:AAreminder-test-token-0123456789ab"


def UNPACED() -> Pacer:  # noqa: N802 - reads as a constant at the call site
    return Pacer(per_s=10_000.0, per_chat_s=0.0)
World = tuple[Reminders, TaskService, sqlite3.Connection]


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram(tokens=[TOKEN]) as server:
        yield server


@pytest.fixture
def world(make_settings: MakeSettings, tg: FakeTelegram, clock: Clock,
          request: pytest.FixtureRequest) -> Iterator[World]:
    """The reminder loop, a TaskService and a connection; `param` adds settings."""
    env = getattr(request, "param", {})
    settings = make_settings(GOOGLE_CALENDAR_ID="", TELEGRAM_BOT_TOKEN=TOKEN,
                             TELEGRAM_API_BASE=tg.base_url, **env)
    canon = load_canon(settings.canon_path)
    conn = connect(settings.db_path)
    # no pacing here: these tests are about what is sent; test_send_limits paces
    sender = BotSender(settings.telegram_api_base, TOKEN, pacer=UNPACED())
    yield (Reminders(settings, conn, sender, clock=clock, canon=lambda: canon),
           TaskService(conn, clock), conn)
    sender.close()
    conn.close()
