"""Fixtures for the ops commands: a local deployment as `organizer run` leaves it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from organizer.settings import Settings
from organizer.store.heartbeats import beat

LINE = "2026-02-22T10:00:00.000Z INFO {d} tick"


@pytest.fixture
def deployment(settings: Settings, db: sqlite3.Connection, env: dict[str, str],
               tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Heartbeats from all three daemons and their log files, as `organizer run` leaves them."""
    for daemon in ("api", "worker", "bot"):
        beat(db, daemon)
    settings.log_dir.mkdir(parents=True)
    for daemon in ("api", "worker", "bot"):
        (settings.log_dir / f"{daemon}.log").write_text(LINE.format(d=daemon) + "\n")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("API_PORT", "9")  # nothing listens on the discard port
    monkeypatch.setenv("ORGANIZER_RUNTIME", "local")
    monkeypatch.chdir(tmp_path)
    return settings
