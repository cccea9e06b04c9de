"""Long polling: exactly once across restarts and a SIGKILL, recovery from faults, conflicts,
graceful stop, the heartbeat."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from organizer.settings import Settings
from organizer.store import heartbeats
from organizer.store.db import connect
from tests.bot.conftest import ALICE, TOKEN, RunningBot
from tests.fakes.telegram_server import FakeTelegram

REPO = Path(__file__).resolve().parents[2]


def count_tasks(settings: Settings) -> int:
    conn = connect(settings.db_path)
    try:
        return int(conn.execute("SELECT count(*) FROM tasks").fetchone()[0])
    finally:
        conn.close()


async def test_recovers_from_5xx_and_dropped_connections(running_bot: RunningBot) -> None:
    tg = running_bot.tg
    tg.fail_next(2, status=502, method="getUpdates")
    tg.drop_next(1, method="getUpdates")
    reply = await running_bot.say(ALICE, "купить хлеб", timeout=15)
    assert "купить хлеб" in reply["text"]
    tg.fail_next(1, status=500, method="sendMessage")  # the reply is retried, the task is not
    reply = await running_bot.say(ALICE, "купить соль", timeout=10)
    assert "купить соль" in reply["text"] and count_tasks(running_bot.settings) == 2
    gets = tg.calls("getUpdates")
    assert len(gets) < 40  # backoff, not a busy loop


async def test_conflict_is_said_plainly(running_bot: RunningBot,
                                        caplog: pytest.LogCaptureFixture) -> None:
    rival = asyncio.create_task(rival_poller(running_bot.tg, seconds=3))
    await running_bot.tg.wait_for_async(
        lambda: any("another bot instance" in r.getMessage() for r in caplog.records), 10)
    await rival
    reply = await running_bot.say(ALICE, "после конфликта купить чай", timeout=15)
    assert "чай" in reply["text"]


async def rival_poller(tg: FakeTelegram, seconds: float) -> None:
    import aiohttp

    deadline = time.monotonic() + seconds
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            async with http.post(f"{tg.base_url}/bot{TOKEN}/getUpdates",
                                 data={"timeout": "1", "offset": "-1"}) as resp:
                await resp.read()


async def test_heartbeat_reports_last_poll_and_error(running_bot: RunningBot) -> None:
    running_bot.tg.fail_next(1, status=500, method="getUpdates")
    await running_bot.say(ALICE, "/help", timeout=10)

    def read() -> dict[str, Any] | None:
        conn = connect(running_bot.settings.db_path)
        try:
            beat = heartbeats.read_all(conn).get("bot")
        finally:
            conn.close()
        if beat and beat.detail["last_error"] and beat.detail["last_poll_ok"]:
            return dict(beat.detail)
        return None

    detail = await running_bot.tg.wait_for_async(read, 5)
    assert "500" in detail["last_error"] or "Internal" in detail["last_error"]
    assert detail["asr"] == "ok" and detail["bot_id"] == 123456 and not detail["conflict"]


async def test_redelivery_after_restart_changes_nothing(running_bot: RunningBot) -> None:
    """An update handled but redelivered (offset never acknowledged) makes no task, no reply."""
    tg = running_bot.tg
    update_id = tg.add_text(ALICE, "завтра в 10:00 купить цветы")
    await tg.wait_sent_async(1)
    running_bot.stop.set()
    await asyncio.wait_for(running_bot.task, 10)
    tg.redeliver(update_id)  # as Telegram does with an update whose offset was never confirmed
    tg.add_text(ALICE, "/help")
    from organizer.daemons import bot

    stop = asyncio.Event()
    task = asyncio.create_task(bot.serve(running_bot.settings, stop))
    await tg.wait_sent_async(2, timeout=10)
    await asyncio.sleep(0.3)
    stop.set()
    await asyncio.wait_for(task, 10)
    assert count_tasks(running_bot.settings) == 1
    assert len(tg.sent) == 2 and "перенеси" in tg.sent[1]["text"]
    running_bot.task = asyncio.ensure_future(asyncio.sleep(0))


def start_bot(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, "-m", "organizer", "bot"], env=env, cwd=REPO,
                                stdout=out, stderr=subprocess.STDOUT)


def wait(predicate: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.02)
    raise TimeoutError


@pytest.mark.slow
def test_sigkill_between_handling_and_acknowledging(bot_env: dict[str, str],
                                                    bot_settings: Settings, tg: FakeTelegram,
                                                    tmp_path: Path) -> None:
    log = tmp_path / "bot.log"
    env = {**bot_env, "PYTHONPATH": str(REPO / "src")}
    first = start_bot(env, log)
    try:
        wait(lambda: tg.calls("getUpdates"), 20)
        tg.hang_next(1, seconds=30, method="sendMessage")  # the reply never gets out
        update_id = tg.add_text(ALICE, "завтра в 10:00 забрать посылку")
        wait(lambda: count_tasks(bot_settings) == 1 and tg.calls("sendMessage"), 10)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    assert all(int(c["params"].get("offset") or 0) <= update_id for c in tg.calls("getUpdates"))
    second = start_bot(env, log)
    try:
        sent = tg.wait_sent(1, timeout=20)
        time.sleep(0.5)
        assert count_tasks(bot_settings) == 1
        assert "забрать посылку" in sent[0]["text"] and len(tg.sent) == 1
        second.send_signal(signal.SIGTERM)
        started = time.monotonic()
        assert second.wait(10) == 0
        assert time.monotonic() - started < 10
    finally:
        if second.poll() is None:
            second.kill()
    conn = connect(bot_settings.db_path)
    keys = [r[0] for r in conn.execute("SELECT key FROM idempotency_keys")]
    conn.close()
    assert keys == [f"tg:123456:{update_id}"]
    assert "Traceback" not in log.read_text()


@pytest.mark.slow
def test_hung_poll_times_out_and_recovers(bot_env: dict[str, str], bot_settings: Settings,
                                          tg: FakeTelegram, tmp_path: Path) -> None:
    env = {**bot_env, "PYTHONPATH": str(REPO / "src")}
    tg.hang_next(1, seconds=60, method="getUpdates")
    proc = start_bot(env, tmp_path / "bot.log")
    try:
        wait(lambda: tg.calls("getUpdates"), 20)
        tg.add_text(ALICE, "купить батарейки")
        sent = tg.wait_sent(1, timeout=25)  # after the 11 s read timeout and a retry
        assert "батарейки" in sent[0]["text"]
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)
    assert "getUpdates failed" in (tmp_path / "bot.log").read_text()


def test_bot_is_off_without_a_token(env: dict[str, str]) -> None:
    from organizer.daemons import bot
    from organizer.settings import load_settings

    assert bot.off_reason(load_settings(env, env_file=None)) == "TELEGRAM_BOT_TOKEN is not set"
    result = subprocess.run([sys.executable, "-c", "import organizer.daemons.bot, sys; "
                             "print('aiogram' in sys.modules)"], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO / "src")})
    assert result.stdout.strip() == "False"
