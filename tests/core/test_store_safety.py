"""The store under bad inputs: private files, a damaged or read-only file, REPLACE on events."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from organizer.app.database import migrate, open_database
from organizer.app.tasks import TaskService
from organizer.domain import commands as c
from organizer.errors import DatabaseDamaged, StorageError
from organizer.settings import Settings
from organizer.store.db import connect, quick_check, require_sound, transaction

pytestmark = pytest.mark.slow
TZ = "Europe/Moscow"
PAGE = 4096


def organizer(env: dict[str, str], *args: str,
              prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*prefix, sys.executable, "-m", "organizer", *args],
                          env={**env, "TG_ALLOWED_USER_IDS": "1",
                               "PYTHONPATH": os.environ.get("PYTHONPATH", "")},
                          capture_output=True,
                          text=True, timeout=120)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


def fill(settings: Settings, tasks: int) -> None:
    migrate(settings, say=lambda _line: None)
    conn = open_database(settings)
    service = TaskService(conn)
    for number in range(tasks):
        service.execute(c.AddTask("1", f"купить молоко и хлеб {number} " + "x" * 120,
                                  None, None, TZ))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def damage(path: Path) -> None:
    """Overwrite a few pages in the middle of the file with garbage."""
    pages = path.stat().st_size // PAGE
    assert pages > 30
    with path.open("r+b") as handle:
        for page in range(pages // 3, pages // 3 + 5):
            handle.seek(page * PAGE)
            handle.write(os.urandom(PAGE))


def test_a_new_database_its_wal_and_directory_are_private(env: dict[str, str]) -> None:
    old = os.umask(0o022)
    try:
        assert organizer(env, "migrate").returncode == 0
        assert organizer(env, "task", "add", "купить молоко").returncode == 0
    finally:
        os.umask(old)
    db = Path(env["DB_PATH"])
    assert mode(db) == 0o600
    assert mode(db.parent) == 0o700
    conn = connect(db)  # WAL companions exist while a connection is open
    conn.execute("SELECT count(*) FROM events").fetchone()
    try:
        for suffix in ("-wal", "-shm"):
            assert mode(Path(f"{db}{suffix}")) == 0o600
    finally:
        conn.close()


def test_an_existing_directory_keeps_its_mode(tmp_path: Path) -> None:
    place = tmp_path / "mine"
    place.mkdir(mode=0o755)
    os.chmod(place, 0o755)
    connect(place / "organizer.db", create=True).close()
    assert mode(place) == 0o755
    assert mode(place / "organizer.db") == 0o600


def test_events_refuse_replace_update_and_delete_through_a_raw_connection(
        db: sqlite3.Connection, settings: Settings) -> None:
    TaskService(db).execute(c.AddTask("1", "купить молоко", None, None, TZ))
    TaskService(db).execute(c.AddTask("1", "купить хлеб", None, None, TZ))
    raw = sqlite3.connect(settings.db_path, isolation_level=None)
    before = raw.execute("SELECT * FROM events ORDER BY position").fetchall()
    stream, version = before[0][1], before[0][2]
    columns = "(position, stream, version, type, schema_version, data, recorded_at)"
    attempts = [
        f"INSERT OR REPLACE INTO events {columns} VALUES (1, 'x', 1, 't', 1, '{{}}', 'now')",
        f"REPLACE INTO events {columns} VALUES (NULL, '{stream}', {version}, 't', 1, '{{}}', "
        "'now')",
        f"INSERT OR REPLACE INTO events {columns} VALUES (2, '{stream}', {version}, 't', 1, "
        "'{}', 'now')",
        "UPDATE events SET data = '{}' WHERE position = 1",
        "DELETE FROM events WHERE position = 1",
    ]
    for statement in attempts:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            raw.execute(statement)
    assert raw.execute("SELECT * FROM events ORDER BY position").fetchall() == before
    raw.close()


def test_an_error_inside_a_transaction_is_translated(db: sqlite3.Connection) -> None:
    with pytest.raises(StorageError, match="no such table"), transaction(db):
        db.execute("INSERT INTO no_such_table VALUES (1)")
    assert not db.in_transaction


@pytest.fixture
def damaged(settings: Settings, env: dict[str, str]) -> dict[str, str]:
    fill(settings, 400)
    damage(settings.db_path)
    return env


def test_damaged_database_every_command_says_so_in_one_line(damaged: dict[str, str],
                                                             settings: Settings) -> None:
    for args in (("task", "list"), ("migrate",), ("projections", "verify"),
                 ("projections", "rebuild"), ("task", "done", "5")):
        result = organizer(damaged, *args)
        line = one_line_error(result)
        assert result.returncode == 2, (args, result.stderr)
        assert "is damaged" in line and "organizer backup restore FILE" in line, line
        assert "up to date" not in result.stdout


def test_quick_check_names_the_damage(damaged: dict[str, str], settings: Settings) -> None:
    conn = connect(settings.db_path, readonly=True)
    try:
        problem = quick_check(conn)
        assert problem is not None and "Page" in problem
        with pytest.raises(DatabaseDamaged, match="backup restore"):
            require_sound(conn)
    finally:
        conn.close()


def test_a_sound_database_passes_quick_check(db: sqlite3.Connection) -> None:
    assert quick_check(db) is None
    require_sound(db)


def test_read_only_database_file_is_one_line_and_loses_nothing(env: dict[str, str]) -> None:
    assert organizer(env, "migrate").returncode == 0
    assert organizer(env, "task", "add", "купить молоко").returncode == 0
    db = Path(env["DB_PATH"])
    os.chmod(db, 0o444)
    # root writes through any mode; without CAP_DAC_OVERRIDE it is held to the file's bits
    prefix = ("setpriv", "--bounding-set", "-dac_override,-dac_read_search") \
        if os.geteuid() == 0 else ()
    result = organizer(env, "task", "add", "купить хлеб", prefix=prefix)
    line = one_line_error(result)
    assert result.returncode == 2
    assert "read-only" in line
    os.chmod(db, 0o600)
    listed = organizer(env, "task", "list")
    assert "купить молоко" in listed.stdout and "купить хлеб" not in listed.stdout


def test_the_daily_check_fails_a_damaged_database_naming_the_restore(
        damaged: dict[str, str], tmp_path: Path) -> None:
    env = {**damaged, "BACKUP_DIR": str(tmp_path / "backups"),
           "ORGANIZER_JOURNAL": str(tmp_path / "journal.jsonl")}
    result = organizer(env, "ops", "daily-check", "--runtime", "local", "--no-backup", "--json")
    assert "Traceback" not in result.stderr
    assert result.returncode == 1
    checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}
    assert checks["quick_check"]["status"] == "FAIL"
    assert "damaged" in checks["quick_check"]["reason"]
    assert "organizer backup restore FILE" in checks["quick_check"]["reason"]
