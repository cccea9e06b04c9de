"""/metrics in the Prometheus text format, read from the database on scrape.

A scrape is computed at most every CACHE_S seconds (counting the log is a
scan), in a thread, with its own registry — never the process-global one.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from datetime import UTC, datetime

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from organizer.settings import Settings
from organizer.store import heartbeats
from organizer.store.db import connect

CACHE_S = 5.0


class OrganizerCollector(Collector):
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        conn = connect(self.settings.db_path, busy_timeout_ms=500)
        try:
            by_type = dict(conn.execute("SELECT type, count(*) FROM events GROUP BY type"))
            events = CounterMetricFamily("organizer_events_appended",
                                         "Events appended to the log, by type", labels=["type"])
            for type_, count in sorted(by_type.items()):
                events.add_metric([type_], count)
            yield events
            tasks = GaugeMetricFamily("organizer_tasks", "Tasks by status", labels=["status"])
            counts = dict(conn.execute("SELECT status, count(*) FROM tasks GROUP BY status"))
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
                ages.add_metric([daemon], round(heartbeats.age_seconds(beat["beat_at"], now), 3))
            yield ages
            row = conn.execute("SELECT max(name) FROM schema_migrations").fetchone()
            version = GaugeMetricFamily("organizer_schema_version",
                                        "Number of the latest applied migration")
            version.add_metric([], int(row[0][:4]) if row and row[0] else 0)
            yield version
        finally:
            conn.close()


class MetricsSource:
    def __init__(self, settings: Settings) -> None:
        self.registry = CollectorRegistry(auto_describe=False)
        self.registry.register(OrganizerCollector(settings))
        self._cached: tuple[float, bytes] | None = None
        self._lock = asyncio.Lock()

    async def render(self) -> bytes:
        async with self._lock:
            if self._cached and time.monotonic() - self._cached[0] < CACHE_S:
                return self._cached[1]
            text = await asyncio.to_thread(generate_latest, self.registry)
            self._cached = (time.monotonic(), text)
            return text
