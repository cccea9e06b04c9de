"""The worker's scheduled daily check: every day at OPS_DAILY_CHECK_AT (HH:MM in DEFAULT_TZ).

It runs the check `organizer ops daily-check` runs (ops/daily_run.py), on the
local view of the deployment the worker lives in: heartbeats and the
database it shares with the other daemons, the api's health URL
(ORGANIZER_HEALTH_URL, else API_HOST:API_PORT), the log files `organizer run`
writes (not visible inside a container: said as a WARN). The day record it
appends carries `scheduled_for` (the local date); that record is the marker:
the check runs once per local day, across worker restarts, and a worker that
was down at the hour runs it when it is back the same day.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from organizer.errors import OrganizerError
from organizer.ops import journal
from organizer.settings import Settings

log = logging.getLogger("organizer.worker")
POLL_S = 30.0  # how often the thread looks at the clock between checks
RETRY_S = 3600.0  # after a check that could not run to its record (the journal unwritable)


def journal_file() -> Path:
    """ORGANIZER_JOURNAL, else the deploy tree's ops/journal/ (the one the ops commands use)."""
    return journal.default_path(Path(os.environ.get("ORGANIZER_COMPOSE_DIR") or Path.cwd()))


def already_ran(records: list[dict[str, Any]], local_day: date) -> bool:
    day = local_day.isoformat()
    return any(r["kind"] == "day" and r.get("scheduled_for") == day for r in records)


class DailyCheck:
    """`due()` says whether today's check is still to run; `run()` runs it and records it."""

    def __init__(self, settings: Settings, clock: Callable[[], datetime],
                 path: Path | None = None) -> None:
        assert settings.ops_daily_check_at is not None
        self.settings = settings
        self.clock = clock
        self.path = path or journal_file()
        self.zone = ZoneInfo(settings.default_tz)
        hour, minute = settings.ops_daily_check_at.split(":")
        self.at = time(int(hour), int(minute))
        self.last: str = f"scheduled daily at {settings.ops_daily_check_at} {settings.default_tz}"

    def local_today(self) -> date:
        return self.clock().astimezone(self.zone).date()

    def due(self) -> bool:
        local = self.clock().astimezone(self.zone)
        if local.time() < self.at:
            return False
        if already_ran(journal.read(self.path), local.date()):
            self.last = f"{local.date().isoformat()} done (recorded in the journal)"
            return False
        return True

    def run(self) -> dict[str, Any]:
        from organizer.ops.daily_run import notify_admin, perform
        from organizer.ops.local import LocalRuntime

        now = self.clock()
        health_url = os.environ.get("ORGANIZER_HEALTH_URL", "").strip() or None
        runtime = LocalRuntime(self.settings, None, health_url=health_url, logs_in_files=False)
        record, results = perform(
            runtime, self.path, self.settings, today=now.date(), at=now,
            marker={"scheduled_for": self.local_today().isoformat(), "by": "worker"})
        self.last = f"{record['date']} {record['status']} at {record['at']}"
        log.info("daily check (scheduled): %s, recorded in %s", record["status"], self.path)
        if self.settings.ops_admin_chat_id is not None:
            try:
                notify_admin(self.settings, record, results)
            except OrganizerError as exc:
                log.warning("daily check summary not sent to OPS_ADMIN_CHAT_ID: %s", exc)
        return record

    def loop(self, stop: threading.Event) -> None:
        """Until `stop`: run the check when due, else look again in POLL_S."""
        while not stop.is_set():
            wait = POLL_S
            try:
                if self.due():
                    self.run()
            except (OrganizerError, OSError) as exc:  # never a check every few seconds
                log.error("scheduled daily check failed: %s; trying again in %.0f min",
                          exc, RETRY_S / 60)
                self.last = f"failed: {exc}"
                wait = RETRY_S
            stop.wait(wait)
