"""`organizer ops heartbeat`, the worker and bot container healthcheck, and an off bot idling."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from organizer.cli.health_cmds import judge
from organizer.ops.logscan import classify
from organizer.store.heartbeats import Heartbeat

REPO = Path(__file__).resolve().parents[2]


def beat(status: str) -> Heartbeat:
    return Heartbeat("worker", "2026-12-07T12:00:00.000000Z", status, {})


def test_judge_fresh_ok_off_stale_failing_missing() -> None:
    assert judge(beat("ok"), "worker", 30, 4.2) == (True, "worker: ok, 4 s ago")
    off = Heartbeat("bot", "", "off", {"reason": "TELEGRAM_BOT_TOKEN is not set"})
    assert judge(off, "bot", 60, 1) == (True, "bot: off (TELEGRAM_BOT_TOKEN is not set), 1 s ago")
    assert judge(beat("ok"), "worker", 30, 31)[0] is False
    # degraded (e.g. getUpdates failing, not yet for TG_RECEIVE_STALE_SEC) stays healthy
    assert judge(beat("degraded"), "bot", 60, 1) == (
        True, "bot: degraded, 1 s ago")
    assert judge(beat("fail"), "bot", 60, 1) == (
        False, "bot: reports fail (1 s ago)")
    assert judge(None, "worker", 30, None) == (False, "worker: no heartbeat yet")


def test_compose_log_lines_with_an_erase_sequence_are_read_as_json() -> None:
    lines = ['\x1b[2K{"level": "INFO", "message": "bot 1 polling (long poll 5 s, '
             'HTTP read limit 15 s)"}', '\x1b[2K{"level": "ERROR", "message": "boom"}']
    report = classify(lines)
    assert report.errors == ["boom"] and not report.found


def once(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "organizer", *args], env=env, cwd=cwd,
                          text=True, capture_output=True, timeout=60)


@pytest.mark.slow
def test_a_bot_without_token_says_so_once_idles_and_beats_off(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM", "TG_"))}
    env |= {"DB_PATH": str(tmp_path / "o.db"), "CANON_PATH": str(REPO / "canon/intents_v2.yml")}
    assert once(env, tmp_path, "migrate").returncode == 0
    missing = once(env, tmp_path, "ops", "heartbeat", "bot")
    assert missing.returncode == 1 and "no heartbeat yet" in missing.stdout
    bot = subprocess.Popen([sys.executable, "-m", "organizer", "bot"], env=env, cwd=tmp_path,
                           text=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            check = once(env, tmp_path, "ops", "heartbeat", "bot")
            out = check.stdout
            if check.returncode == 0:
                break
            assert bot.poll() is None, "the bot exited instead of idling"
            assert time.monotonic() < deadline, out
            time.sleep(0.3)
        assert out.startswith("bot: off (TELEGRAM_BOT_TOKEN is not set)")
    finally:
        bot.send_signal(signal.SIGTERM)
    stderr = bot.communicate(timeout=15)[1]
    assert bot.returncode == 0
    said = [line for line in stderr.splitlines() if "is off" in line]
    assert len(said) == 1, said
