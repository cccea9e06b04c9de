"""Fixtures shared by every test area: a fresh, migrated database under tmp_path."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from organizer.settings import Settings, load_settings

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A minimal environment for one test: its own DB, the repo's canon, no bot, no calendar."""
    return {
        "DB_PATH": str(tmp_path / "data" / "organizer.db"),
        "CANON_PATH": str(REPO / "canon" / "intents_v2.yml"),
        "DEFAULT_TZ": "Europe/Moscow",
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        # a subprocess runs the sources under test (a worktree's src first on the path)
        **({"PYTHONPATH": os.environ["PYTHONPATH"]} if "PYTHONPATH" in os.environ else {}),
    }


@pytest.fixture
def settings(env: dict[str, str]) -> Settings:
    return load_settings(env, env_file=None)


@pytest.fixture
def db(settings: Settings) -> Iterator[sqlite3.Connection]:
    """A migrated database at settings.db_path, opened with organizer's policy."""
    from organizer.app.database import migrate, open_database

    migrate(settings, say=lambda _line: None)
    conn = open_database(settings)
    yield conn
    conn.close()
