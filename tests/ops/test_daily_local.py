"""`organizer ops daily-check --runtime local` through the CLI, on a real database and log files."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from organizer.cli.main import app
from organizer.settings import Settings
from organizer.store.backup import create_backup
from organizer.store.heartbeats import beat
from tests.ops.conftest import LINE


def daily(*args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(app, ["ops", "daily-check", "--json", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, json.loads(result.stdout)


def by_name(record: dict) -> dict[str, dict]:
    return {c["name"]: c for c in record["checks"]}


def test_daily_check_records_day_one_after_baseline(deployment: Settings) -> None:
    assert CliRunner().invoke(app, ["ops", "baseline", "--json"]).exit_code == 0
    code, record = daily()
    checks = by_name(record)
    assert record["n"] == 1
    for name in ("services", "worker_logs", "bot_logs", "backup", "volume", "drift", "disk",
                 "quick_check"):
        assert checks[name]["status"] == "OK", checks[name]
    assert checks["backup"]["details"]["created"] is True
    # The API daemon is not listening: a clear FAIL, and exit 1.
    assert checks["health"]["status"] == "FAIL"
    assert "connection refused" in checks["health"]["reason"]
    assert code == 1
    journal = Path.cwd() / "ops" / "journal" / "journal.jsonl"  # the one journal of this tree
    rendered = CliRunner().invoke(app, ["ops", "journal"]).stdout
    assert f"### Day 1 — {record['date']}" in rendered
    assert "- Backup created: YES" in rendered
    assert journal.exists()


def test_stopped_worker_fails_naming_it(deployment: Settings, db: sqlite3.Connection) -> None:
    beat(db, "worker", now=datetime.now(UTC) - timedelta(minutes=5))
    _, record = daily("--no-backup")
    services = by_name(record)["services"]
    assert services["status"] == "FAIL"
    assert services["reason"].startswith("worker: last heartbeat 300 s ago")
    assert "api" not in services["reason"]


def test_stale_backup_warns(deployment: Settings) -> None:
    create_backup(deployment.db_path, deployment.backup_dir)
    sidecar = next(deployment.backup_dir.glob("*.json"))
    data = json.loads(sidecar.read_text())
    data["created_at"] = (datetime.now(UTC) - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    sidecar.write_text(json.dumps(data))
    _, record = daily("--no-backup")
    backup = by_name(record)["backup"]
    assert backup["status"] == "WARN"
    assert "72 h old" in backup["reason"]


def test_planted_no_such_table_gives_the_hint(deployment: Settings) -> None:
    with (deployment.log_dir / "worker.log").open("a") as handle:
        handle.write("2026-02-22T10:00:01.000Z ERROR worker P4_CALENDAR_CANCEL failed: "
                     "no such table: tasks\n")
    _, record = daily("--no-backup")
    worker = by_name(record)["worker_logs"]
    assert worker["status"] == "FAIL"
    assert "no_such_table x1" in worker["reason"] and "ops verify-volume" in worker["reason"]
    assert by_name(record)["bot_logs"]["status"] == "OK"


def test_drift_after_an_env_key_appears(deployment: Settings,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    CliRunner().invoke(app, ["ops", "baseline", "--json"])
    monkeypatch.setenv("ASR_SERVICE_URL", "http://127.0.0.1:9/")
    _, record = daily("--no-backup")
    drift = by_name(record)["drift"]
    assert drift["status"] == "FAIL" and "+ASR_SERVICE_URL" in drift["reason"]


def test_plain_output_without_a_tty(deployment: Settings) -> None:
    result = CliRunner().invoke(app, ["ops", "daily-check", "--no-backup"])
    assert "\x1b[" not in result.stdout and "│" not in result.stdout
    assert result.stdout.splitlines()[1].split() == ["check", "status", "reason"]


def test_ops_check_warns_about_an_api_open_to_every_interface(
        deployment: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("API_HOST", "0.0.0.0")
    result = CliRunner().invoke(app, ["ops", "check", "--json"])
    checks = {c["name"]: c for c in json.loads(result.stdout)}
    assert checks["api_host"]["status"] == "WARN"
    assert checks["api_host"]["reason"].startswith("API_HOST=0.0.0.0 exposes the api")
    monkeypatch.setenv("API_HOST", "127.0.0.1")
    result = CliRunner().invoke(app, ["ops", "check", "--json"])
    checks = {c["name"]: c for c in json.loads(result.stdout)}
    assert checks["api_host"]["status"] == "OK"


def test_a_bot_log_full_of_getupdates_warnings_is_not_ok(deployment: Settings) -> None:
    failing = [f"2026-02-22T10:00:{i:02d}.000Z WARNING bot getUpdates failed (ClientDecodeError: "
               f"502 Bad Gateway); retrying in {i % 5 + 1}.0 s" for i in range(30)]
    (deployment.log_dir / "bot.log").write_text(
        "\n".join([LINE.format(d="bot")] * 90 + failing) + "\n")
    _, record = daily("--no-backup")
    bot = by_name(record)["bot_logs"]
    assert bot["status"] == "WARN"
    assert bot["reason"].startswith("repeated x30 in 120 lines: getUpdates failed "
                                    "(ClientDecodeError: 502 Bad Gateway)")
    assert by_name(record)["worker_logs"]["status"] == "OK"
