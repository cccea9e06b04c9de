"""/health: every check's ok, degraded and fail path, in memory and over real HTTP."""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from organizer.api.checks import MissingCanon
from organizer.canon import LiveCanon
from organizer.settings import Settings
from organizer.store import heartbeats
from organizer.store.backup import create_backup
from tests.api.support import TOKEN, Get, beat_all, mountinfo_fixture

KEY_LINE = "MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQC7"
ALL_CHECKS = {"database", "schema", "tables", "volume", "canon", "calendar", "worker", "bot",
              "projector_lag", "backup", "integrity"}


def health(fetch: Get, settings: Settings, **kwargs: Any) -> tuple[int, dict[str, Any]]:
    response = fetch(settings, **kwargs)
    assert response.headers["content-type"].startswith("application/json")
    return response.status_code, response.json()


def raw_event(conn: sqlite3.Connection, stream: str, type_: str, data: dict[str, Any],
              recorded_at: str = "2026-11-28T00:00:00Z") -> None:
    """An event appended without projecting it (what a crashed projector leaves behind)."""
    version = conn.execute("SELECT coalesce(max(version), 0) + 1 FROM events WHERE stream = ?",
                           (stream,)).fetchone()[0]
    conn.execute("INSERT INTO events (stream, version, type, schema_version, data, recorded_at) "
                 "VALUES (?, ?, ?, 1, ?, ?)",
                 (stream, version, type_, json.dumps({"type": type_, **data}), recorded_at))


def test_all_ok(fetch: Get, healthy: Settings) -> None:
    code, body = health(fetch, healthy)
    assert (code, body["status"]) == (200, "ok"), body
    assert set(body["checks"]) == ALL_CHECKS
    for name, check in body["checks"].items():
        assert check["status"] == "ok", name
        assert check["reason"] and "\n" not in check["reason"]
    assert body["checks"]["calendar"]["mode"] == "NOT_CONFIGURED"
    canon = body["checks"]["canon"]
    assert len(canon["sha256"]) == 64 and canon["version"]
    assert body["checks"]["schema"]["version"] == body["checks"]["schema"]["latest"]
    assert body["checks"]["projector_lag"]["lag"] == 0


def test_missing_tasks_table_fails(fetch: Get, healthy: Settings, db: sqlite3.Connection) -> None:
    db.execute("DROP TABLE tasks")  # the prod-v0 incident: a runtime without its tables
    code, body = health(fetch, healthy)
    assert (code, body["status"]) == (503, "fail")
    assert body["checks"]["tables"]["status"] == "fail"
    assert body["checks"]["tables"]["missing"] == ["tasks"]
    assert "missing table(s): tasks" in body["checks"]["tables"]["reason"]
    assert body["checks"]["database"]["status"] == "ok"  # reachable, but not usable


def test_pending_migration_fails(fetch: Get, healthy: Settings, db: sqlite3.Connection) -> None:
    latest = db.execute("SELECT max(name) FROM schema_migrations").fetchone()[0]
    db.execute("DELETE FROM schema_migrations WHERE name = ?", (latest,))
    code, body = health(fetch, healthy)
    assert code == 503
    check = body["checks"]["schema"]
    assert check["status"] == "fail" and "1 migration(s) pending" in check["reason"]
    assert check["latest"] == latest


def test_code_newer_than_the_database_fails(fetch: Get, healthy: Settings,
                                            tmp_path: Path) -> None:
    newer = tmp_path / "newer-migrations"
    shutil.copytree(healthy.migrations_dir, newer)
    (newer / "0900_next.sql").write_text("CREATE TABLE next_thing (id INTEGER);\n")
    code, body = health(fetch, replace(healthy, migrations_dir=newer))
    assert (code, body["checks"]["schema"]["status"]) == (503, "fail")
    assert "1 migration(s) pending; run `organizer migrate`" in body["checks"]["schema"]["reason"]
    assert body["checks"]["schema"]["latest"] == "0900_next.sql"


def test_changed_migration_fails(fetch: Get, healthy: Settings, db: sqlite3.Connection) -> None:
    db.execute("UPDATE schema_migrations SET sha256 = 'ab' || substr(sha256, 3) "
               "WHERE name LIKE '0001%'")
    code, body = health(fetch, healthy)
    assert code == 503
    assert "changed after it was applied" in body["checks"]["schema"]["reason"]


def test_database_gone_fails(fetch: Get, healthy: Settings, db: sqlite3.Connection) -> None:
    db.close()
    for suffix in ("", "-wal", "-shm"):
        Path(str(healthy.db_path) + suffix).unlink(missing_ok=True)
    started = time.monotonic()
    code, body = health(fetch, healthy)
    assert time.monotonic() - started < 1.0
    assert (code, body["checks"]["database"]["status"]) == (503, "fail")
    assert "does not exist" in body["checks"]["database"]["reason"]
    assert not healthy.db_path.exists()  # health never creates a database


def test_write_lock_held_elsewhere_is_fine(fetch: Get, healthy: Settings,
                                          db: sqlite3.Connection) -> None:
    db.execute("BEGIN IMMEDIATE")  # a writer mid-transaction: WAL readers go on
    db.execute("INSERT INTO heartbeats (daemon, beat_at) VALUES ('x', 'y')")
    try:
        started = time.monotonic()
        code, body = health(fetch, healthy)
        took = time.monotonic() - started
    finally:
        db.execute("ROLLBACK")
    assert (code, body["status"]) == (200, "ok"), body
    assert took < 1.0


def test_exclusive_lock_is_a_fail_within_a_second(fetch: Get, healthy: Settings,
                                                  db: sqlite3.Connection) -> None:
    db.execute("PRAGMA locking_mode = EXCLUSIVE")
    db.execute("BEGIN EXCLUSIVE")
    db.execute("INSERT INTO heartbeats (daemon, beat_at) VALUES ('x', 'y')")
    try:
        started = time.monotonic()
        code, body = health(fetch, healthy)
        took = time.monotonic() - started
    finally:
        db.execute("ROLLBACK")
    # The probe gives up on the lock after 0.8 s, far below the 5 s busy timeout; the margin
    # is for a loaded machine (the 1 s answer itself is measured in `nox -s bench`).
    assert took < 2.5
    assert code == 503
    check = body["checks"]["database"]
    assert (check["status"], check["state"]) == ("fail", "locked")
    assert check["reason"].startswith("locked: ")
    assert body["checks"]["canon"]["status"] == "ok"  # the checks that need no DB still run


def test_canon_missing_at_start_fails(fetch: Get, healthy: Settings, tmp_path: Path) -> None:
    gone = replace(healthy, canon_path=tmp_path / "nowhere" / "intents_v2.yml")
    code, body = health(fetch, gone)  # no live canon given: the app loads CANON_PATH itself
    assert (code, body["checks"]["canon"]["status"]) == (503, "fail")
    assert "does not exist" in body["checks"]["canon"]["reason"]
    code, body = health(fetch, healthy, canon=MissingCanon("canon file x is invalid: y"))
    assert body["checks"]["canon"]["reason"] == "canon file x is invalid: y"


def test_canon_gone_or_refused_later_degrades(fetch: Get, healthy: Settings,
                                              tmp_path: Path) -> None:
    shutil.copytree(healthy.canon_path.parent, tmp_path / "canon")
    path = tmp_path / "canon" / healthy.canon_path.name
    moved = replace(healthy, canon_path=path)
    live = LiveCanon(path)
    path.write_text("version: [not, a, canon\n")
    assert live.reload() is False
    code, body = health(fetch, moved, canon=live)
    assert (code, body["checks"]["canon"]["status"]) == (200, "degraded")
    assert "the last edit was refused" in body["checks"]["canon"]["reason"]
    assert body["checks"]["canon"]["sha256"] == live.current.sha256
    path.unlink()
    code, body = health(fetch, moved, canon=live)
    assert (code, body["checks"]["canon"]["status"]) == (200, "degraded")
    assert "is gone" in body["checks"]["canon"]["reason"]


@pytest.mark.parametrize(("fixture", "status", "words"), [
    (None, "ok", "not required"),
    ("mountinfo_docker_volume.txt", "ok", "is on docker volume deploy_db_data"),
    ("mountinfo_wrong_volume.txt", "fail", "is on docker volume deploy_runtime_data, but "
                                           "EXPECTED_DB_VOLUME is deploy_db_data"),
    ("mountinfo_container_layer.txt", "fail", "the container's own layer"),
])
def test_volume(fetch: Get, healthy: Settings, fixture: str | None, status: str,
                words: str) -> None:
    settings, mountinfo = healthy, None
    if fixture is not None:
        settings = replace(healthy, expected_db_volume="deploy_db_data")
        mountinfo = mountinfo_fixture(fixture, healthy.db_path.parent)
    code, body = health(fetch, settings, mountinfo=mountinfo)
    assert body["checks"]["volume"]["status"] == status
    assert words in body["checks"]["volume"]["reason"]
    assert code == (200 if status == "ok" else 503)


def test_heartbeats(fetch: Get, settings: Settings, db: sqlite3.Connection) -> None:
    with_bot = replace(settings, telegram_bot_token=TOKEN)
    code, body = health(fetch, with_bot)
    assert (code, body["status"]) == (200, "degraded")
    assert "no heartbeat from the worker" in body["checks"]["worker"]["reason"]
    beat_all(db, age_s=600)
    body = health(fetch, with_bot)[1]
    assert body["checks"]["bot"]["status"] == "degraded"
    assert body["checks"]["worker"]["reason"].startswith("last heartbeat 10 min ago")
    heartbeats.beat(db, "worker", "degraded", {"calendar": "down"})
    assert health(fetch, with_bot)[1]["checks"]["worker"]["reason"] == "worker reports degraded"
    heartbeats.beat(db, "worker")
    body = health(fetch, settings)[1]  # no token: the bot is off, which is fine
    assert body["checks"]["bot"] == {"status": "ok", "state": "off",
                                     "reason": "off: TELEGRAM_BOT_TOKEN is not set"}
    assert body["status"] == "ok"


def test_calendar_mode(fetch: Get, healthy: Settings, db: sqlite3.Connection) -> None:
    configured = replace(healthy, google_calendar_id="team@group.calendar.google.com")
    check = health(fetch, configured)[1]["checks"]["calendar"]
    assert (check["status"], check["mode"]) == ("ok", "CONFIGURED")
    raw_event(db, "calendar-mode", "calendar.mode_changed",
              {"mode": "DEGRADED", "reason": "calendar not found (404)"})
    code, body = health(fetch, configured)
    assert body["checks"]["calendar"] == {"status": "degraded", "mode": "DEGRADED",
                                          "reason": "calendar not found (404)"}
    assert (code, body["status"]) == (200, "degraded")
    check = health(fetch, healthy)[1]["checks"]["calendar"]  # unset again: off, quietly
    assert (check["status"], check["mode"]) == ("ok", "NOT_CONFIGURED")


def test_projector_lag(fetch: Get, healthy: Settings, db: sqlite3.Connection) -> None:
    raw_event(db, "task-x", "task.created", {"title": "x"})
    raw_event(db, "task-x", "task.completed", {})
    code, body = health(fetch, healthy)
    check = body["checks"]["projector_lag"]
    assert (code, check["status"], check["lag"]) == (200, "degraded", 2)
    assert "2 event(s) behind" in check["reason"]


def test_backup_age(fetch: Get, healthy: Settings, db: sqlite3.Connection) -> None:
    assert health(fetch, healthy)[1]["checks"]["backup"]["reason"].startswith("no backup yet")
    raw_event(db, "old", "task.created", {"title": "old"}, recorded_at="2020-01-01T00:00:00Z")
    check = health(fetch, healthy)[1]["checks"]["backup"]
    assert check["status"] == "degraded" and "organizer backup create" in check["reason"]
    record = create_backup(healthy.db_path, healthy.backup_dir)
    check = health(fetch, healthy)[1]["checks"]["backup"]
    assert (check["status"], check["file"]) == ("ok", record.file)
    sidecar = healthy.backup_dir / (record.file + ".json")
    data = json.loads(sidecar.read_text())
    data["created_at"] = "2020-01-01T00:00:00Z"
    sidecar.write_text(json.dumps(data))
    check = health(fetch, healthy)[1]["checks"]["backup"]
    assert check["status"] == "degraded" and check["reason"].startswith("last backup ")


def test_no_secret_in_health_or_metrics(fetch: Get, healthy: Settings, tmp_path: Path) -> None:
    sa = tmp_path / "google_sa.json"
    sa.write_text(json.dumps({
        "type": "service_account", "client_email": "bot@x.iam.gserviceaccount.com",
        "private_key": f"-----BEGIN PRIVATE KEY-----\n{KEY_LINE}\n-----END PRIVATE KEY-----\n",
    }))
    planted = replace(healthy, google_sa_file=sa, google_calendar_id="c@group.calendar.google.com")
    texts = [fetch(planted).text, fetch(planted, path="/metrics").text]
    for text in texts:
        assert TOKEN not in text and KEY_LINE not in text and "123456789:" not in text
        assert "PRIVATE KEY" not in text
