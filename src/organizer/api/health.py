"""The /health report: every check, within one second, cached for at most one.

Checks that touch the database run in a thread on a read-only connection with
a short busy timeout, under a deadline, so a locked, stuck or vanished database
turns into a `fail` entry instead of a hung request. One such thread at a time:
while one still waits on the database, later requests say so instead of piling
up more threads. A report is reused for at most TTL_S after it was started, so
an `ok` is never older than that.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import msgspec

from organizer import __version__
from organizer.api import checks
from organizer.api.checks import FAIL, OK, Check, overall
from organizer.api.integrity import integrity
from organizer.clock import utcnow
from organizer.errors import DatabaseBusy, OrganizerError
from organizer.settings import Settings
from organizer.store import heartbeats
from organizer.store.db import connect

TTL_S = 1.0
DB_DEADLINE_S = 0.8
BUSY_TIMEOUT_MS = 300
LOCKED = (f"locked: another connection holds an exclusive lock (no read within "
          f"{BUSY_TIMEOUT_MS} ms); find it with `fuser` on DB_PATH or `organizer ops check`")


class HealthProbe:
    """Builds the /health body; `report()` returns (HTTP status, JSON bytes)."""

    def __init__(self, settings: Settings, canon: checks.CanonView | None,
                 clock: Callable[[], datetime] = utcnow, bot_off: str | None = None,
                 mountinfo: Callable[[], str] | None = None) -> None:
        self.settings = settings
        self.canon = canon
        self.clock = clock
        self.bot_off = bot_off
        self.mountinfo = mountinfo
        self._cached: tuple[float, int, bytes] | None = None
        self._lock: asyncio.Lock | None = None
        self._db_task: asyncio.Future[dict[str, Check]] | None = None
        self._db_started = 0.0

    def _fresh(self) -> tuple[int, bytes] | None:
        cached = self._cached
        if cached is not None and time.monotonic() - cached[0] < TTL_S:
            return cached[1], cached[2]
        return None

    async def report(self) -> tuple[int, bytes]:
        """The current report, built at most once per TTL_S however many ask at once."""
        fresh = self._fresh()
        if fresh is not None:
            return fresh
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            fresh = self._fresh()
            if fresh is not None:
                return fresh
            started = time.monotonic()
            code, body = await self._build()
            self._cached = (started, code, body)
            return code, body

    async def _build(self) -> tuple[int, bytes]:
        results, integrity_check = await asyncio.gather(
            self._database_checks(), asyncio.to_thread(integrity, self.settings.db_path))
        results["volume"] = checks.volume(self.settings, self._read_mountinfo())
        results["canon"] = checks.canon(self.canon, self.settings)
        results["integrity"] = integrity_check
        if results["integrity"].status == FAIL and results["database"].status == OK:
            results["database"] = results["integrity"]  # a damaged file is no working database
        status = overall(results)
        body = {
            "status": status,
            "service": "organizer",
            "version": __version__,
            "checked_at": self.clock().strftime("%Y-%m-%dT%H:%M:%SZ"),
            "checks": {name: check.as_dict() for name, check in results.items()},
        }
        return (503 if status == FAIL else 200), msgspec.json.encode(body)

    def _read_mountinfo(self) -> str | None:
        return self.mountinfo() if self.mountinfo is not None else None

    async def _database_checks(self) -> dict[str, Check]:
        task = self._db_task
        if task is not None and not task.done():
            waited = time.monotonic() - self._db_started
            return {"database": Check(FAIL, f"no answer for {waited:.1f} s: the database is "
                                      "locked or its disk is stuck")}
        task = asyncio.ensure_future(asyncio.to_thread(self._database))
        task.add_done_callback(_consume)
        self._db_task, self._db_started = task, time.monotonic()
        try:
            return await asyncio.wait_for(asyncio.shield(task), DB_DEADLINE_S)
        except TimeoutError:
            return {"database": Check(FAIL, f"no answer within {DB_DEADLINE_S} s: the "
                                      "database is locked or its disk is stuck")}
        except Exception as exc:  # a check that crashes is a failed check, never a 500
            return {"database": Check(FAIL, f"health check crashed: {type(exc).__name__}")}

    def _database(self) -> dict[str, Check]:
        """Every check that reads the database, on one short-lived read-only connection."""
        settings = self.settings
        try:
            conn = connect(settings.db_path, readonly=True, busy_timeout_ms=BUSY_TIMEOUT_MS)
        except DatabaseBusy:
            return {"database": Check(FAIL, LOCKED, {"state": "locked"})}
        except OrganizerError as exc:
            return {"database": Check(FAIL, str(exc))}
        try:
            return self._read_checks(conn)
        finally:
            conn.close()

    def _read_checks(self, conn: sqlite3.Connection) -> dict[str, Check]:
        settings = self.settings
        now = self.clock()
        found: dict[str, Check] = {"database": Check(OK, f"{settings.db_path} answers")}
        try:
            found["schema"], found["tables"] = checks.schema(conn, settings)
        except sqlite3.Error as exc:
            return {"database": _unreadable(exc)}
        cache: dict[str, Any] = {}

        def beats() -> dict[str, heartbeats.Heartbeat]:
            if "beats" not in cache:
                cache["beats"] = heartbeats.read_all(conn)
            return cache["beats"]  # type: ignore[no-any-return]

        steps: dict[str, Callable[[], Check]] = {
            "calendar": lambda: checks.calendar(conn, settings),
            "worker": lambda: checks.worker(beats(), now, settings),
            "bot": lambda: checks.bot(beats(), now, settings, off=self.bot_off),
            "projector_lag": lambda: checks.projector_lag(conn),
            "backup": lambda: checks.backup(conn, settings, now),
        }
        for name, step in steps.items():
            try:
                found[name] = step()
            except sqlite3.Error as exc:
                found[name] = _unreadable(exc)
            except (OrganizerError, ValueError, KeyError) as exc:
                found[name] = Check(FAIL, f"cannot read: {exc}")
        return found


def _unreadable(exc: sqlite3.Error) -> Check:
    message = str(exc)
    if "locked" in message or "busy" in message:
        return Check(FAIL, LOCKED, {"state": "locked"})
    return Check(FAIL, f"cannot read: {message}")


def _consume(task: asyncio.Future[Any]) -> None:
    # A probe abandoned at its deadline may still fail later; nobody awaits it then.
    if not task.cancelled():
        task.exception()
