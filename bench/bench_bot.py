"""The bot against the local fake Bot API: update available → the bot's sendMessage arriving,
p50/p95 over 200 messages (each creates a task), and the bot process's resident memory
against a bare aiogram echo bot polling the same server, measured in the same run.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
TOKEN = "123456:BENCH-token"
ECHO_TOKEN = "654321:ECHO-token"
USER = 1001
ECHO_BOT = """
import asyncio, sys
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message

dp = Dispatcher()

@dp.message()
async def echo(message: Message) -> None:
    await message.answer(message.text or "?")

async def main() -> None:
    session = AiohttpSession(api=TelegramAPIServer.from_base(sys.argv[1]), timeout=10)
    await dp.start_polling(Bot(sys.argv[2], session=session), polling_timeout=30,
                           handle_signals=True)

asyncio.run(main())
"""


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def drive(server: Any, count: int, token: str) -> list[float]:
    """Send `count` texts one after another; latency of each in ms (server-side clocks)."""
    latencies = []
    for n in range(count):
        before = len(server.calls("sendMessage"))
        update_id = server.add_text(USER, f"купить хлеб {n}")
        server.wait_for(lambda b=before: len(server.calls("sendMessage")) > b, timeout=10)
        sent_at = server.calls("sendMessage")[before]["at"]
        latencies.append((sent_at - server.update_times[update_id]) * 1000)
    return latencies


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def run(quick: bool) -> dict[str, Any]:
    sys.path.insert(0, str(REPO))
    from tests.fakes.telegram_server import FakeTelegram

    count = 50 if quick else 200
    with tempfile.TemporaryDirectory() as tmp, FakeTelegram(tokens=[TOKEN, ECHO_TOKEN]) as tg:
        env = {**os.environ, "DB_PATH": f"{tmp}/organizer.db",
               "CANON_PATH": str(REPO / "canon" / "intents_v2.yml"),
               "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE": tg.base_url,
               "TG_ALLOWED_USER_IDS": str(USER), "TG_LONGPOLL_SEC": "30",
               "TG_HTTP_READ_TIMEOUT": "40", "PYTHONPATH": str(REPO / "src"),
               "ASR_SERVICE_URL": ""}
        subprocess.run([sys.executable, "-m", "organizer", "migrate"], env=env, cwd=tmp,
                       check=True, capture_output=True)
        bot = subprocess.Popen([sys.executable, "-m", "organizer", "bot"], env=env, cwd=tmp,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            tg.wait_for(lambda: tg.calls("getUpdates"), timeout=30)
            drive(tg, 5, TOKEN)  # warm-up
            latencies = drive(tg, count, TOKEN)
            bot_rss = rss_mb(bot.pid)
            last = tg.sent[-1]["text"]
            if f"хлеб {count - 1}" not in last or "reply_markup" not in tg.sent[-1]:
                raise RuntimeError(f"the bot did not create the task: {last!r}")
        finally:
            stop(bot)
        tg.reset()
        echo = subprocess.Popen([sys.executable, "-c", ECHO_BOT, tg.base_url, ECHO_TOKEN],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            tg.wait_for(lambda: tg.calls("getUpdates"), timeout=30)
            drive(tg, 5, ECHO_TOKEN)
            echo_latencies = drive(tg, count, ECHO_TOKEN)
            echo_rss = rss_mb(echo.pid)
        finally:
            stop(echo)
    p50 = statistics.median(latencies)
    p95 = statistics.quantiles(latencies, n=20)[-1]
    ratio = bot_rss / echo_rss
    return {"name": "bot", "metrics": [
        {"metric": f"update → sendMessage p50 ({count} messages, each a new task)",
         "value": round(p50, 2), "unit": "ms", "target": "", "ok": True},
        {"metric": "update → sendMessage p95", "value": round(p95, 2), "unit": "ms",
         "target": "<= 50", "ok": p95 <= 50},
        {"metric": "bare aiogram echo bot p95 (peer)",
         "value": round(statistics.quantiles(echo_latencies, n=20)[-1], 2), "unit": "ms",
         "target": "", "ok": True},
        {"metric": "bot RSS", "value": round(bot_rss, 1), "unit": "MB", "target": "",
         "ok": True},
        {"metric": "bare aiogram echo bot RSS (peer)", "value": round(echo_rss, 1), "unit": "MB",
         "target": "", "ok": True},
        {"metric": "bot RSS / echo bot RSS", "value": round(ratio, 3), "unit": "x",
         "target": "<= 1.2", "ok": ratio <= 1.2},
    ]}
