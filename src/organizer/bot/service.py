"""Wiring the bot: settings → database thread, canon, ASR, aiogram Bot + Dispatcher, poller,
heartbeat. `run_bot(settings, stop)` is what `organizer bot` and `organizer run` serve.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.telegram import TelegramAPIServer

from organizer.bootstrap import bootstrap
from organizer.bot.asr import AsrClient
from organizer.bot.conversation import Conversation
from organizer.bot.handlers import Handlers
from organizer.bot.polling import Poller, PollState
from organizer.bot.receive_faults import EdgeSession
from organizer.settings import Settings
from organizer.store import heartbeats

log = logging.getLogger("organizer.bot")
HEARTBEAT_EVERY_S = 10.0


def make_bot(settings: Settings) -> Bot:
    """An aiogram Bot on TELEGRAM_API_BASE; plain calls time out after the read timeout
    minus the long poll (at least 10 s by the config rule), getUpdates after the read timeout."""
    assert settings.telegram_bot_token is not None
    server = TelegramAPIServer.from_base(settings.telegram_api_base.rstrip("/"))
    session = EdgeSession(api=server,
                          timeout=settings.tg_http_read_timeout - settings.tg_longpoll_sec)
    return Bot(settings.telegram_bot_token, session=session)


class DbThread:
    """One thread owns the bot's SQLite connection; every query runs there, in order."""

    def __init__(self, settings: Settings) -> None:
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bot-db")
        opened = self.executor.submit(bootstrap(settings).database)
        self.conn: sqlite3.Connection = opened.result()

    async def __call__(self, fn: Callable[..., Any], *args: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, functools.partial(fn, *args))

    def close(self) -> None:
        self.executor.submit(self.conn.close).result()
        self.executor.shutdown(wait=True)


async def beat_forever(db: DbThread, state: PollState, asr: AsrClient, bot_id: int,
                       stale_s: float, stop: asyncio.Event) -> None:
    """The heartbeat row `/health` reads: when the bot last received, why not, ASR health.

    It is written at once when receiving changes, every HEARTBEAT_EVERY_S otherwise,
    and at the moment a failing spell passes `stale_s` (the status turns `fail`).
    """
    while not stop.is_set():
        asr_state = await asr.health()
        detail = {"bot_id": bot_id, "last_poll_ok": state.last_poll_ok,
                  "last_error": state.last_error, "last_error_at": state.last_error_at,
                  "conflict": state.conflict, "handled": state.handled, "failed": state.failed,
                  "receive": state.receive_detail(), "asr": asr_state}
        try:
            await db(heartbeats.beat, db.conn, "bot", state.status(stale_s), detail)
        except Exception as exc:  # liveness must never take the bot down
            log.warning("heartbeat not written: %s", exc)
        state.changed.clear()
        wait = HEARTBEAT_EVERY_S
        if state.failing and not state.fatal and state.failing_for() <= stale_s:
            wait = max(0.1, min(wait, stale_s - state.failing_for() + 0.1))
        waiters = [asyncio.ensure_future(state.changed.wait()), asyncio.ensure_future(stop.wait())]
        await asyncio.wait(waiters, timeout=wait, return_when=asyncio.FIRST_COMPLETED)
        for waiter in waiters:
            waiter.cancel()


async def run_bot(settings: Settings, stop: asyncio.Event) -> None:
    """Serve the bot until `stop` is set; returns within a few seconds of it."""
    canon = bootstrap(settings).live_canon()
    db = DbThread(settings)
    asr = AsrClient(settings.asr_service_url)
    bot = make_bot(settings)
    conv = Conversation(db.conn, settings, lambda: canon.current)
    dp = Dispatcher()
    dp.include_router(Handlers(conv, asr, db).router())
    state = PollState()
    poller = Poller(bot, dp, longpoll_s=settings.tg_longpoll_sec,
                    read_timeout_s=settings.tg_http_read_timeout, state=state)
    if not settings.tg_allowed_user_ids:
        log.warning("TG_ALLOWED_USER_IDS is empty: the bot will refuse everyone")
    side = [asyncio.create_task(canon.watch(stop), name="bot-canon"),
            asyncio.create_task(beat_forever(db, state, asr, bot.id,
                                         settings.tg_receive_stale_sec, stop), name="bot-beat")]
    try:
        await poller.run(stop)
    finally:
        for task in side:  # `stop` is shared with the other daemons: cancel, don't set it
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await bot.session.close()
        await asr.close()
        db.close()
        log.info("bot stopped")
