"""/health's quick integrity check: FAIL on a damaged file, cached, never in the way."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from organizer.api.integrity import integrity
from organizer.app.tasks import TaskService
from organizer.domain import commands as c
from organizer.settings import Settings
from tests.api.support import Get
from tests.api.test_health import health

PAGE = 4096


def fill_and_damage(conn: sqlite3.Connection, path: Path, tasks: int = 400) -> None:
    service = TaskService(conn)
    for number in range(tasks):
        service.execute(c.AddTask("1", f"купить молоко {number} " + "x" * 120, None, None,
                                  "Europe/Moscow"))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = path.stat().st_size // PAGE
    with path.open("r+b") as handle:
        for page in range(pages // 3, pages // 3 + 5):
            handle.seek(page * PAGE)
            handle.write(b"\xa5" * PAGE)


def test_a_damaged_database_fails_health_naming_the_restore(
        fetch: Get, healthy: Settings, db: sqlite3.Connection) -> None:
    fill_and_damage(db, healthy.db_path)
    assert integrity(healthy.db_path, wait_s=30).status == "fail"
    code, body = health(fetch, healthy)
    assert code == 503
    for name in ("integrity", "database"):
        check = body["checks"][name]
        assert check["status"] == "fail"
        assert "damaged" in check["reason"] and "organizer backup restore FILE" in check["reason"]


@pytest.mark.slow
def test_the_verdict_is_cached_until_the_file_changes_and_time_passes(
        settings: Settings, db: sqlite3.Connection) -> None:
    first = integrity(settings.db_path, wait_s=30)
    assert (first.status, first.reason) == ("ok", "quick_check ok")
    fill_and_damage(db, settings.db_path)
    assert integrity(settings.db_path, wait_s=30).status == "ok"  # checked a moment ago: cached
    again = integrity(settings.db_path, wait_s=30, min_interval_s=0.0)
    assert again.status == "fail" and "damaged" in again.reason
