"""Chaos: `organizer worker` SIGKILLed at random moments while the calendar misbehaves.

Faults on every fourth call or so — failing before the server commits, after it
commits (the answer is lost), answering past the client's timeout, 429 — and
tasks changing between the kills. At the end: exactly one live event per task
that wants one, showing the task as it is, none for cancelled tasks, and the
projections equal to a rebuild from the log.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from organizer.app.tasks import TaskService
from organizer.calendar.plan import plan, wants_event
from organizer.domain.commands import CancelTask, CompleteTask, RetitleTask
from organizer.settings import Settings
from organizer.store.db import connect
from organizer.store.rebuild import verify
from organizer.store.views import calendar_rows
from tests.fakes.calendar_server import CalendarServer
from tests.worker.conftest import CAL_ID, Clock
from tests.worker.helpers import add

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
TASKS, KILLS = 20, 8


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, "-m", "organizer", "worker"], env=env,
                                stdout=out, stderr=subprocess.STDOUT, cwd=env["HOME"])


def wait_started(log: Path, count: int) -> None:
    """Until the count-th worker has said it started (its signal handlers are in place)."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if log.exists() and log.read_text().count("worker started") >= count:
            return
        time.sleep(0.05)
    raise AssertionError(log.read_text()[-2000:])


def out_of_sync(settings: Settings) -> list[str]:
    conn = connect(settings.db_path)
    try:
        return [row.task.id for row in calendar_rows(conn)
                if plan(row.task, row.link, CAL_ID) is not None]
    finally:
        conn.close()


def test_sigkill_under_faults_leaves_one_live_event_per_task(
    settings: Settings, service: TaskService, clock: Clock, calendar_server: CalendarServer,
    tmp_path: Path,
) -> None:
    began = time.monotonic()
    seed = int(os.environ.get("CHAOS_SEED", "1234"))  # to replay another run
    rng = random.Random(seed)
    env = {
        "PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path),
        "DB_PATH": str(settings.db_path), "CANON_PATH": str(REPO / "canon" / "intents_v2.yml"),
        "GOOGLE_CALENDAR_ID": CAL_ID, "GOOGLE_SA_FILE": str(settings.google_sa_file),
        "GOOGLE_CALENDAR_API_BASE": calendar_server.base, "GOOGLE_CALENDAR_TIMEOUT_SEC": "1",
        "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(REPO / "src"),
    }
    log = tmp_path / "worker.log"
    calendar_server.chaos(0.25, seed=seed)
    ids = [add(service, f"задача {n}", at=f"{8 + n % 12:02d}:{n % 4 * 15:02d}")
           for n in range(TASKS - 2 * KILLS)]
    for kill in range(KILLS):
        proc = start_worker(env, log)
        wait_started(log, kill + 1)
        # tasks keep arriving and changing while the worker dies
        ids.append(add(service, f"новая {kill}"))
        ids.append(add(service, f"ещё {kill}"))
        victim = ids[rng.randrange(len(ids))]
        task = service.get(victim)
        if task is not None and task.status == "open":
            change = rng.choice([RetitleTask(victim, f"{task.title}!"),
                                 CompleteTask(victim), CancelTask(victim)])
            service.execute(change)
        time.sleep(rng.uniform(0.0, 1.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait(5)
    calendar_server.chaos(0.0)
    proc = start_worker(env, log)
    wait_started(log, KILLS + 1)
    try:
        deadline = time.monotonic() + 20
        while out_of_sync(settings) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert out_of_sync(settings) == [], log.read_text()[-3000:]
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0, log.read_text()[-3000:]

    live = calendar_server.live_by_task(CAL_ID)
    tasks = {t.id: t for t in service.list(include_closed=True)}
    assert len(tasks) == TASKS
    for task_id, task in tasks.items():
        if wants_event(task) and (task.status == "open" or task_id in live):
            [event] = live[task_id]
            prefix = "✓ " if task.status == "done" else ""
            assert event["summary"] == prefix + task.title
        else:
            assert task_id not in live, task
    assert set(live) <= set(tasks)
    assert verify(service.conn).differences == []
    assert time.monotonic() - began < 40
    inserts = [r for r in calendar_server.requests if r[0] == "POST" and "/events" in r[1]]
    assert len(inserts) > len(live)  # faults really made the worker repeat inserts
