"""The /health report: every check, within one second, cached for at most one.

Checks that touch the database run in a thread with a deadline, so a locked
or vanished database turns into a `fail` entry instead of a hung request.
A result is reused for at most TTL_S, so an `ok` is never older than that.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import msgspec

from organizer import __version__
from organizer.api import checks
from organizer.api.checks import FAIL, OK, Check
from organizer.errors import OrganizerError
from organizer.settings import Settings
from organizer.store import heartbeats
from organizer.store.db import connect

TTL_S = 1.0
DB_DEADLINE_S = 0.8
DB_CHECKS = ("database", "schema", "tables", "calendar", "worker", "bot", "projector_lag",
             "backup")


def utcnow() -> datetime:
    return datetime.now(UTC)


class HealthProbe:
    """Builds the /health body; `report()` returns (HTTP status, JSON bytes)."""

    def __init__(self, settings: Settings, canon: checks.CanonView | None,
                 clock: Callable[[], datetime] = utcnow, bot_off: str | None = None) -> None:
        self.settings = settings
        self.canon = canon
        self.clock = clock
        self.bot_off = bot_off
        self._cached: tuple[float, int, bytes] | None = None
        self._lock = asyncio.Lock()

    async def report(self) -> tuple[int, bytes]:
        cached = self._cached
        if cached is not None and time.monotonic() - cached[0] < TTL_S:
            return cached[1], cached[2]
        async with self._lock:
            cached = self._cached
            if cached is not None and time.monotonic() - cached[0] < TTL_S:
                return cached[1], cached[2]
            code, body = await self._build()
            self._cached = (time.monotonic(), code, body)
            return code, body

    async def _build(self) -> tuple[int, bytes]:
        results: dict[str, Check] = {}
        try:
            results.update(await asyncio.wait_for(asyncio.to_thread(self._database),
                                                  DB_DEADLINE_S))
        except TimeoutError:
            results["database"] = Check(FAIL, f"no answer within {DB_DEADLINE_S} s: the "
                                        "database is locked or its disk is stuck")
        results["volume"] = checks.volume(self.settings)
        results["canon"] = checks.canon(self.canon, self.settings)
        statuses = {c.status for c in results.values()}
        overall = FAIL if FAIL in statuses else ("degraded" if "degraded" in statuses else OK)
        body = {
            "status": overall,
            "service": "organizer",
            "version": __version__,
            "checked_at": self.clock().strftime("%Y-%m-%dT%H:%M:%SZ"),
            "checks": {name: check.as_dict() for name, check in results.items()},
        }
        return (503 if overall == FAIL else 200), msgspec.json.encode(body)

    def _database(self) -> dict[str, Check]:
        """Every check that reads the database, on one short-lived connection."""
        settings = self.settings
        try:
            conn = connect(settings.db_path, busy_timeout_ms=300)
        except OrganizerError as exc:
            return {"database": Check(FAIL, str(exc))}
        try:
            now = self.clock()
            found: dict[str, Check] = {"database": Check(OK, f"{settings.db_path} answers")}
            found["schema"], found["tables"] = checks.schema(conn, settings)
            steps: dict[str, Callable[[], Check]] = {
                "calendar": lambda: checks.calendar(conn, settings),
                "worker": lambda: checks.heartbeat(beats(), "worker", now),
                "bot": lambda: checks.heartbeat(beats(), "bot", now, off=self.bot_off),
                "projector_lag": lambda: checks.projector_lag(conn),
                "backup": lambda: checks.backup(conn, settings, now),
            }
            cache: dict[str, Any] = {}

            def beats() -> dict[str, dict[str, Any]]:
                if "beats" not in cache:
                    cache["beats"] = heartbeats.read_all(conn)
                return cache["beats"]  # type: ignore[no-any-return]

            for name, step in steps.items():
                try:
                    found[name] = step()
                except (sqlite3.Error, OrganizerError, ValueError, KeyError) as exc:
                    found[name] = Check(FAIL, f"cannot read: {exc}")
            return found
        except sqlite3.Error as exc:
            return {"database": Check(FAIL, f"{settings.db_path}: {exc}")}
        finally:
            conn.close()
