"""Bot fixtures: the fake Bot API and ASR servers, a migrated DB, and the bot serving in-process."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from organizer.settings import Settings, load_settings
from organizer.store.views import TaskView
from tests.fakes.asr_server import FakeAsr
from tests.fakes.telegram_server import FakeTelegram

TOKEN = "123456:TEST-token_abc"
BOT_ID = 123456
ALICE, BOB, MALLORY = 1001, 1002, 6666


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram(tokens=[TOKEN]) as server:
        yield server


@pytest.fixture
def asr() -> Iterator[FakeAsr]:
    with FakeAsr() as server:
        yield server


@pytest.fixture
def bot_env(env: dict[str, str], tg: FakeTelegram, asr: FakeAsr) -> dict[str, str]:
    return {**env, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE": tg.base_url,
            "TG_LONGPOLL_SEC": "1", "TG_HTTP_READ_TIMEOUT": "11",
            "TG_ALLOWED_USER_IDS": f"{ALICE},{BOB}", "ASR_SERVICE_URL": asr.base_url}


@pytest.fixture
def bot_settings(bot_env: dict[str, str]) -> Settings:
    from organizer.app.database import migrate

    settings = load_settings(bot_env, env_file=None)
    migrate(settings, say=lambda _line: None)
    return settings


@dataclass
class RunningBot:
    settings: Settings
    tg: FakeTelegram
    task: asyncio.Task[None]
    stop: asyncio.Event

    def db(self) -> sqlite3.Connection:
        from organizer.store.db import connect

        return connect(Path(self.settings.db_path))

    def tasks(self, owner: int | None = None) -> list[TaskView]:
        from organizer.app.tasks import TaskService

        conn = self.db()
        try:
            return TaskService(conn).list(str(owner) if owner else None, include_closed=True)
        finally:
            conn.close()

    async def say(self, user_id: int, text: str, timeout: float = 5) -> dict[str, object]:
        """Send a text as the user and return the bot's (first) answer to it."""
        before = len(self.tg.sent)
        self.tg.add_text(user_id, text)
        sent = await self.tg.wait_sent_async(before + 1, timeout)
        return sent[before]


@pytest.fixture
async def running_bot(bot_settings: Settings, tg: FakeTelegram) -> AsyncIterator[RunningBot]:
    from organizer.daemons import bot

    stop = asyncio.Event()
    task = asyncio.create_task(bot.serve(bot_settings, stop))
    await tg.wait_for_async(lambda: tg.calls("getUpdates"), timeout=10)
    yield RunningBot(bot_settings, tg, task, stop)
    stop.set()
    await asyncio.wait_for(task, 10)
