"""Ops benchmarks, each measured side by side with its limit in the same run.

* daily-check on the local runtime: wall time of the concurrent run vs the
  slowest single check run alone (target <= 1.5x) and <= 3 s in absolute terms;
* an online backup of a large database while a writer appends, vs `cp` + `sync`
  of the same file (target <= 3x; quick: 200 MB, full: 1 GB). The writer grows
  the file, so the peer copies it both before the writer starts and after it ends.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from organizer.app.database import migrate
from organizer.app.tasks import TaskService
from organizer.domain.commands import AddTask
from organizer.ops.daily import daily_checks
from organizer.ops.local import LocalRuntime
from organizer.ops.runner import run_checks
from organizer.settings import load_settings
from organizer.store.backup import create_backup
from organizer.store.db import connect, transaction
from organizer.store.heartbeats import beat


def _metric(metric: str, value: float, unit: str, target: str, ok: bool) -> dict[str, Any]:
    return {"metric": metric, "value": round(value, 3), "unit": unit, "target": target, "ok": ok}


def _daily(root: Path) -> list[dict[str, Any]]:
    settings = load_settings({"DB_PATH": str(root / "data" / "organizer.db"), "API_PORT": "9"},
                             env_file=None)
    migrate(settings, say=lambda _line: None)
    conn = connect(settings.db_path)
    for daemon in ("api", "worker", "bot"):
        beat(conn, daemon)
    service = TaskService(conn)  # a year of use: the backup and its drill chew on this
    for i in range(3000):
        service.execute(AddTask("42", f"задача {i}", None, None, "Europe/Moscow"))
    conn.close()
    settings.log_dir.mkdir(parents=True)
    for daemon in ("api", "worker", "bot"):
        (settings.log_dir / f"{daemon}.log").write_text(
            "".join(f"2026-02-22T10:00:00.000Z INFO {daemon} line {i}\n" for i in range(5000)))
    runtime = LocalRuntime(settings, None, project_dir=root)
    run_checks(daily_checks(runtime, []))  # warm up: imports, page cache
    singles: dict[str, float] = {}
    for check in daily_checks(runtime, []):
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            run_checks([check])
            runs.append(time.perf_counter() - started)
        singles[check.name] = statistics.median(runs)
    walls = []
    for _ in range(3):
        started = time.perf_counter()
        run_checks(daily_checks(runtime, []))
        walls.append(time.perf_counter() - started)
    wall = statistics.median(walls)
    slowest = max(singles, key=lambda k: singles[k])
    return [
        _metric(f"daily-check wall / slowest check, medians of 3 ({slowest} {singles[slowest]:.2f} s)",
                wall / singles[slowest], "x", "<= 1.5", wall <= 1.5 * singles[slowest]),
        _metric("daily-check wall, local runtime", wall, "s", "<= 3", wall <= 3.0),
        _metric("daily-check checks run one after another", sum(singles.values()), "s", "-",
                True),
    ]


def _fill(path: Path, megabytes: int) -> None:
    """An organizer database (the backup reads its event log) plus `megabytes` of filler."""
    migrate(load_settings({"DB_PATH": str(path)}, env_file=None), say=lambda _line: None)
    conn = connect(path)
    conn.execute("CREATE TABLE blob (id INTEGER PRIMARY KEY, data BLOB)")
    chunk = os.urandom(64 * 1024)
    with transaction(conn):
        conn.executemany("INSERT INTO blob (data) VALUES (?)",
                         ((chunk,) for _ in range(megabytes * 16)))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


_WRITER = """
import sys
from organizer.store.db import connect, transaction
conn = connect(sys.argv[1])
first = True
while True:
    with transaction(conn):
        conn.execute("INSERT INTO blob (data) VALUES (?)", (b"x" * 1024,))
    if first:
        print("writing", flush=True)
        first = False
"""


def _cp_sync(db: Path, copy: Path) -> list[float]:
    """Three timed `cp` + `sync` of the database file."""
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run(["cp", str(db), str(copy)], check=True)
        subprocess.run(["sync"], check=True)
        runs.append(time.perf_counter() - started)
        copy.unlink()
    return runs


def _backup(root: Path, megabytes: int) -> list[dict[str, Any]]:
    db = root / "big.db"
    _fill(db, megabytes)
    copy = root / "copy.db"
    cp_runs, size_before = _cp_sync(db, copy), db.stat().st_size
    # The writer is another process, as the daemons are in prod: it commits as fast as it can.
    writer = subprocess.Popen([sys.executable, "-c", _WRITER, str(db)],
                              stdout=subprocess.PIPE, text=True)
    assert writer.stdout is not None
    writer.stdout.readline()  # it has started writing
    runs, sizes = [], []
    try:
        for _ in range(3):
            started = time.perf_counter()
            record = create_backup(db, root / "backups", "bench")
            runs.append(time.perf_counter() - started)
            sizes.append(record.size)
            (root / "backups" / record.file).unlink()
    finally:
        writer.terminate()
        writer.wait()
    backup = statistics.median(runs)
    conn = connect(db)
    writes = [conn.execute("SELECT count(*) FROM blob WHERE length(data) = 1024").fetchone()[0]]
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # all in the main file again, as for the first cp
    conn.close()
    # The writer grows the file while the backups run, so they copy more than the peer did
    # before it started: the peer copies the file again at its grown size, and its six runs
    # span the sizes the backups copied.
    cp_runs += _cp_sync(db, copy)
    cp_sync, size_after = statistics.median(cp_runs), db.stat().st_size
    return [
        _metric(f"backup of {megabytes} MB under a writer / cp+sync (medians of 3 and of 6)",
                backup / cp_sync, "x", "<= 3", backup <= 3 * cp_sync),
        _metric(f"backup of {megabytes} MB under a writer", backup, "s", "-", True),
        _metric(f"cp + sync of {megabytes} MB, before and after the writer", cp_sync, "s", "-",
                True),
        _metric(f"MB copied: backups {min(sizes) >> 20}-{max(sizes) >> 20} (median shown), "
                f"cp {size_before >> 20} and {size_after >> 20}", statistics.median(sizes) / 2**20,
                "MB", "-", True),
        _metric("writer commits during the run", float(writes[0]), "tx", "> 0", writes[0] > 0),
    ]


def run(quick: bool) -> dict[str, Any]:
    root = Path(tempfile.mkdtemp(prefix="bench-ops-"))
    try:
        metrics = _daily(root / "daily")
        metrics += _backup(root, 200 if quick else 1024)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return {"name": "ops", "metrics": metrics}
