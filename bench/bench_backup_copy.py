"""How `organizer backup create` copies the live database, against SQLite's own two ways.

A database of realistic size (quick: 200 MB, full: 1 GB) is copied while
another process appends events as fast as it can, three ways, each ending in
what a backup needs (a fsynced file, mode 0600, its sha256):

* filecopy — today's way: pin a snapshot in the main file (`store/snapshot.py`)
  and copy its bytes in a child process, hashing on the way (`store/filecopy.py`);
* the backup API in one step (`Connection.backup(pages=-1)`), and in steps of
  `pages` pages — which SQLite restarts whenever another connection writes the
  source, so under a steady writer it may never finish;
* `VACUUM INTO`.

For each: wall time (median of 3; quick: 2) as a ratio to filecopy's, the writer's stall
(its slowest commit while the copy ran) as a ratio to its slowest commit with
no copy running, and whether every copy passes `PRAGMA integrity_check`. The
last metric says which way `backup create` should use and why: the
hand-rolled copier is kept only while it beats both one-step library ways by
KEEP_MARGIN, in time or in the writer's stall. (The stepped backup API is no
candidate: under a steady writer it restarts and does not finish.)
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.bench_ops import _fill
from organizer.store.backup import PIN_PATIENCE_S, _copy_with_backup_api, _sync_and_hash
from organizer.store.db import connect
from organizer.store.filecopy import CopyJob
from organizer.store.snapshot import pin_snapshot

HAND_ROLLED_LINES = 316  # store/filecopy.py + store/snapshot.py when this was measured
KEEP_MARGIN = 1.5  # filecopy must be this much faster than the best library way to keep it
STEP_PAGES = (4096, 32768)  # incremental backup API step sizes tried (4 KB pages: 16, 128 MB)
WRITER_PAUSES_S = (0.0, 0.005)  # full speed (pinning may fail), and ~150 commits/s
STEPPED_LIMIT_X = 10.0  # a stepped backup that takes this many filecopy times is given up
STEPPED_LIMIT_QUICK_X = 3.0

# The writer is another process, as the daemons are in prod; it commits one event per
# transaction without pause and answers "t0 t1" on stdin with its slowest commit in that window.
_WRITER = """
import sys, threading, time
from organizer.app.tasks import TaskService
from organizer.domain.commands import AddTask
from organizer.store.db import connect
service = TaskService(connect(sys.argv[1]))
log = []
def answer():
    for line in sys.stdin:
        t0, t1 = map(float, line.split())
        inside = [d for at, d in list(log) if t0 <= at <= t1]
        print(max(inside, default=0.0), len(inside), flush=True)
threading.Thread(target=answer, daemon=True).start()
pause = float(sys.argv[2])
n = 0
while True:
    if pause:
        time.sleep(pause)
    started = time.monotonic()
    service.execute(AddTask("42", f"w{n}", None, None, "Europe/Moscow"))
    log.append((started, time.monotonic() - started))
    n += 1
    if n == 50:
        print("writing", flush=True)
"""


def _metric(metric: str, value: float, unit: str, target: str, ok: bool | None) -> dict[str, Any]:
    return {"metric": metric, "value": round(value, 3), "unit": unit, "target": target, "ok": ok}


def _private(path: Path) -> None:
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600))


def _filecopy(db: Path, dst: Path) -> dict[str, Any]:
    """What `create_backup` does today: pin and copy, or the backup API when pinning fails."""
    pinned = pin_snapshot(db, PIN_PATIENCE_S)
    if pinned is None:
        return {**_backup_api(db, dst), "pinned": 0}
    try:
        sha = CopyJob(db, dst, pinned.length, pinned.inode).result()
    finally:
        pinned.release()
    return {"sha256": sha, "pinned": 1}


def _backup_api(db: Path, dst: Path) -> dict[str, Any]:
    sha, _facts = _copy_with_backup_api(db, dst)
    return {"sha256": sha}


def _stepped(pages: int, limit_s: float) -> Callable[[Path, Path], dict[str, Any]]:
    def copy(db: Path, dst: Path) -> dict[str, Any]:
        _private(dst)
        restarts, last = 0, None
        deadline = time.monotonic() + limit_s

        def progress(_status: int, remaining: int, _total: int) -> None:
            nonlocal restarts, last
            if last is not None and remaining > last:
                restarts += 1
            last = remaining
            if time.monotonic() > deadline:
                raise TimeoutError

        source, target = connect(db), sqlite3.connect(dst, isolation_level=None)
        try:
            target.execute("PRAGMA journal_mode = OFF")
            target.execute("PRAGMA synchronous = OFF")
            try:
                source.backup(target, pages=pages, progress=progress, sleep=0)
            except TimeoutError:
                return {"failed": f"unfinished after {limit_s:.0f} s", "restarts": restarts}
            target.execute("PRAGMA journal_mode = DELETE")
        finally:
            target.close()
            source.close()
        return {"sha256": _sync_and_hash(dst), "restarts": restarts}
    return copy


def _vacuum_into(db: Path, dst: Path) -> dict[str, Any]:
    _private(dst)  # VACUUM INTO takes an empty file, and keeps its mode
    source = connect(db)
    try:
        source.execute("VACUUM INTO ?", (str(dst),))
    finally:
        source.close()
    return {"sha256": _sync_and_hash(dst)}


def _integrity(path: Path) -> bool:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [r[0] for r in conn.execute("PRAGMA integrity_check")] == ["ok"]
    finally:
        conn.close()


class _Writer:
    def __init__(self, db: Path, pause_s: float) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", _WRITER, str(db), str(pause_s)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        self.process.stdout.readline()  # it has started writing

    def slowest(self, t0: float, t1: float) -> tuple[float, int]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(f"{t0} {t1}\n")
        self.process.stdin.flush()
        worst, count = self.process.stdout.readline().split()
        return float(worst), int(count)

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()


def _measure(copy: Callable[[Path, Path], dict[str, Any]], db: Path, root: Path,
             writer: _Writer, runs: int) -> dict[str, Any]:
    walls, stalls, commits, sound, failures, restarts, pinned = [], [], 0, True, [], [], 0
    for i in range(runs):
        dst = root / f"copy-{i}.db"
        started = time.monotonic()
        outcome = copy(db, dst)
        ended = time.monotonic()
        stall, count = writer.slowest(started, ended)
        walls.append(ended - started)
        stalls.append(stall)
        commits += count
        restarts.append(outcome.get("restarts", 0))
        pinned += outcome.get("pinned", 0)
        if "failed" in outcome:
            failures.append(outcome["failed"])
        else:
            sound = sound and _integrity(dst)
        dst.unlink(missing_ok=True)
    return {"wall": statistics.median(walls), "stall": max(stalls), "commits": commits,
            "sound": sound and not failures, "failures": failures, "restarts": max(restarts),
            "pinned": f"{pinned}/{runs}"}


def _compare(db: Path, megabytes: int, runs: int, pause_s: float,
             stepped_x: float) -> list[dict[str, Any]]:
    root = db.parent
    writer = _Writer(db, pause_s)
    try:
        idle_from = time.monotonic()
        time.sleep(3.0)
        idle_stall, _ = writer.slowest(idle_from, time.monotonic())
        results = {"filecopy": _measure(_filecopy, db, root, writer, runs)}
        results["backup API, one step"] = _measure(_backup_api, db, root, writer, runs)
        results["VACUUM INTO"] = _measure(_vacuum_into, db, root, writer, runs)
        limit = stepped_x * results["filecopy"]["wall"] + 2.0
        for pages in STEP_PAGES:
            results[f"backup API, {pages} pages a step"] = _measure(
                _stepped(pages, limit), db, root, writer, 1)
    finally:
        writer.stop()
    base = results["filecopy"]["wall"]
    pace = "a writer at full speed" if not pause_s else f"a writer pausing {pause_s * 1000:.0f} ms"
    metrics = [_metric(f"{pace}: its slowest commit with no copy running", idle_stall * 1000, "ms",
                       "-", None)]
    for name, r in results.items():
        done = "" if not r["failures"] else f", {r['failures'][0]}"
        restarts = f", {r['restarts']} restarts" if "pages a step" in name else ""
        if name == "filecopy":
            done += f", pinned {r['pinned']}, else the backup API"
        metrics += [
            _metric(f"{name}: time / filecopy ({megabytes} MB{done})",
                    r["wall"] / base, "x", "-", None),
            _metric(f"{name}: writer's slowest commit / with no copy{restarts}",
                    r["stall"] / max(idle_stall, 1e-6), "x", "-", None),
            _metric(f"{name}: every copy passes integrity_check", float(r["sound"]), "bool",
                    "1" if "pages a step" not in name else "-",
                    r["sound"] if "pages a step" not in name else None),
        ]
    metrics.append(_metric(f"filecopy {megabytes} MB under {pace}", base, "s", "-", None))
    metrics.append(_verdict(results, pace))
    return metrics


def _verdict(results: dict[str, dict[str, Any]], pace: str) -> dict[str, Any]:
    """Keep the hand-rolled copier only if it beats both one-step library ways by KEEP_MARGIN,
    in time or in how long it holds the writer up."""
    mine = results["filecopy"]
    library = {k: v for k, v in results.items() if k in ("backup API, one step", "VACUUM INTO")
               and v["sound"]}
    best = min(library, key=lambda k: library[k]["wall"])
    lead = library[best]["wall"] / mine["wall"]
    calmer = min(v["stall"] for v in library.values()) / max(mine["stall"], 1e-6)
    keep = mine["sound"] and (lead >= KEEP_MARGIN or calmer >= KEEP_MARGIN)
    figures = (f"{best} takes {lead:.1f}x its time, and the writer's slowest commit is "
               f"{calmer:.1f}x longer under either library way")
    why = (f"keep filecopy ({HAND_ROLLED_LINES} lines): {figures}" if keep else
           f"use {best}, filecopy's {HAND_ROLLED_LINES} lines are not worth it: {figures}")
    return _metric(f"verdict under {pace}: {why}", lead, "x", f">= {KEEP_MARGIN} to keep", None)


def run(quick: bool) -> dict[str, Any]:
    root = Path(tempfile.mkdtemp(prefix="bench-backup-copy-"))
    megabytes = 200 if quick else 1024
    try:
        _fill(root / "big.db", megabytes)
        metrics = []
        for pause_s in WRITER_PAUSES_S:
            metrics += _compare(root / "big.db", megabytes, 2 if quick else 3, pause_s,
                                STEPPED_LIMIT_QUICK_X if quick else STEPPED_LIMIT_X)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return {"name": "backup_copy", "metrics": metrics}
