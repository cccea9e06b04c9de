"""/health's integrity check: SQLite's quick_check, cached, in the background.

A quick_check reads every page, which on a large database takes longer than
/health may wait. So it runs in its own thread on its own read-only
connection, at most once a minute and only when the files changed, or every
ten minutes regardless; a request reads the last verdict and waits for a fresh
one only briefly. A check that cannot finish within its budget is stopped and
said so, never left holding a snapshot.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from organizer.api.checks import DEGRADED_STATUS, FAIL, OK, Check
from organizer.errors import DatabaseDamaged, OrganizerError
from organizer.store.db import RESTORE_HINT, connect, quick_check

MIN_INTERVAL_S = 60.0  # a changed file is checked again after this long
MAX_AGE_S = 600.0  # an unchanged one after this long
BUDGET_S = 30.0  # a check running longer is stopped
WAIT_S = 0.5  # how long a request waits for a check it started


@dataclass
class _State:
    stamp: tuple[int, ...] | None = None
    checked_at: float = 0.0
    verdict: Check | None = None
    running: threading.Thread | None = None


_states: dict[Path, _State] = {}
_lock = threading.Lock()


def _stamp(db_path: Path) -> tuple[int, ...]:
    values: list[int] = []
    for suffix in ("", "-wal"):
        try:
            info = os.stat(f"{db_path}{suffix}")
            values += [info.st_size, info.st_mtime_ns, info.st_ino]
        except OSError:
            values += [-1, -1, -1]
    return tuple(values)


NOT_RUN = "quick_check not run"


def _run(db_path: Path, state: _State, stamp: tuple[int, ...]) -> None:
    verdict = check_now(db_path)
    with _lock:
        state.running = None
        if verdict.reason.startswith(NOT_RUN) and state.verdict is not None:
            return  # locked for a moment: keep the last verdict, try again next time
        state.verdict, state.stamp, state.checked_at = verdict, stamp, time.monotonic()
        if verdict.reason.startswith(NOT_RUN):
            state.checked_at = 0.0  # nothing was learned: due again at the next request


def check_now(db_path: Path, budget_s: float = BUDGET_S) -> Check:
    """One quick_check of `db_path`, stopped after `budget_s`."""
    try:
        conn = connect(db_path, readonly=True, busy_timeout_ms=1000)
    except DatabaseDamaged as exc:
        return Check(FAIL, str(exc))
    except OrganizerError as exc:  # missing, locked: the database check says which
        return Check(DEGRADED_STATUS, f"{NOT_RUN}: {exc}")
    deadline = time.monotonic() + budget_s
    conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
    try:
        problem = quick_check(conn)
    except OrganizerError as exc:
        return Check(DEGRADED_STATUS, f"{NOT_RUN}: {exc}")
    except sqlite3.Error as exc:
        return Check(DEGRADED_STATUS, f"{NOT_RUN}: {exc}")
    finally:
        conn.close()
    if problem == "interrupted":
        return Check(DEGRADED_STATUS, f"quick_check did not finish within {budget_s:.0f} s")
    if problem is not None:
        return Check(FAIL, f"the database file is damaged ({problem.splitlines()[0][:200]}): "
                     f"{RESTORE_HINT}")
    return Check(OK, "quick_check ok")


def integrity(db_path: Path, wait_s: float = WAIT_S, min_interval_s: float = MIN_INTERVAL_S) -> Check:
    """The latest quick_check verdict for `db_path`, starting a new check when it is due."""
    now = time.monotonic()
    stamp = _stamp(db_path)
    with _lock:
        state = _states.setdefault(db_path, _State())
        age = now - state.checked_at
        due = state.verdict is None or age > MAX_AGE_S or (
            stamp != state.stamp and age > min_interval_s)
        if due and state.running is None:
            state.running = threading.Thread(target=_run, args=(db_path, state, stamp),
                                             name="health-quick-check", daemon=True)
            state.running.start()
        running = state.running
    if running is not None:
        running.join(wait_s)
    with _lock:
        verdict = state.verdict
    if verdict is None:
        return Check(OK, "quick_check running (first check since start)")
    return verdict
