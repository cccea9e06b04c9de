"""The long-polling loop: each update is handled to the end before its offset is acknowledged.

aiogram's own `start_polling` acknowledges an update while its handler still
runs (handle_as_tasks) and never de-duplicates update ids, so this loop is
ours: getUpdates → handle each update in order → the next getUpdates carries
`offset = last + 1`. A crash before that redelivers the update, and its
idempotency key makes the redelivery change nothing.

Whatever a failed getUpdates raised — an nginx HTML page, an empty or cut
body, a reset, a hang, a 5xx — is retried with jittered backoff capped at
RECEIVE_CAP_S, and a 429 waits what Telegram asks; the loop never ends on a
fault. Only a revoked token (401) or a deleted bot (404) stop receiving: said
once, reported as `fail` in the heartbeat, and re-tried every FATAL_RECHECK_S
so that a fixed token is picked up without a restart.
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
    ClientDecodeError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import GetUpdates
from aiogram.types import Update

from organizer.backoff import Backoff, FailureStreak
from organizer.bot.receive_faults import CONFLICT, FATAL, RETRY_AFTER, Fault, classify

log = logging.getLogger("organizer.bot")
T = TypeVar("T")
HANDLE_ATTEMPTS = 3
STOP_GRACE_S = 5.0
# The cap bounds how long the bot stays deaf after Telegram is back: at 1.5 s
# (±20 % jitter) an update sent during an outage is handled within ~2 s of the
# recovery. One getUpdates every 1.5 s to a failing edge is less than a healthy
# bot's polling under load, so the short cap costs Telegram nothing.
RECEIVE_FIRST_S, RECEIVE_CAP_S = 0.5, 1.5
CONFLICT_CAP_S = 30.0  # two instances on one token: back off further, it will not heal soon
RECEIVE_BACKOFF = Backoff(RECEIVE_FIRST_S, RECEIVE_CAP_S, jitter=(0.8, 1.2))
CONFLICT_BACKOFF = Backoff(RECEIVE_FIRST_S, CONFLICT_CAP_S, jitter=(0.8, 1.2))
FATAL_RECHECK_S = 600.0
FAILING_LOG_EVERY_S = 60.0  # while failing, one warning a minute, not one per attempt
# A handler whose Bot API call failed like this is run again (its effects are idempotent).
_TRANSIENT = (TelegramNetworkError, TelegramServerError, TelegramRetryAfter, ClientDecodeError,
              OSError, asyncio.TimeoutError)


class Stopped(Exception):
    """The stop event was set while waiting."""


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class PollState:
    """What the heartbeat reports: when the bot last received, why receiving fails, counts."""

    last_poll_ok: str | None = None   # the last successful getUpdates, empty or not
    last_error: str | None = None
    last_error_at: str | None = None
    failing_since: str | None = None  # the first failed getUpdates since the last success
    failing_since_m: float | None = None
    fatal: str | None = None          # receiving stopped: what Telegram said of the token
    conflict: bool = False
    failing: bool = False
    handled: int = 0
    failed: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    # Set when health changes (first poll, an error, a recovery): the heartbeat writes at once.
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def note(self, message: str) -> None:
        """An error that is not about receiving (a handler failed): kept, not `failing`."""
        self.last_error, self.last_error_at = message, _stamp()
        self.changed.set()

    def error(self, message: str) -> None:
        """getUpdates failed; the first failure of a spell starts its clock."""
        if message != self.last_error or not self.failing:
            self.changed.set()
        self.last_error, self.last_error_at = message, _stamp()
        if not self.failing:
            self.failing_since, self.failing_since_m = self.last_error_at, time.monotonic()
        self.failing = True

    def stop_receiving(self, cause: str) -> None:
        self.fatal = cause
        self.error(cause)

    def ok(self) -> None:
        if self.last_poll_ok is None or self.conflict or self.failing:
            self.changed.set()
        self.conflict = self.failing = False
        self.fatal = self.failing_since = self.failing_since_m = None
        self.last_poll_ok = _stamp()

    def failing_for(self) -> float:
        return time.monotonic() - self.failing_since_m if self.failing_since_m else 0.0

    def status(self, stale_s: float) -> str:
        """fail: stopped, or failing longer than `stale_s`; degraded: failing or conflicting."""
        if self.fatal or (self.failing and self.failing_for() > stale_s):
            return "fail"
        return "degraded" if self.failing or self.conflict else "ok"

    def receive_detail(self) -> dict[str, Any]:
        return {"last_received_at": self.last_poll_ok, "failing_since": self.failing_since,
                "failing_for_s": round(self.failing_for(), 1) if self.failing else None,
                "error": self.last_error if self.failing else None, "fatal": self.fatal}


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
        self.backoff = FailureStreak(RECEIVE_BACKOFF)
        self.conflict_backoff = FailureStreak(CONFLICT_BACKOFF)
        self.logged_at: float | None = None  # the last "getUpdates failed" warning

    async def run(self, stop: asyncio.Event) -> None:
        log.info("bot %s polling %s (long poll %s s, HTTP read limit %s s)", self.bot.id,
                 self.bot.session.api.base.split("/bot")[0], self.longpoll_s, self.read_timeout_s)
        while not stop.is_set():
            try:
                updates = await until_stopped(self.poll(self.longpoll_s), stop)
            except Stopped:
                break
            except Exception as exc:  # noqa: BLE001 — every fault is classified, none ends the loop
                await self.on_fault(classify(exc), stop)
                continue
            self.on_received()
            await self.handle_batch(updates, stop)
        await self.acknowledge()

    def on_received(self) -> None:
        if self.state.fatal:
            log.info("Telegram accepts the token again; receiving resumed")
        elif self.state.failing:
            log.info("getUpdates recovered after %.0f s", self.state.failing_for())
        self.backoff.reset()
        self.conflict_backoff.reset()
        self.logged_at = None
        self.state.ok()

    async def on_fault(self, fault: Fault, stop: asyncio.Event) -> None:
        """Say what failed (once, or once a minute while it lasts) and wait before the next try."""
        state = self.state
        if fault.kind == FATAL:
            if state.fatal != fault.cause:
                log.error("receiving stopped: %s; the bot checks again every %.0f min",
                          fault.cause, FATAL_RECHECK_S / 60)
            state.stop_receiving(fault.cause)
            await pause(FATAL_RECHECK_S, stop)
            return
        if fault.kind == CONFLICT:
            state.conflict = True
            state.error(fault.cause)
            delay = self.conflict_backoff.next()
            log.error("another bot instance is polling this token (Telegram said: %s); "
                      "stop the other instance — this one keeps retrying",
                      fault.cause.removeprefix("conflict: "))
            await pause(delay, stop)
            return
        first = not state.failing
        state.error(fault.cause)
        delay = fault.wait_s if fault.kind == RETRY_AFTER and fault.wait_s else self.backoff.next()
        now = time.monotonic()
        if first or self.logged_at is None or now - self.logged_at >= FAILING_LOG_EVERY_S:
            self.logged_at = now
            log.warning("getUpdates failed (%s); failing for %.0f s, retrying in %.1f s",
                        fault.cause, state.failing_for(), delay)
        await pause(delay * random.uniform(1.0, 1.1) if fault.kind == RETRY_AFTER else delay,
                    stop)

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
                self.state.note(f"handling update {update.update_id}: {exc}")
                log.warning("update %s (%s) attempt %s failed: %s", update.update_id, kind,
                            attempt, exc)
                await asyncio.sleep(0.5 * attempt)
                continue
            except Exception as exc:
                self.state.failed += 1
                self.state.note(f"update {update.update_id}: {type(exc).__name__}: {exc}")
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
