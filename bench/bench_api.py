"""/health under load against a bare Litestar app on the same uvicorn settings (the limit).

Both servers run as separate processes with one uvicorn worker; the same
load generator drives each for the same time. Also the api's resident memory.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
BARE = """
import sys, uvicorn
from litestar import Litestar, get
@get("/health", sync_to_thread=False)
def health() -> dict[str, str]:
    return {"status": "ok"}
uvicorn.run(Litestar([health], openapi_config=None, logging_config=None), host="127.0.0.1",
            port=int(sys.argv[1]), log_config=None, access_log=False, lifespan="off")
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
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
                          f"http://127.0.0.1:{port}/health", str(seconds), "32"],
                         cwd=REPO, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def _serve(args: list[str], env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait(port)
    return proc


def run(quick: bool) -> dict[str, Any]:
    seconds = 2.0 if quick else 10.0
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DB_PATH": f"{tmp}/organizer.db",
               "CANON_PATH": str(REPO / "canon" / "intents_v2.yml")}
        subprocess.run([sys.executable, "-m", "organizer", "migrate"], env=env,
                       capture_output=True, check=True)
        bare_port, our_port = _free_port(), _free_port()
        bare = _serve([sys.executable, "-c", BARE, str(bare_port)], env, bare_port)
        try:
            limit = _load(bare_port, seconds)
        finally:
            bare.terminate()
            bare.wait()
        ours_proc = _serve([sys.executable, "-m", "organizer", "api"],
                           {**env, "API_PORT": str(our_port)}, our_port)
        try:
            ours = _load(our_port, seconds)
            rss = _rss_mb(ours_proc.pid)
        finally:
            ours_proc.terminate()
            ours_proc.wait()
    ratio = ours["rps"] / limit["rps"]
    return {"name": "api", "metrics": [
        {"metric": "/health req/s (ours)", "value": round(ours["rps"]), "unit": "req/s",
         "target": "", "ok": None},
        {"metric": "bare Litestar constant JSON req/s (limit)", "value": round(limit["rps"]),
         "unit": "req/s", "target": "", "ok": None},
        {"metric": "/health / bare", "value": round(ratio, 3), "unit": "x", "target": ">= 0.5",
         "ok": ratio >= 0.5},
        {"metric": "/health p99", "value": round(ours["p99_ms"], 2), "unit": "ms",
         "target": "<= 20", "ok": ours["p99_ms"] <= 20},
        {"metric": "api peak RSS", "value": round(rss, 1), "unit": "MB", "target": "<= 80",
         "ok": rss <= 80},
        {"metric": "errors under load (ours)", "value": ours["errors"], "unit": "",
         "target": "0", "ok": ours["errors"] == 0},
    ]}


if __name__ == "__main__":
    print(json.dumps(run("--quick" in sys.argv), indent=2))
