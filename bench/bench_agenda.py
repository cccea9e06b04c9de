"""A person's list in the bot, against the local fake Bot API: 2,000 tasks of one person
(500 open, over ten days past and sixty to come, some repeating, some without a date).

update "/list" → the bot's sendMessage, p50/p95, and a ‹ › press → editMessageText; the
peer measured in the same run is "/tz" alone (a reply that reads one row), so the ratio
says what the agenda itself costs. In-process, the reply's construction alone (read,
order, group, word, page) p95.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench.bench_bot import REPO, rss_mb, stop

TOKEN = "123456:BENCH-token"
USER = 1001
TOTAL, OPEN = 2000, 500


def populate(db_path: str) -> None:
    """TOTAL tasks of USER made through the write path, all but OPEN of them done."""
    from organizer.app.tasks import TaskService
    from organizer.domain.commands import AddTask, CompleteTask
    from organizer.store.db import connect

    conn = connect(Path(db_path))
    try:
        service = TaskService(conn)
        today = datetime.now(ZoneInfo("Europe/Moscow")).date()
        for n in range(TOTAL):
            day = None if n % 11 == 0 else today + timedelta(days=n % 70 - 10)
            at = clock_time(n % 24, (n * 7) % 60) if n % 3 else None
            repeat = "FREQ=WEEKLY;BYDAY=MO" if n % 17 == 0 and day else None
            outcome = service.execute(AddTask(str(USER), f"задача номер {n} по плану", day, at,
                                              "Europe/Moscow", None, repeat=repeat))
            assert outcome.task is not None
            if n % 4 and not repeat:  # three in four are done
                service.execute(CompleteTask(outcome.task.id))
        open_count = len(service.list(str(USER)))
        if open_count < OPEN:
            raise RuntimeError(f"only {open_count} open tasks were made")
    finally:
        conn.close()


def build_p95(db_path: str, canon_path: str, count: int) -> float:
    from organizer.app.tasks import TaskService
    from organizer.bot.agenda import listing
    from organizer.canon import load_canon
    from organizer.store.db import connect

    canon = load_canon(Path(canon_path))
    conn = connect(Path(db_path))
    try:
        service = TaskService(conn)
        times = []
        for n in range(count):
            started = time.perf_counter()
            now = datetime.now(ZoneInfo("UTC"))
            reply = listing(service, canon, str(USER), "all", "Europe/Moscow", "ru", now, n % 5 + 1)
            times.append((time.perf_counter() - started) * 1000)
            assert len(reply.text) <= 4096
    finally:
        conn.close()
    return statistics.quantiles(times, n=20)[-1]


def drive(tg: Any, texts: list[str]) -> list[float]:
    latencies = []
    for text in texts:
        before = len(tg.calls("sendMessage"))
        update_id = tg.add_text(USER, text)
        tg.wait_for(lambda b=before: len(tg.calls("sendMessage")) > b, timeout=10)
        latencies.append((tg.calls("sendMessage")[before]["at"] - tg.update_times[update_id]) * 1000)
    return latencies


def presses(tg: Any, count: int) -> tuple[list[float], int]:
    """Press › and ‹ under the last list; latency to editMessageText, and the longest text."""
    message = tg.sent[-1]
    latencies, longest = [], 0
    for n in range(count):
        before = len(tg.calls("editMessageText"))
        update_id = tg.add_callback(USER, message["message_id"], f"page:all:{n % 6 + 1}")
        tg.wait_for(lambda b=before: len(tg.calls("editMessageText")) > b, timeout=10)
        call = tg.calls("editMessageText")[before]
        latencies.append((call["at"] - tg.update_times[update_id]) * 1000)
        longest = max(longest, len(tg.messages[(USER, message["message_id"])]["text"]))
    return latencies, longest


def run(quick: bool) -> dict[str, Any]:
    sys.path.insert(0, str(REPO))
    sys.path.insert(0, str(REPO / "src"))
    from tests.fakes.telegram_server import FakeTelegram

    count = 40 if quick else 200
    with tempfile.TemporaryDirectory() as tmp, FakeTelegram(tokens=[TOKEN]) as tg:
        canon_path = str(REPO / "canon" / "intents_v2.yml")
        env = {**os.environ, "DB_PATH": f"{tmp}/organizer.db", "CANON_PATH": canon_path,
               "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE": tg.base_url,
               "TG_ALLOWED_USER_IDS": str(USER), "TG_LONGPOLL_SEC": "30",
               "TG_HTTP_READ_TIMEOUT": "40", "PYTHONPATH": str(REPO / "src"),
               "ASR_SERVICE_URL": "", "DEFAULT_TZ": "Europe/Moscow"}
        subprocess.run([sys.executable, "-m", "organizer", "migrate"], env=env, cwd=tmp,
                       check=True, capture_output=True)
        populate(env["DB_PATH"])
        built = build_p95(env["DB_PATH"], canon_path, count)
        bot = subprocess.Popen([sys.executable, "-m", "organizer", "bot"], env=env, cwd=tmp,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            tg.wait_for(lambda: tg.calls("getUpdates"), timeout=30)
            drive(tg, ["/tz", "/list"] * 3)  # warm-up
            peer = drive(tg, ["/tz"] * count)
            lists = drive(tg, ["/list", "что на неделю"] * (count // 2))
            drive(tg, ["/list"])
            pages, longest = presses(tg, count)
            rss = rss_mb(bot.pid)
        finally:
            stop(bot)
    longest = max(longest, *(len(m["text"]) for m in tg.sent))
    p95 = statistics.quantiles(lists, n=20)[-1]
    peer95 = statistics.quantiles(peer, n=20)[-1]
    page95 = statistics.quantiles(pages, n=20)[-1]
    return {"name": "agenda", "metrics": [
        {"metric": f"list → sendMessage p50 ({TOTAL} tasks, {OPEN}+ open, {count} lists)",
         "value": round(statistics.median(lists), 2), "unit": "ms", "target": "", "ok": True},
        {"metric": "list → sendMessage p95", "value": round(p95, 2), "unit": "ms",
         "target": "<= 50", "ok": p95 <= 50},
        {"metric": "page press → editMessageText p95", "value": round(page95, 2), "unit": "ms",
         "target": "<= 50", "ok": page95 <= 50},
        {"metric": "/tz → sendMessage p95 (peer)", "value": round(peer95, 2), "unit": "ms",
         "target": "", "ok": True},
        {"metric": "list p95 / /tz p95", "value": round(p95 / peer95, 2), "unit": "x",
         "target": "", "ok": True},
        {"metric": "reply built in-process p95 (read, order, group, words, page)",
         "value": round(built, 2), "unit": "ms", "target": "<= 25", "ok": built <= 25},
        {"metric": "longest message", "value": longest, "unit": "chars", "target": "<= 4096",
         "ok": longest <= 4096},
        {"metric": "bot RSS", "value": round(rss, 1), "unit": "MB", "target": "", "ok": True},
    ]}
