"""/health and /metrics: every check's ok, degraded and fail path, over the app and over HTTP."""

from __future__ import annotations

import json
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from organizer.api.app import create_app
from organizer.canon import LiveCanon
from organizer.settings import Settings
from organizer.store import heartbeats
from organizer.store.backup import create_backup

TOKEN = "123456789:AAHhealthSecretTokenValue_abcdefghijk"
KEY_LINE = "MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQC7"


@dataclass
class Canonless:
    current: Any = None
    last_error: str | None = None


def beat_all(conn: sqlite3.Connection, age_s: float = 0.0) -> None:
    at = datetime.now(UTC) - timedelta(seconds=age_s)
    heartbeats.beat(conn, "worker", now=at)
    heartbeats.beat(conn, "bot", now=at)


def get(settings: Settings, canon: Any = "live") -> tuple[int, dict[str, Any]]:
    live = LiveCanon(settings.canon_path) if canon == "live" else canon
    with TestClient(app=create_app(settings, live)) as client:
        response = client.get("/health")
        return response.status_code, response.json()


@pytest.fixture
def healthy(settings: Settings, db: sqlite3.Connection) -> Settings:
    beat_all(db)
    return replace(settings, telegram_bot_token=TOKEN)


def test_all_ok(healthy: Settings) -> None:
    code, body = get(healthy)
    assert (code, body["status"]) == (200, "ok"), body
    assert set(body["checks"]) == {"database", "schema", "tables", "volume", "canon", "calendar",
                                   "worker", "bot", "projector_lag", "backup"}
    for check in body["checks"].values():
        assert check["status"] == "ok" and check["reason"]
    assert body["checks"]["calendar"]["mode"] == "NOT_CONFIGURED"
    assert len(body["checks"]["canon"]["sha256"]) == 64


def test_missing_tasks_table_fails(healthy: Settings, db: sqlite3.Connection) -> None:
    db.execute("DROP TABLE tasks")  # the prod-v0 incident: runtime without its tables
    code, body = get(healthy)
    assert (code, body["status"]) == (503, "fail")
    assert body["checks"]["tables"]["status"] == "fail"
    assert "missing table(s): tasks" in body["checks"]["tables"]["reason"]


def test_database_gone_fails(healthy: Settings, db: sqlite3.Connection) -> None:
    db.close()
    for suffix in ("", "-wal", "-shm"):
        Path(str(healthy.db_path) + suffix).unlink(missing_ok=True)
    code, body = get(healthy)
    assert (code, body["checks"]["database"]["status"]) == (503, "fail")
    assert "does not exist" in body["checks"]["database"]["reason"]


def test_write_lock_held_elsewhere_still_answers(healthy: Settings,
                                                 db: sqlite3.Connection) -> None:
    db.execute("BEGIN IMMEDIATE")
    db.execute("INSERT INTO heartbeats (daemon, beat_at) VALUES ('x', 'y')")
    try:
        code, body = get(healthy)
    finally:
        db.execute("ROLLBACK")
    assert (code, body["checks"]["database"]["status"]) == (200, "ok")


def test_exclusively_locked_database_is_a_fail_not_a_hang(healthy: Settings,
                                                          db: sqlite3.Connection) -> None:
    db.execute("PRAGMA locking_mode = EXCLUSIVE")
    db.execute("BEGIN EXCLUSIVE")
    db.execute("INSERT INTO heartbeats (daemon, beat_at) VALUES ('x', 'y')")
    try:
        code, body = get(healthy)
    finally:
        db.execute("ROLLBACK")
    assert code == 503
    assert body["checks"]["database"]["status"] == "fail"


def test_canon_missing_or_refused(healthy: Settings, tmp_path: Path) -> None:
    canon_dir = tmp_path / "canon"
    canon_dir.mkdir()
    (canon_dir / "intents_v2.yml").write_bytes(healthy.canon_path.read_bytes())
    moved = replace(healthy, canon_path=canon_dir / "intents_v2.yml")
    live = LiveCanon(moved.canon_path)
    (canon_dir / "intents_v2.yml").unlink()
    code, body = get(moved, live)
    assert (code, body["checks"]["canon"]["status"]) == (200, "degraded")
    assert "is gone" in body["checks"]["canon"]["reason"]
    code, body = get(moved, Canonless())
    assert (code, body["checks"]["canon"]["status"]) == (503, "fail")


def test_wrong_volume_fails(healthy: Settings) -> None:
    code, body = get(replace(healthy, expected_db_volume="deploy_db_data"))
    assert (code, body["checks"]["volume"]["status"]) == (503, "fail")
    assert "EXPECTED_DB_VOLUME is deploy_db_data" in body["checks"]["volume"]["reason"]


def test_stale_and_missing_heartbeats_degrade(settings: Settings, db: sqlite3.Connection) -> None:
    with_bot = replace(settings, telegram_bot_token=TOKEN)
    code, body = get(with_bot)
    assert (code, body["status"]) == (200, "degraded")
    assert "no heartbeat from the worker" in body["checks"]["worker"]["reason"]
    beat_all(db, age_s=600)
    code, body = get(with_bot)
    assert body["checks"]["bot"]["status"] == "degraded"
    assert body["checks"]["worker"]["reason"].startswith("last heartbeat 10 min ago")
    heartbeats.beat(db, "worker")
    code, body = get(settings)  # no token: the bot is off, which is fine
    assert body["checks"]["bot"] == {"status": "ok", "state": "off",
                                     "reason": "off: TELEGRAM_BOT_TOKEN is not set"}


def test_calendar_degraded_and_projector_lag(healthy: Settings, db: sqlite3.Connection) -> None:
    configured = replace(healthy, google_calendar_id="team@group.calendar.google.com")
    assert get(configured)[1]["checks"]["calendar"]["mode"] == "CONFIGURED"
    db.execute("INSERT INTO events (stream, version, type, schema_version, data, recorded_at) "
               "VALUES ('calendar-mode', 1, 'calendar.mode_changed', 1, "
               "'{\"type\":\"calendar.mode_changed\",\"mode\":\"DEGRADED\",\"reason\":\"calendar "
               "not found (404)\"}', '2026-11-28T00:00:00Z')")
    code, body = get(configured)
    assert body["checks"]["calendar"] == {"status": "degraded", "mode": "DEGRADED",
                                          "reason": "calendar not found (404)"}
    assert body["checks"]["projector_lag"]["lag"] == 1  # appended without projecting
    assert code == 200


def test_backup_age(healthy: Settings, db: sqlite3.Connection) -> None:
    record = create_backup(healthy.db_path, healthy.backup_dir)
    assert get(healthy)[1]["checks"]["backup"]["status"] == "ok"
    sidecar = healthy.backup_dir / (record.file + ".json")
    data = json.loads(sidecar.read_text())
    data["created_at"] = "2020-01-01T00:00:00Z"
    sidecar.write_text(json.dumps(data))
    check = get(healthy)[1]["checks"]["backup"]
    assert check["status"] == "degraded" and "organizer backup create" in check["reason"]


def test_no_secret_in_health_or_metrics(healthy: Settings, tmp_path: Path) -> None:
    sa = tmp_path / "google_sa.json"
    sa.write_text(json.dumps({"type": "service_account", "private_key":
                              f"-----BEGIN PRIVATE KEY-----\n{KEY_LINE}\n-----END PRIVATE KEY-----\n",
                              "client_email": "bot@x.iam.gserviceaccount.com"}))
    planted = replace(healthy, google_sa_file=sa, google_calendar_id="c@group.calendar.google.com")
    with TestClient(app=create_app(planted, LiveCanon(planted.canon_path))) as client:
        texts = [client.get("/health").text, client.get("/metrics").text]
    for text in texts:
        assert TOKEN not in text and KEY_LINE not in text and "123456789:" not in text


def test_metrics(healthy: Settings, db: sqlite3.Connection) -> None:
    from organizer.app.tasks import TaskService
    from organizer.domain.commands import AddTask, CompleteTask

    service = TaskService(db)
    first = service.execute(AddTask("1", "a", None, None, "UTC")).task
    service.execute(AddTask("1", "b", None, None, "UTC"))
    assert first is not None
    service.execute(CompleteTask(first["id"]))
    with TestClient(app=create_app(healthy, LiveCanon(healthy.canon_path))) as client:
        response = client.get("/metrics")
    text = response.text
    assert response.headers["content-type"].startswith("text/plain")
    assert 'organizer_events_appended_total{type="task.created"} 2.0' in text
    assert 'organizer_tasks{status="open"} 1.0' in text
    assert 'organizer_tasks{status="done"} 1.0' in text
    assert "organizer_reminders_sent_total 0.0" in text
    assert 'organizer_heartbeat_age_seconds{daemon="worker"}' in text
    assert "organizer_schema_version" in text


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def api_process(env: dict[str, str], db: sqlite3.Connection) -> Iterator[tuple[Any, int]]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "organizer", "api"],
                            env={**env, "API_PORT": str(port)}, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.1)
    yield proc, port
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    assert proc.stderr is not None
    proc.stderr.close()


@pytest.mark.slow
def test_over_real_http_then_sigterm(api_process: tuple[Any, int]) -> None:
    proc, port = api_process
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as response:
        body = json.loads(response.read())
        assert response.status == 200
    assert body["status"] == "degraded"  # no worker is running beside it
    assert body["checks"]["worker"]["status"] == "degraded"
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        assert b"organizer_schema_version" in response.read()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=5) == 0
    assert "api stopping" in proc.stderr.read()


@pytest.mark.slow
def test_taken_port_is_one_clear_line(api_process: tuple[Any, int], env: dict[str, str]) -> None:
    _, port = api_process
    second = subprocess.run([sys.executable, "-m", "organizer", "api"],
                            env={**env, "API_PORT": str(port)}, capture_output=True, text=True,
                            timeout=60)
    assert second.returncode == 2
    assert second.stderr.strip().splitlines()[-1] == (
        f"Error: cannot listen on 127.0.0.1:{port}: Address already in use; stop what holds "
        "the port or set API_PORT / API_HOST")


def test_pending_migration_fails_schema(healthy: Settings, tmp_path: Path) -> None:
    import shutil

    newer = tmp_path / "newer-migrations"
    shutil.copytree(healthy.migrations_dir, newer)
    (newer / "0900_next.sql").write_text("CREATE TABLE next_thing (id INTEGER);\n")
    code, body = get(replace(healthy, migrations_dir=newer))
    assert (code, body["checks"]["schema"]["status"]) == (503, "fail")
    assert "1 migration(s) pending; run `organizer migrate`" in body["checks"]["schema"]["reason"]
