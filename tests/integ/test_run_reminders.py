"""Bot and worker together under a real `organizer run`, against the fake Bot API.

A task is created by a Telegram message, the worker's reminder arrives once,
Snooze pressed on it (a callback_query injected in the fake) goes through the
bot, and the reminder arrives again at the new time, once.

The daemons take no clock from outside, and due times and snoozes are whole
minutes, so the test uses REMINDER_LEAD_MIN=15 with the reminder's own
"+15 min" button: the first reminder is due at once (its due time is 15
minutes from the start of this minute), and the snoozed one at the next
minute boundary — at most a minute of waiting.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from organizer.canon import load_canon
from tests.fakes.telegram_server import FakeTelegram

pytestmark = pytest.mark.slow
TOKEN = "123456:INTEG-token"
ALICE = 1001
TZ = ZoneInfo("Europe/Moscow")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram(tokens=[TOKEN]) as server:
        yield server


@pytest.fixture
def run_env(env: dict[str, str], tg: FakeTelegram) -> dict[str, str]:
    return {**env, "ORGANIZER_RUNTIME": "local", "API_PORT": str(free_port()),
            "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE": tg.base_url,
            "TG_LONGPOLL_SEC": "1", "TG_HTTP_READ_TIMEOUT": "11",
            "TG_ALLOWED_USER_IDS": str(ALICE), "REMINDER_LEAD_MIN": "15",
            "PYTHONPATH": os.pathsep.join(sys.path)}


@pytest.fixture
def organizer_run(run_env: dict[str, str], tmp_path: Path,
                  tg: FakeTelegram) -> Iterator[subprocess.Popen[bytes]]:
    with (tmp_path / "run.out").open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "organizer", "run"], env=run_env,
                                   cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT)
    try:
        tg.wait_for(lambda: tg.calls("getUpdates") or process.poll() is not None, timeout=30)
        assert process.poll() is None, logs(process, tmp_path)
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def logs(process: subprocess.Popen[bytes], tmp_path: Path) -> str:
    out = (tmp_path / "run.out").read_text(errors="replace")
    for log in sorted((tmp_path / "data" / "logs").glob("*.log")):
        out += f"\n--- {log.name}\n" + log.read_text(errors="replace")[-3000:]
    return out


def reminders(tg: FakeTelegram) -> list[dict[str, Any]]:
    """Every sendMessage that carried a Snooze button: the worker's reminders."""
    return [c for c in tg.calls("sendMessage")
            if "snooze:" in str(c["params"].get("reply_markup"))]


def wall_local() -> datetime:
    return datetime.now(UTC).astimezone(TZ)


def test_reminder_arrives_once_snooze_reschedules_and_it_arrives_again_once(
    organizer_run: subprocess.Popen[bytes], tg: FakeTelegram, tmp_path: Path,
    run_env: dict[str, str],
) -> None:
    canon = load_canon(Path(run_env["CANON_PATH"]))
    now = wall_local()
    due = now.replace(second=0, microsecond=0) + timedelta(minutes=15)
    day = "сегодня" if due.date() == now.date() else "завтра"
    tg.add_text(ALICE, f"{day} в {due:%H:%M} позвонить маме")

    try:
        first = tg.wait_for(lambda: reminders(tg), timeout=10)
    except TimeoutError:
        raise AssertionError(logs(organizer_run, tmp_path)) from None
    [reminder] = first
    assert reminder["params"]["chat_id"] == ALICE
    text = reminder["params"]["text"]
    assert text == canon.reply("reminder", "ru", number=1, title="позвонить маме",
                               when=f"{day} в {due:%H:%M}")
    markup = reminder["params"]["reply_markup"]
    snooze = next(b["callback_data"] for row in markup["inline_keyboard"] for b in row
                  if b["callback_data"].endswith(":15"))
    message = next(m for m in tg.sent if m["text"] == text)

    if datetime.now(UTC).second == 59:  # the bot's rounding must see the minute we see
        time.sleep(1.2)
    pressed = datetime.now(UTC)
    answered = len(tg.answers)
    tg.add_callback(ALICE, message["message_id"], snooze)
    tg.wait_for(lambda: len(tg.answers) > answered, timeout=10)
    # the reminder message now says when it comes again; the press is answered
    again_at = (pressed + timedelta(minutes=15)).astimezone(TZ)
    again_at = again_at.replace(second=0, microsecond=0) + timedelta(minutes=1)
    edited = tg.messages[(ALICE, message["message_id"])]
    assert f"{again_at:%H:%M}" in edited["text"] and edited["text"] != text
    assert tg.answers[-1]["text"]
    assert len(reminders(tg)) == 1

    remind_at = again_at - timedelta(minutes=15)  # the next minute boundary
    wait = (remind_at - datetime.now(UTC)).total_seconds()
    assert -1 < wait <= 61
    second = tg.wait_for(lambda: len(reminders(tg)) >= 2 and reminders(tg), timeout=wait + 5)
    arrived = datetime.now(UTC)
    assert arrived >= remind_at - timedelta(seconds=0.05)  # not before its time
    assert f"в {again_at:%H:%M}" in second[1]["params"]["text"]
    time.sleep(2.5)  # the worker looks at least once a second: nothing more comes
    assert len(reminders(tg)) == 2
    assert organizer_run.poll() is None


def test_without_a_token_run_says_once_that_the_bot_is_off(env: dict[str, str],
                                                           tmp_path: Path) -> None:
    run_env = {**env, "ORGANIZER_RUNTIME": "local", "API_PORT": str(free_port()),
               "PYTHONPATH": os.pathsep.join(sys.path)}
    with (tmp_path / "run.out").open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "organizer", "run"], env=run_env,
                                   cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT)
    try:
        worker_log = tmp_path / "data" / "logs" / "worker.log"
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and "worker started" not in (
                worker_log.read_text() if worker_log.exists() else ""):
            time.sleep(0.1)
        time.sleep(1.5)
    finally:
        process.terminate()
        stopping = time.monotonic()
        code = process.wait(timeout=15)
    assert code == 0 and time.monotonic() - stopping < 10
    said = (tmp_path / "run.out").read_text()  # the console; the log files repeat it
    assert said.count("bot is off: TELEGRAM_BOT_TOKEN is not set") == 1, said
    assert said.count("reminders are off: TELEGRAM_BOT_TOKEN is not set") == 1, said
    assert "organizer run: api, worker started" in said
