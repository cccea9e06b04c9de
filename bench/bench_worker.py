"""Worker benchmark: a real `organizer worker` process against the local Calendar v3 server.

* task created → event inserted: tasks added one by one while the worker idles,
  the delay read off the server's clock (p50, p95; target p95 <= 1.5 s);
* 1,000 tasks added in one burst, until the last is linked (target <= 60 s);
* the worker's peak resident memory (VmHWM) over all of that, with the
  reminder sender loaded too (target <= 100 MB), beside an idle Python
  interpreter's for scale.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from datetime import time as dtime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CAL_ID = "bench@group.calendar.google.com"


def _rss_peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _metric(metric: str, value: float, unit: str, target: str, ok: bool | None) -> dict[str, Any]:
    return {"metric": metric, "value": round(value, 3), "unit": unit, "target": target, "ok": ok}


def run(quick: bool) -> dict[str, Any]:
    sys.path.insert(0, str(REPO))
    from tests.fakes.calendar_server import CalendarServer, make_service_account

    from organizer.app.database import migrate
    from organizer.app.tasks import TaskService
    from organizer.calendar.ids import event_id
    from organizer.domain.commands import AddTask
    from organizer.settings import load_settings
    from organizer.store.db import connect

    singles, burst = (20, 300) if quick else (100, 1000)
    server = CalendarServer().start()
    work = Path(tempfile.mkdtemp(prefix="bench-worker-"))
    email = make_service_account(work / "google_sa.json", server)
    server.add_calendar(CAL_ID, writers=(email,))
    env = {
        "PATH": os.environ.get("PATH", ""), "HOME": str(work),
        "DB_PATH": str(work / "data" / "organizer.db"),
        "CANON_PATH": str(REPO / "canon" / "intents_v2.yml"),
        "GOOGLE_CALENDAR_ID": CAL_ID, "GOOGLE_SA_FILE": str(work / "google_sa.json"),
        "GOOGLE_CALENDAR_API_BASE": server.base,
        # reminders on, so their sender is loaded; every task is due in 2031
        "TELEGRAM_BOT_TOKEN": "123456:bench-token-not-real", "TG_ALLOWED_USER_IDS": "111",
        "TELEGRAM_API_BASE": "http://127.0.0.1:9",
    }
    settings = load_settings(env, env_file=None)
    migrate(settings, say=lambda _l: None)
    conn = connect(settings.db_path)
    service = TaskService(conn)
    log = (work / "worker.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "organizer", "worker"], env=env,
                            stdout=log, stderr=subprocess.STDOUT, cwd=work)
    try:
        def add(n: int) -> str:
            outcome = service.execute(AddTask("111", f"задача {n}", date(2031, 1, 1 + n % 28),
                                              dtime(9 + n % 10, 0), "Europe/Moscow"))
            assert outcome.task is not None
            return str(outcome.task.id)

        def wait_for(eid: str, limit: float) -> None:
            deadline = time.monotonic() + limit
            while eid not in server.inserted_at:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"event never inserted; see {work / 'worker.log'}")
                time.sleep(0.005)

        wait_for(event_id(CAL_ID, add(0), 0), 30)  # warm: started and probed
        delays = []
        for n in range(1, singles + 1):
            created = time.monotonic()
            eid = event_id(CAL_ID, add(n), 0)
            wait_for(eid, 10)
            delays.append(server.inserted_at[eid] - created)
            time.sleep(0.05)
        started = time.monotonic()
        ids = [add(10_000 + n) for n in range(burst)]
        wait_for(event_id(CAL_ID, ids[-1], 0), 120)
        while conn.execute("SELECT count(*) FROM calendar_links WHERE state = 'linked'"
                           ).fetchone()[0] < burst + singles + 1:
            time.sleep(0.01)
        burst_s = time.monotonic() - started
        rss = _rss_peak_mb(proc.pid)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(15)
        log.close()
        conn.close()
        server.stop()
    bare = subprocess.run([sys.executable, "-c", "print(open('/proc/self/status').read())"],
                          capture_output=True, text=True).stdout
    bare_mb = next(int(line.split()[1]) for line in bare.splitlines()
                   if line.startswith("VmHWM:")) / 1024
    p95 = statistics.quantiles(delays, n=20)[18]
    return {"name": "worker", "metrics": [
        _metric("task created → event inserted, p50", statistics.median(delays), "s", "-", None),
        _metric("task created → event inserted, p95", p95, "s", "<= 1.5", p95 <= 1.5),
        _metric(f"{burst} tasks synced", burst_s, "s",
                "<= 60" if burst == 1000 else "<= 18 (quick)",
                burst_s <= (60 if burst == 1000 else 18)),
        _metric("worker peak RSS", rss, "MB", "<= 100", rss <= 100),
        _metric("bare python peak RSS (for scale)", bare_mb, "MB", "-", None),
    ]}
