"""/health under load against a bare Litestar app on the same uvicorn settings (the limit).

Both servers are separate processes with one uvicorn worker, started through
the same `organizer.daemons.api.serve_app` (so their server settings are
identical by construction); the same load generator, in its own process with
32 keep-alive connections, drives each for the same time in the same run.
The api serves a seeded database (tasks, a backup, heartbeats), so /health does
its real work once a second. Also: the api's peak resident memory, and how long
/health takes to answer while another process holds an exclusive lock.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CONNS = 32
BARE = """
import asyncio, signal, sys
from litestar import Litestar, get
from organizer.daemons.api import serve_app

@get("/health", sync_to_thread=False)
def health() -> dict[str, str]:
    return {"status": "ok"}

async def main() -> None:
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    app = Litestar([health], openapi_config=None, logging_config=None)
    await serve_app(app, "127.0.0.1", int(sys.argv[1]), stop)

asyncio.run(main())
"""
SEED = """
import sys
from organizer.settings import load_settings
from organizer.app.database import open_database
from organizer.app.tasks import TaskService
from organizer.domain.commands import AddTask, CompleteTask
from organizer.store import heartbeats
from organizer.store.backup import create_backup

settings = load_settings(env_file=None)
conn = open_database(settings)
service = TaskService(conn)
for i in range(int(sys.argv[1])):
    task = service.execute(AddTask("1", f"task {i}", None, None, "UTC")).task
    if i % 3 == 0:
        service.execute(CompleteTask(task.id))
heartbeats.beat(conn, "worker")
create_backup(settings.db_path, settings.backup_dir)
conn.close()
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def _rss_mb(pid: int, field: str = "VmHWM") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _load(port: int, seconds: float) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-m", "bench.loadgen",
                          f"http://127.0.0.1:{port}/health", str(seconds), str(CONNS)],
                         cwd=REPO, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def _serve(args: list[str], env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(args, env=env, cwd=REPO, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _wait(port, proc)
    return proc


def _stop(proc: subprocess.Popen[bytes]) -> float:
    started = time.monotonic()
    proc.terminate()
    proc.wait(timeout=30)
    return time.monotonic() - started


def _health_while_locked(db_path: str, port: int) -> tuple[float, int]:
    """(seconds, HTTP status) of one /health while this process holds an exclusive lock."""
    time.sleep(1.1)  # past the cache, so the probe really meets the lock
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("PRAGMA locking_mode = EXCLUSIVE")
    conn.execute("BEGIN EXCLUSIVE")
    conn.execute("UPDATE heartbeats SET status = status")
    try:
        started = time.monotonic()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=10) as r:
                code = r.status
        except urllib.error.HTTPError as exc:
            code = exc.code
        return time.monotonic() - started, code
    finally:
        conn.execute("ROLLBACK")
        conn.close()


def _status(port: int) -> str:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as response:
            return str(json.loads(response.read())["status"])
    except urllib.error.HTTPError as exc:
        return str(json.loads(exc.read())["status"])


def run(quick: bool) -> dict[str, Any]:
    seconds = 2.0 if quick else 10.0
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DB_PATH": f"{tmp}/organizer.db",
               "CANON_PATH": str(REPO / "canon" / "intents_v2.yml")}
        for key in ("TELEGRAM_BOT_TOKEN", "GOOGLE_CALENDAR_ID", "EXPECTED_DB_VOLUME"):
            env.pop(key, None)
        subprocess.run([sys.executable, "-m", "organizer", "migrate"], env=env,
                       capture_output=True, check=True)
        subprocess.run([sys.executable, "-c", SEED, "300" if quick else "2000"], env=env,
                       capture_output=True, check=True)
        bare_port, our_port = _free_port(), _free_port()
        bare = _serve([sys.executable, "-c", BARE, str(bare_port)], env, bare_port)
        try:
            limit = _load(bare_port, seconds)
        finally:
            _stop(bare)
        ours_proc = _serve([sys.executable, "-m", "organizer", "api"],
                           {**env, "API_PORT": str(our_port)}, our_port)
        try:
            status = _status(our_port)
            ours = _load(our_port, seconds)
            rss = _rss_mb(ours_proc.pid)
            locked_s, locked_code = _health_while_locked(env["DB_PATH"], our_port)
        finally:
            stop_s = _stop(ours_proc)
    ratio = ours["rps"] / limit["rps"]
    return {"name": "api", "metrics": [
        {"metric": f"/health req/s (ours, status {status})", "value": round(ours["rps"]),
         "unit": "req/s", "target": "", "ok": None},
        {"metric": "bare Litestar constant JSON req/s (limit)", "value": round(limit["rps"]),
         "unit": "req/s", "target": "", "ok": None},
        {"metric": "/health / bare", "value": round(ratio, 3), "unit": "x", "target": ">= 0.5",
         "ok": ratio >= 0.5},
        {"metric": "/health p99", "value": round(ours["p99_ms"], 2), "unit": "ms",
         "target": "<= 20", "ok": ours["p99_ms"] <= 20},
        {"metric": "bare p99 (limit)", "value": round(limit["p99_ms"], 2), "unit": "ms",
         "target": "", "ok": None},
        {"metric": "api peak RSS", "value": round(rss, 1), "unit": "MB", "target": "<= 80",
         "ok": rss <= 80},
        {"metric": "errors under load (ours)", "value": ours["errors"], "unit": "",
         "target": "0", "ok": ours["errors"] == 0},
        {"metric": f"/health with the DB exclusively locked (HTTP {locked_code})",
         "value": round(locked_s * 1000), "unit": "ms", "target": "<= 1000, 503",
         "ok": locked_s <= 1.0 and locked_code == 503},
        {"metric": "SIGTERM to exit", "value": round(stop_s, 2), "unit": "s", "target": "<= 5",
         "ok": stop_s <= 5},
    ]}


if __name__ == "__main__":
    print(json.dumps(run("--quick" in sys.argv), indent=2))
