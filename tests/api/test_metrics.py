"""/metrics: the Prometheus text format, read from the log and the projections."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import prometheus_client
from prometheus_client.parser import text_string_to_metric_families

from organizer.app.tasks import TaskService
from organizer.domain.commands import AddTask, CancelTask, CompleteTask
from organizer.settings import Settings
from tests.api.support import Get
from tests.api.test_health import raw_event


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample, parsed with prometheus-client's own parser (so the format is valid)."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def test_metrics(fetch: Get, healthy: Settings, db: sqlite3.Connection) -> None:
    service = TaskService(db)
    tasks = [service.execute(AddTask("1", title, None, None, "UTC")).task
             for title in ("a", "b", "c")]
    assert all(tasks)
    service.execute(CompleteTask(tasks[0].id))  # type: ignore[union-attr]
    service.execute(CancelTask(tasks[1].id))  # type: ignore[union-attr]
    raw_event(db, "calendar-t1", "calendar.linked", {"event_id": "e1"})
    raw_event(db, "calendar-t1", "calendar.updated", {"event_id": "e1"})
    raw_event(db, "calendar-t2", "calendar.failed", {"reason": "timeout"})
    raw_event(db, "calendar-mode", "calendar.mode_changed", {"mode": "DEGRADED", "reason": "x"})
    raw_event(db, "reminders-t3", "reminder.sent", {"late": False})
    response = fetch(healthy, path="/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"] == prometheus_client.CONTENT_TYPE_LATEST
    got = samples(response.text)
    assert got[("organizer_events_appended_total", (("type", "task.created"),))] == 3
    assert got[("organizer_events_appended_total", (("type", "task.completed"),))] == 1
    assert got[("organizer_tasks", (("status", "open"),))] == 1
    assert got[("organizer_tasks", (("status", "done"),))] == 1
    assert got[("organizer_tasks", (("status", "cancelled"),))] == 1
    assert got[("organizer_calendar_sync_outcomes_total", (("outcome", "linked"),))] == 1
    assert got[("organizer_calendar_sync_outcomes_total", (("outcome", "updated"),))] == 1
    assert got[("organizer_calendar_sync_outcomes_total", (("outcome", "failed"),))] == 1
    assert not any(name == "organizer_calendar_sync_outcomes_total"
                   and dict(labels).get("outcome") == "mode_changed" for name, labels in got)
    assert got[("organizer_reminders_sent_total", ())] == 1
    assert 0 <= got[("organizer_heartbeat_age_seconds", (("daemon", "worker"),))] < 60
    assert 0 <= got[("organizer_heartbeat_age_seconds", (("daemon", "bot"),))] < 60
    latest = db.execute("SELECT max(name) FROM schema_migrations").fetchone()[0]
    assert got[("organizer_schema_version", ())] == int(latest[:4])


def test_metrics_use_their_own_registry(fetch: Get, healthy: Settings) -> None:
    assert fetch(healthy, path="/metrics").status_code == 200
    global_text = prometheus_client.generate_latest(prometheus_client.REGISTRY).decode()
    assert "organizer_" not in global_text


def test_locked_database_is_a_503_line_not_a_500(fetch: Get, healthy: Settings,
                                                 db: sqlite3.Connection) -> None:
    db.execute("PRAGMA locking_mode = EXCLUSIVE")
    db.execute("BEGIN EXCLUSIVE")
    db.execute("INSERT INTO heartbeats (daemon, beat_at) VALUES ('x', 'y')")
    try:
        response = fetch(healthy, path="/metrics")
    finally:
        db.execute("ROLLBACK")
    assert response.status_code == 503
    assert response.text == "database is locked by another connection\n"


def test_missing_database_or_table_is_a_503(fetch: Get, healthy: Settings,
                                            db: sqlite3.Connection) -> None:
    db.execute("DROP TABLE tasks")
    response = fetch(healthy, path="/metrics")
    assert (response.status_code, response.text) == (
        503, "cannot read the database: no such table: tasks\n")
    db.close()
    for suffix in ("", "-wal", "-shm"):
        Path(str(healthy.db_path) + suffix).unlink(missing_ok=True)
    response = fetch(healthy, path="/metrics")
    assert response.status_code == 503 and "does not exist" in response.text
