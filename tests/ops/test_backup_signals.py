"""An interrupted `organizer backup create`, with real signals on real processes.

SIGTERM, SIGHUP and SIGINT end it with one line and exit 1, the copying child
killed and the partial copy removed. SIGKILL cannot be caught: the child dies
with its parent, and the next `backup create` removes the partial left behind.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from organizer.app.database import migrate
from organizer.settings import load_settings
from organizer.store.interrupt import partial_name, sweep_partials

pytestmark = pytest.mark.slow
JUNK_MB = 400  # large enough that the copy is still running when the signal arrives


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    place = tmp_path_factory.mktemp("big")
    db = place / "data" / "organizer.db"
    migrate(load_settings({"DB_PATH": str(db)}, env_file=None), say=lambda _line: None)
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("CREATE TABLE junk (b BLOB)")
    conn.execute("BEGIN")
    for _ in range(JUNK_MB // 8):
        conn.execute("INSERT INTO junk VALUES (?)", (os.urandom(8 << 20),))
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return db


@pytest.fixture
def backup_env(big_db: Path, tmp_path: Path) -> Iterator[dict[str, str]]:
    yield {"DB_PATH": str(big_db), "BACKUP_DIR": str(tmp_path / "backups"),
           "PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path),
           "PYTHONPATH": os.environ.get("PYTHONPATH", ""), "ORGANIZER_RUNTIME": "local"}


def start_backup(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "organizer", "backup", "create",
                             "--runtime", "local"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def running(pid: int) -> bool:
    """True while `pid` exists and is not a zombie (a zombie has ended; only its entry is left)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def wait_until(condition: object, limit_s: float = 30.0) -> bool:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.02)
    return False


def copying(process: subprocess.Popen[str], backups: Path) -> int:
    """Wait until the copying child is writing the partial; its pid."""
    found: list[int] = []

    def ready() -> bool:
        kids = children(process.pid)
        partial = list(backups.glob("*.partial")) if backups.is_dir() else []
        if kids and partial and partial[0].stat().st_size > 0:
            found.append(kids[0])
            return True
        return False

    assert wait_until(ready), "the copy never started"
    return found[-1]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_caught_signal_kills_the_copier_and_removes_the_partial(
        backup_env: dict[str, str], signum: signal.Signals) -> None:
    backups = Path(backup_env["BACKUP_DIR"])
    process = start_backup(backup_env)
    child = copying(process, backups)
    process.send_signal(signum)
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 1, err
    assert "Traceback" not in err
    assert err.strip().splitlines() == [
        "runtime: local (--runtime local)",
        f"Error: backup interrupted by {signum.name}: the partial copy was removed, no backup "
        "was made; run `organizer backup create` again"]
    assert not running(child)
    assert list(backups.iterdir()) == []


def test_sigkill_takes_the_copier_too_and_the_next_backup_removes_the_partial(
        backup_env: dict[str, str]) -> None:
    backups = Path(backup_env["BACKUP_DIR"])
    process = start_backup(backup_env)
    child = copying(process, backups)
    process.kill()
    process.communicate(timeout=60)
    assert wait_until(lambda: not running(child), 10.0), "the copier outlived its parent"
    [left] = list(backups.glob("*.partial"))
    assert left.name.endswith(f".{process.pid}.partial")
    listed = subprocess.run([sys.executable, "-m", "organizer", "backup", "list", "--json",
                             "--runtime", "local"], env=backup_env, capture_output=True,
                            text=True, timeout=60)
    assert listed.returncode == 0 and json.loads(listed.stdout) == [], listed.stdout
    again = subprocess.run([sys.executable, "-m", "organizer", "backup", "create",
                            "--runtime", "local"], env=backup_env, capture_output=True,
                           text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert list(backups.glob("*.partial")) == []
    assert len(list(backups.glob("organizer-*.db"))) == 1


def test_sweep_keeps_a_live_writers_partial_and_removes_a_dead_ones(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    mine = tmp_path / partial_name("organizer-20260101T000000000000Z.db")
    gone = tmp_path / f"organizer-20260101T000001000000Z.db.{dead.pid}.partial"
    mine.write_bytes(b"x")
    gone.write_bytes(b"x")
    assert sweep_partials(tmp_path) == [gone.name]
    assert mine.exists() and not gone.exists()
