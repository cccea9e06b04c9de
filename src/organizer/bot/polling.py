"""The long-polling loop: each update is handled to the end before its offset is acknowledged.

aiogram's own `start_polling` acknowledges an update while its handler still
runs (handle_as_tasks) and never de-duplicates update ids, so this loop is
ours: getUpdates → handle each update in order → the next getUpdates carries
`offset = last + 1`. A crash before that redelivers the update, and its
idempotency key makes the redelivery change nothing. Network errors, 5xx and
hung requests back off (0.5 s doubling to 30 s, with jitter) and never stop
the loop; a second instance polling the same token is said plainly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from aiogram import Bot, Dispatcher
from aiogram.exceptions import (
    TelegramConflictError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import GetUpdates
from aiogram.types import Update

log = logging.getLogger("organizer.bot")
T = TypeVar("T")
HANDLE_ATTEMPTS = 3
STOP_GRACE_S = 5.0
_TRANSIENT = (TelegramNetworkError, TelegramServerError, TelegramRetryAfter, OSError,
              asyncio.TimeoutError)


class Stopped(Exception):
    """The stop event was set while waiting."""


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class PollState:
    """What the heartbeat reports: last successful poll, last error, counts."""

    last_poll_ok: str | None = None
    last_error: str | None = None
    last_error_at: str | None = None
    conflict: bool = False
    failing: bool = False
    handled: int = 0
    failed: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    # Set when health changes (first poll, an error, a recovery): the heartbeat writes at once.
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def error(self, message: str) -> None:
        self.last_error, self.last_error_at = message, _stamp()
        self.failing = True
        self.changed.set()

    def ok(self) -> None:
        if self.last_poll_ok is None or self.conflict or self.failing:
            self.changed.set()
        self.conflict = self.failing = False
        self.last_poll_ok = _stamp()


class Backoff:
    def __init__(self, first: float = 0.5, cap: float = 30.0) -> None:
        self.first, self.cap, self.current = first, cap, first

    def next(self) -> float:
        delay = self.current * random.uniform(0.8, 1.2)
        self.current = min(self.cap, self.current * 2)
        return delay

    def reset(self) -> None:
        self.current = self.first


async def until_stopped(work: Awaitable[T], stop: asyncio.Event) -> T:
    """Await `work` unless `stop` is set first, in which case it is cancelled."""
    task = asyncio.ensure_future(work)
    stopper = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopper.cancel()
    if not task.done():
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        raise Stopped
    return task.result()


async def pause(seconds: float, stop: asyncio.Event) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


class Poller:
    """Runs getUpdates and feeds each update to the dispatcher, one at a time."""

    def __init__(self, bot: Bot, dp: Dispatcher, *, longpoll_s: int, read_timeout_s: int,
                 state: PollState | None = None) -> None:
        self.bot, self.dp = bot, dp
        self.longpoll_s, self.read_timeout_s = longpoll_s, read_timeout_s
        self.state = state or PollState()
        self.offset: int | None = None
        self.backoff = Backoff()

    async def run(self, stop: asyncio.Event) -> None:
        log.info("bot %s polling %s (long poll %s s, HTTP read limit %s s)", self.bot.id,
                 self.bot.session.api.base.split("/bot")[0], self.longpoll_s, self.read_timeout_s)
        while not stop.is_set():
            try:
                updates = await until_stopped(self.poll(self.longpoll_s), stop)
            except Stopped:
                break
            except TelegramConflictError as exc:
                self.state.conflict = True
                self.state.error(f"conflict: {exc.message}")
                log.error("another bot instance is polling this token (Telegram said: %s); "
                          "stop the other instance — this one keeps retrying", exc.message)
                await pause(self.backoff.next(), stop)
                continue
            except TelegramUnauthorizedError:
                self.state.error("Telegram rejected TELEGRAM_BOT_TOKEN (401 Unauthorized)")
                log.error("Telegram rejected TELEGRAM_BOT_TOKEN (401 Unauthorized); check the "
                          "token with BotFather — retrying in 60 s")
                await pause(60, stop)
                continue
            except _TRANSIENT as exc:
                self.state.error(f"{type(exc).__name__}: {exc}")
                delay = self.backoff.next()
                log.warning("getUpdates failed (%s: %s); retrying in %.1f s",
                            type(exc).__name__, exc, delay)
                await pause(delay, stop)
                continue
            if self.state.last_error and self.backoff.current > self.backoff.first:
                log.info("polling recovered")
            self.backoff.reset()
            self.state.ok()
            await self.handle_batch(updates, stop)
        await self.acknowledge()

    async def poll(self, timeout: int) -> list[Update]:
        method = GetUpdates(offset=self.offset, timeout=timeout)
        return await self.bot(method, request_timeout=self.read_timeout_s)

    async def handle_batch(self, updates: list[Update], stop: asyncio.Event) -> None:
        for update in updates:
            if stop.is_set():
                return  # not acknowledged: redelivered to the next run
            work = asyncio.ensure_future(self.handle(update))
            stopper = asyncio.ensure_future(stop.wait())
            done, _ = await asyncio.wait({work, stopper}, return_when=asyncio.FIRST_COMPLETED)
            stopper.cancel()
            if work not in done:  # stopping: give the handler a short grace, then cancel
                try:
                    await asyncio.wait_for(work, STOP_GRACE_S)
                except (TimeoutError, asyncio.CancelledError):
                    log.warning("update %s interrupted by shutdown; it will be redelivered",
                                update.update_id)
                    return
            self.offset = update.update_id + 1

    async def handle(self, update: Update) -> None:
        """Feed one update to the dispatcher; transient failures are retried, others logged."""
        try:
            kind = update.event_type
        except Exception:  # an update type this aiogram does not know
            log.info("update %s of an unknown type ignored on purpose", update.update_id)
            return
        for attempt in range(1, HANDLE_ATTEMPTS + 1):
            started = time.perf_counter()
            try:
                await self.dp.feed_update(self.bot, update)
            except _TRANSIENT as exc:
                self.state.error(f"handling update {update.update_id}: {exc}")
                log.warning("update %s (%s) attempt %s failed: %s", update.update_id, kind,
                            attempt, exc)
                await asyncio.sleep(0.5 * attempt)
                continue
            except Exception as exc:
                self.state.failed += 1
                self.state.error(f"update {update.update_id}: {type(exc).__name__}: {exc}")
                log.exception("update %s (%s) failed and is skipped", update.update_id, kind)
                return
            self.state.handled += 1
            log.debug("update %s (%s) handled in %.1f ms", update.update_id, kind,
                      (time.perf_counter() - started) * 1000)
            return
        self.state.failed += 1
        log.error("update %s (%s) skipped after %s attempts", update.update_id, kind,
                  HANDLE_ATTEMPTS)

    async def acknowledge(self) -> None:
        """On a graceful stop, confirm what was handled so it is not redelivered."""
        if self.offset is None:
            return
        try:
            await asyncio.wait_for(self.poll(0), 2)
        except Exception as exc:  # best effort: redelivery is harmless anyway
            log.info("could not acknowledge the last updates on stop: %s", exc)
