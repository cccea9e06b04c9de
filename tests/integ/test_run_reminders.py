"""Bot and worker together under a real `organizer run`, against the fake Bot API.

The person sets their lead time with `/remind 15`, a task is created by a
Telegram message, the worker's reminder arrives once (at the person's lead
time, not REMINDER_LEAD_MIN's 0), Snooze pressed on it (a callback_query
injected in the fake) goes through the bot, and the reminder arrives again,
once, the snooze's minutes after the press: Snooze keeps the lead time.

The daemons take no clock from outside, and due times and snoozes are whole
minutes: the task is due 15 minutes from the start of this minute, so its
reminder is due at once, and the snooze pressed is of 1 minute (the data of
the reminder's "+15 min" button with 1 instead of 15), so the second reminder
comes at most two minutes later.
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
            "TG_ALLOWED_USER_IDS": str(ALICE),
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
    tg.add_text(ALICE, "/remind 15")
    tg.wait_sent(1, timeout=10)
    assert tg.sent[0]["text"] == canon.reply(
        "remind_set", "ru", when=canon.reply("remind_lead_before", "ru", lead="15 мин"))
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
    snooze = snooze.rsplit(":", 1)[0] + ":1"
    message = next(m for m in tg.sent if m["text"] == text)

    if datetime.now(UTC).second == 59:  # the bot's rounding must see the minute we see
        time.sleep(1.2)
    pressed = datetime.now(UTC)
    answered = len(tg.answers)
    tg.add_callback(ALICE, message["message_id"], snooze)
    tg.wait_for(lambda: len(tg.answers) > answered, timeout=10)
    # due at press + 1 + 15 minutes, rounded up; the reminder message now says when
    # the reminder comes again (15 minutes before that); the press is answered
    due_again = (pressed + timedelta(minutes=16)).astimezone(TZ)
    due_again = due_again.replace(second=0, microsecond=0) + timedelta(minutes=1)
    remind_at = due_again - timedelta(minutes=15)
    edited = tg.messages[(ALICE, message["message_id"])]
    assert f"{remind_at:%H:%M}" in edited["text"] and edited["text"] != text
    assert tg.answers[-1]["text"]
    assert len(reminders(tg)) == 1

    wait = (remind_at - datetime.now(UTC)).total_seconds()
    assert 0 < wait <= 121
    second = tg.wait_for(lambda: len(reminders(tg)) >= 2 and reminders(tg), timeout=wait + 5)
    arrived = datetime.now(UTC)
    assert arrived >= remind_at - timedelta(seconds=0.05)  # not before its time
    assert f"в {due_again:%H:%M}" in second[1]["params"]["text"]
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


def test_digest_set_by_message_arrives_once_at_its_minute(
    organizer_run: subprocess.Popen[bytes], tg: FakeTelegram, tmp_path: Path,
    run_env: dict[str, str],
) -> None:
    """`/digest HH:MM` for the next minute, a task today: the worker of the same `organizer
    run` sends the day's digest at that minute, once."""
    canon = load_canon(Path(run_env["CANON_PATH"]))
    tg.add_text(ALICE, "сегодня купить хлеб")  # today's, or overdue past midnight: listed
    tg.wait_sent(1, timeout=10)
    at = wall_local().replace(second=0, microsecond=0) + timedelta(minutes=1)
    tg.add_text(ALICE, f"/digest {at:%H:%M}")
    tg.wait_sent(2, timeout=10)
    assert tg.sent[1]["text"] == canon.reply("digest_set", "ru", at=f"{at:%H:%M}", always="")

    def digests() -> list[dict[str, Any]]:
        head = canon.reply("digest", "ru", body="").rstrip("\n")
        return [m for m in tg.sent if m["text"].startswith(head)]

    try:
        [digest] = tg.wait_for(digests, timeout=90)
    except TimeoutError:
        raise AssertionError(logs(organizer_run, tmp_path)) from None
    assert digest["chat"]["id"] == ALICE and "купить хлеб" in digest["text"]
    assert wall_local() >= at
    time.sleep(3)  # a second one would come now
    assert len(digests()) == 1
