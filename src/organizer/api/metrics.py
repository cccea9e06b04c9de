"""/metrics in the Prometheus text format, read from the database on scrape.

A scrape is computed at most every CACHE_S seconds (counting the log is a
scan), in a thread on a read-only connection, with its own registry — never the
process-global one. A database that cannot be read gives a 503 with one line,
which Prometheus records as a failed scrape (`up == 0`), never a 500.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from organizer.errors import DatabaseBusy, OrganizerError
from organizer.settings import Settings
from organizer.store import heartbeats
from organizer.store.db import connect
from organizer.store.log_facts import events_by_type, latest_migration
from organizer.store.views import task_counts

CACHE_S = 5.0
DEADLINE_S = 3.0


class OrganizerCollector(Collector):
    """Reads every metric from the database at collect time."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        conn = connect(self.settings.db_path, readonly=True, busy_timeout_ms=500)
        try:
            by_type = events_by_type(conn)
            events = CounterMetricFamily("organizer_events_appended",
                                         "Events appended to the log, by type", labels=["type"])
            for type_, count in sorted(by_type.items()):
                events.add_metric([type_], count)
            yield events
            tasks = GaugeMetricFamily("organizer_tasks", "Tasks by status", labels=["status"])
            counts = task_counts(conn)
            for status in ("open", "done", "cancelled"):
                tasks.add_metric([status], counts.get(status, 0))
            yield tasks
            sync = CounterMetricFamily("organizer_calendar_sync_outcomes",
                                       "Calendar sync outcomes recorded in the log",
                                       labels=["outcome"])
            for type_, count in sorted(by_type.items()):
                if type_.startswith("calendar.") and type_ != "calendar.mode_changed":
                    sync.add_metric([type_.removeprefix("calendar.")], count)
            yield sync
            reminders = CounterMetricFamily("organizer_reminders_sent",
                                            "Reminders recorded as sent (late or on time)")
            reminders.add_metric([], by_type.get("reminder.sent", 0))
            yield reminders
            ages = GaugeMetricFamily("organizer_heartbeat_age_seconds",
                                     "Seconds since each daemon's last heartbeat",
                                     labels=["daemon"])
            now = datetime.now(UTC)
            for daemon, beat in sorted(heartbeats.read_all(conn).items()):
                ages.add_metric([daemon], round(heartbeats.age_seconds(beat.beat_at, now), 3))
            yield ages
            latest = latest_migration(conn)
            version = GaugeMetricFamily("organizer_schema_version",
                                        "Number of the latest applied migration")
            version.add_metric([], int(latest[:4]) if latest else 0)
            yield version
        finally:
            conn.close()


class MetricsSource:
    """The /metrics body, cached for CACHE_S."""

    def __init__(self, settings: Settings) -> None:
        self.registry = CollectorRegistry(auto_describe=False)
        self.registry.register(OrganizerCollector(settings))
        self._cached: tuple[float, bytes] | None = None
        self._lock: asyncio.Lock | None = None

    async def render(self) -> tuple[int, bytes]:
        """(HTTP status, body): 200 with the text format, or 503 with why."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if self._cached and time.monotonic() - self._cached[0] < CACHE_S:
                return 200, self._cached[1]
            started = time.monotonic()
            try:
                text = await asyncio.wait_for(
                    asyncio.to_thread(generate_latest, self.registry), DEADLINE_S)
            except TimeoutError:
                return 503, f"database did not answer within {DEADLINE_S:.0f} s\n".encode()
            except DatabaseBusy:
                return 503, b"database is locked by another connection\n"
            except OrganizerError as exc:
                return 503, f"{exc}\n".encode()
            except sqlite3.Error as exc:
                return 503, f"cannot read the database: {exc}\n".encode()
            self._cached = (started, text)
            return 200, text
