"""Backups on real SQLite files: taken under a writer, drilled, pruned, restored, restored --at."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from organizer.app.tasks import TaskService
from organizer.domain import commands as c
from organizer.errors import StorageError
from organizer.ops import backups
from organizer.ops.restore import parse_at, restore
from organizer.settings import Settings
from organizer.store.backup import BackupRecord, create_backup, read_records
from organizer.store.db import connect

TZ = "Europe/Moscow"


def add(service: TaskService, title: str) -> None:
    service.execute(c.AddTask("42", title, None, None, TZ))


def titles(path: Path) -> list[str]:
    conn = connect(path, readonly=True)
    try:
        return [r[0] for r in conn.execute("SELECT title FROM tasks ORDER BY number")]
    finally:
        conn.close()


def test_backup_under_a_writer_restores_a_prefix_of_the_log(
        settings: Settings, db: sqlite3.Connection) -> None:
    stop = threading.Event()
    written = []

    def writer() -> None:
        conn = connect(settings.db_path)
        service = TaskService(conn)
        while not stop.is_set() and len(written) < 3000:
            add(service, f"t{len(written)}")
            written.append(1)
        conn.close()

    thread = threading.Thread(target=writer)
    thread.start()
    while len(written) < 50:
        threading.Event().wait(0.01)
    record = create_backup(settings.db_path, settings.backup_dir, "test")
    stop.set()
    thread.join()
    path = settings.backup_dir / record.file
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.with_name(record.file + ".json").stat().st_mode) == 0o600
    report = backups.drill(path)
    assert report.ok, report.steps
    assert [s["step"] for s in report.steps] == [
        "sha256", "integrity_check", "event log", "projections"]
    live = [tuple(r) for r in db.execute("SELECT position, data FROM events ORDER BY position")]
    copy = connect(path, readonly=True)
    copied = [tuple(r) for r in copy.execute("SELECT position, data FROM events ORDER BY position")]
    copy.close()
    assert 50 <= len(copied) <= len(live)
    assert copied == live[: len(copied)]


def test_drill_catches_a_changed_file_and_a_projection_mismatch(
        settings: Settings, db: sqlite3.Connection) -> None:
    add(TaskService(db), "одна")
    record = create_backup(settings.db_path, settings.backup_dir)
    path = settings.backup_dir / record.file
    conn = sqlite3.connect(path)
    conn.execute("UPDATE tasks SET title = 'подменено'")
    conn.commit()
    conn.close()
    report = backups.drill(path)
    assert not report.ok
    failed = {s["step"] for s in report.steps if not s["ok"]}
    assert failed == {"sha256", "projections"}
    assert "sha256" in report.reason


def test_drill_catches_a_lost_event(settings: Settings, db: sqlite3.Connection) -> None:
    add(TaskService(db), "одна")
    record = create_backup(settings.db_path, settings.backup_dir)
    sidecar = settings.backup_dir / (record.file + ".json")
    data = json.loads(sidecar.read_text())
    data["events"] += 1
    sidecar.write_text(json.dumps(data))
    report = backups.drill(settings.backup_dir / record.file)
    assert [s["step"] for s in report.steps if not s["ok"]] == ["event log"]


def _record(name: str, when: datetime) -> BackupRecord:
    return BackupRecord(file=name, sha256="x", created_at=when.strftime("%Y-%m-%dT%H:%M:%SZ"),
                        reason="t", events=0, last_position=0, last_event_hash=None,
                        schema="s", size=1)


def test_retention_keeps_n_daily_and_m_weekly() -> None:
    start = datetime(2026, 3, 1, 3, 0, tzinfo=UTC)  # a Sunday
    records = [_record(f"b{i:02d}", start + timedelta(days=i // 2, hours=i % 2))
               for i in range(60)]  # two a day for 30 days
    keep, delete = backups.plan_prune(records, daily=3, weekly=3)
    assert keep[0] == "b59"  # the newest always
    # Mon 30, Sun 29, Sat 28 March; the weeks of the 30th and the 29th are covered by those,
    # the week before adds its newest (Sunday 22nd, b43).
    assert keep == ["b59", "b57", "b55", "b43"]
    assert len(keep) + len(delete) == 60
    assert backups.plan_prune(records, 0, 0)[0] == ["b59"]


def test_prune_deletes_files_and_sidecars(settings: Settings, db: sqlite3.Connection) -> None:
    made = [create_backup(settings.db_path, settings.backup_dir) for _ in range(3)]
    result = backups.prune(settings.backup_dir, daily=1, weekly=0)
    assert result["kept"] == [made[-1].file]
    assert [r.file for r in read_records(settings.backup_dir)] == [made[-1].file]
    assert sorted(os.listdir(settings.backup_dir)) == sorted([made[-1].file,
                                                              made[-1].file + ".json"])


def test_restore_verifies_saves_current_and_restores(
        settings: Settings, db: sqlite3.Connection) -> None:
    service = TaskService(db)
    add(service, "до бэкапа")
    record = create_backup(settings.db_path, settings.backup_dir)
    add(service, "после бэкапа")
    report = restore(settings, record.file)
    assert titles(settings.db_path) == ["до бэкапа"]
    assert report.safety_backup is not None
    assert titles(Path(report.safety_backup)) == ["до бэкапа", "после бэкапа"]
    fresh = connect(settings.db_path)
    assert fresh.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    TaskService(fresh).execute(c.AddTask("42", "снова пишем", None, None, TZ))
    fresh.close()
    assert titles(settings.db_path) == ["до бэкапа", "снова пишем"]


def test_restore_refuses_a_bad_backup_and_changes_nothing(
        settings: Settings, db: sqlite3.Connection) -> None:
    add(TaskService(db), "живая")
    record = create_backup(settings.db_path, settings.backup_dir)
    (settings.backup_dir / record.file).write_bytes(b"garbage" * 100)
    with pytest.raises(StorageError, match="failed its restore drill"):
        restore(settings, record.file)
    assert titles(settings.db_path) == ["живая"]
    assert len(read_records(settings.backup_dir)) == 1


def test_restore_at_builds_the_state_of_that_moment(
        settings: Settings, db: sqlite3.Connection) -> None:
    moments = iter(datetime(2026, 2, 22, 10, m, tzinfo=UTC) for m in range(0, 60, 10))
    service = TaskService(db, clock=lambda: next(moments))
    add(service, "в 10:00")
    add(service, "в 10:10")
    service.execute(c.CompleteTask(service.resolve("42", "1")))  # 10:20
    add(service, "в 10:30")
    record = create_backup(settings.db_path, settings.backup_dir)
    report = restore(settings, record.file, at=parse_at("2026-02-22T10:15:00Z"))
    assert report.events == 2
    conn = connect(settings.db_path, readonly=True)
    rows = conn.execute("SELECT title, status FROM tasks ORDER BY number").fetchall()
    conn.close()
    assert rows == [("в 10:00", "open"), ("в 10:10", "open")]
    assert parse_at("2026-02-22T13:15:00+03:00") == parse_at("2026-02-22T10:15:00Z")
    with pytest.raises(StorageError, match="ISO 8601"):
        parse_at("yesterday")


def test_a_backup_whose_record_cannot_be_written_leaves_nothing_behind(
        settings: Settings, db: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    from organizer.store import backup as backup_module

    def disk_full(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup_module, "_write_sidecar", disk_full)
    with pytest.raises(OSError, match="No space"):
        create_backup(settings.db_path, settings.backup_dir)
    assert os.listdir(settings.backup_dir) == []
