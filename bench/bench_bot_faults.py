"""The bot on a bad day, against the local fake Bot API (tests/fakes/telegram_edge.py).

- Recovery: several bot processes, each with its own fake Bot API and database, poll
  through one outage of mixed edge faults (HTML 502/504 pages, empty and cut bodies,
  resets, 429s, 5xx envelopes, 1 s hangs); a message is sent to each during it. Measured:
  from the moment the edge recovers to each bot's reply, p95 over the bots (target <= 2 s).
- Half-dead: a bot whose getUpdates keeps failing, with `organizer api` on its database;
  from TG_RECEIVE_STALE_SEC passing to /health answering 503 (target <= 5 s).
"""

from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.bench_bot import REPO, stop

TOKEN = "123456:FAULTS-token"
USER = 1001
STALE_S = 10


def start_bot(tmp: Path, n: int, base_url: str) -> tuple[subprocess.Popen[bytes], dict[str, str]]:
    env = {**os.environ, "DB_PATH": str(tmp / f"bot{n}.db"),
           "CANON_PATH": str(REPO / "canon" / "intents_v2.yml"),
           "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE": base_url,
           "TG_ALLOWED_USER_IDS": str(USER), "TG_LONGPOLL_SEC": "2", "TG_HTTP_READ_TIMEOUT": "15",
           "TG_RECEIVE_STALE_SEC": str(STALE_S), "PYTHONPATH": str(REPO / "src"),
           "ASR_SERVICE_URL": "", "API_PORT": str(18400 + n)}
    subprocess.run([sys.executable, "-m", "organizer", "migrate"], env=env, cwd=tmp,
                   check=True, capture_output=True)
    proc = subprocess.Popen([sys.executable, "-m", "organizer", "bot"], env=env, cwd=tmp,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return proc, env


def recovery(fakes: list[Any], tmp: Path, outage_s: float) -> list[float]:
    """Seconds from the end of one outage to each bot's reply to a message sent during it."""
    procs = [start_bot(tmp, n, tg.base_url)[0] for n, tg in enumerate(fakes)]
    try:
        for tg in fakes:
            tg.wait_for(lambda tg=tg: tg.calls("getUpdates"), timeout=90)
        ends = time.perf_counter() + outage_s
        for tg in fakes:
            tg.edge_hang_s = 1.0
            tg.outage(outage_s)
        time.sleep(min(5.0, outage_s / 2))  # past any long poll (2 s) begun before the outage
        for n, tg in enumerate(fakes):
            tg.add_text(USER, f"купить хлеб {n}")
        for tg in fakes:
            tg.wait_for(lambda tg=tg: tg.sent, timeout=outage_s + 60)
        return [tg.calls("sendMessage")[0]["at"] - ends for tg in fakes]
    finally:
        for proc in procs:
            stop(proc)


def stale_to_503(tg: Any, tmp: Path) -> float:
    """Seconds from TG_RECEIVE_STALE_SEC passing (after the first failed poll) to a 503."""
    bot, env = start_bot(tmp, 99, tg.base_url)
    api = subprocess.Popen([sys.executable, "-m", "organizer", "api"], env=env, cwd=tmp,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{env['API_PORT']}/health"
    try:
        tg.wait_for(lambda: tg.calls("getUpdates"), timeout=90)
        with httpx.Client(timeout=2) as client:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:  # a healthy, receiving bot first
                with contextlib.suppress(httpx.HTTPError):
                    if client.get(url).json()["checks"]["bot"]["status"] == "ok":
                        break
                time.sleep(0.2)
            before = len(tg.calls("getUpdates"))
            tg.outage(STALE_S + 30, ("html502", "empty504", "reset"))
            tg.wait_for(lambda: len(tg.calls("getUpdates")) > before, timeout=30)
            first_failure = tg.calls("getUpdates")[before]["at"]
            while time.perf_counter() < first_failure + STALE_S + 25:
                if client.get(url).status_code == 503:
                    return time.perf_counter() - (first_failure + STALE_S)
                time.sleep(0.1)
        raise RuntimeError("/health never answered 503 while getUpdates failed")
    finally:
        stop(api)
        stop(bot)


def run(quick: bool) -> dict[str, Any]:
    sys.path.insert(0, str(REPO))
    from tests.fakes.telegram_server import FakeTelegram

    bots, outage_s = (4, 10.0) if quick else (8, 60.0)
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        fakes = [stack.enter_context(FakeTelegram(tokens=[TOKEN])) for _ in range(bots)]
        latencies = recovery(fakes, Path(tmp), outage_s)
        to_503 = stale_to_503(stack.enter_context(FakeTelegram(tokens=[TOKEN])), Path(tmp))
    p95 = statistics.quantiles(latencies, n=20)[-1] if len(latencies) > 2 else max(latencies)
    return {"name": "bot_faults", "metrics": [
        {"metric": f"edge recovered → reply, p95 of {bots} bots after a {outage_s:.0f} s outage",
         "value": round(p95, 3), "unit": "s", "target": "<= 2", "ok": p95 <= 2.0},
        {"metric": "edge recovered → reply, median", "value":
         round(statistics.median(latencies), 3), "unit": "s", "target": "", "ok": None},
        {"metric": f"TG_RECEIVE_STALE_SEC ({STALE_S} s) passed → /health 503",
         "value": round(to_503, 3), "unit": "s", "target": "<= 5", "ok": to_503 <= 5.0},
    ]}
