"""The local runtime end to end: a real `organizer run`, then the daily check, then a stopped worker.

Also --notify through a Bot API server speaking the real wire format.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fakes import docker_cli
from tests.fakes.telegram_server import FakeTelegram

pytestmark = pytest.mark.slow
TOKEN = "123456:TESTTOKENTESTTOKENTESTTOKEN"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def local_env(env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    return {**env, "API_PORT": str(free_port()), "ORGANIZER_RUNTIME": "local",
            "PYTHONPATH": os.pathsep.join(sys.path)}


def organizer(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "organizer", *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=60)


def start(env: dict[str, str], cwd: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "organizer", *args], env=env, cwd=cwd,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)


def wait_healthy(env: dict[str, str], seconds: float = 30) -> None:
    url = f"http://127.0.0.1:{env['API_PORT']}/health"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code in (200, 503):
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} never answered")


def stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def running(local_env: dict[str, str], tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    process = start(local_env, tmp_path, "run")
    try:
        wait_healthy(local_env)
        time.sleep(1.0)  # the worker's first heartbeat
        yield process
    finally:
        stop(process)


def checks(out: str) -> dict[str, dict]:
    return {c["name"]: c for c in json.loads(out)["checks"]}


def test_real_run_then_stopped_worker(local_env: dict[str, str], tmp_path: Path,
                                      running: subprocess.Popen[str]) -> None:
    assert organizer(local_env, tmp_path, "ops", "baseline").returncode == 0
    daily = organizer(local_env, tmp_path, "ops", "daily-check", "--json")
    found = checks(daily.stdout)
    assert daily.returncode == 0, {k: (v["status"], v["reason"]) for k, v in found.items()}
    assert found["services"]["status"] == "OK"
    details = {s["daemon"]: s["detail"] for s in found["services"]["details"]["services"]}
    assert details["bot"] == "off: TELEGRAM_BOT_TOKEN is not set"
    assert details["worker"].startswith("heartbeat")
    assert found["health"]["status"] in ("OK", "WARN")

    stop(running)  # now only the api comes back: the worker stays stopped
    api = start(local_env, tmp_path, "api")
    try:
        wait_healthy(local_env)
        time.sleep(2.5)
        daily = organizer(local_env, tmp_path, "ops", "daily-check", "--json", "--no-backup",
                          "--stale-after", "2")
    finally:
        stop(api)
    found = checks(daily.stdout)
    assert daily.returncode == 1
    assert found["services"]["status"] == "FAIL"
    assert found["services"]["reason"].startswith("worker: last heartbeat")
    assert "api" not in found["services"]["reason"]


def test_notify_sends_the_summary_without_showing_the_token(
        local_env: dict[str, str], tmp_path: Path) -> None:
    assert organizer(local_env, tmp_path, "migrate").returncode == 0
    server = FakeTelegram(tokens=[TOKEN]).start()
    try:
        env = {**local_env, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE": server.base_url,
               "OPS_ADMIN_CHAT_ID": "4242"}
        daily = organizer(env, tmp_path, "ops", "daily-check", "--notify")
        sent = server.wait_sent(1)
        assert sent[0]["chat"]["id"] == 4242
        assert "Daemons (heartbeats)" in sent[0]["text"] and "Backup created" in sent[0]["text"]
        assert TOKEN not in daily.stdout + daily.stderr
        server.fail_next(3, status=500, method="sendMessage")  # every one of the short retries
        again = organizer(env, tmp_path, "ops", "daily-check", "--notify", "--no-backup")
        assert "Error: the summary was not sent: Telegram answered 500" in again.stderr
        assert TOKEN not in again.stdout + again.stderr
    finally:
        server.stop()


def test_after_organizer_run_every_ops_command_works_with_nothing_set(
        env: dict[str, str], tmp_path: Path) -> None:
    """The README's first line on a laptop without docker: ./data, no ORGANIZER_* setting."""
    laptop = {k: v for k, v in env.items() if k not in ("DB_PATH", "ORGANIZER_COMPOSE_PROJECT")}
    laptop.update(API_PORT=str(free_port()), PYTHONPATH=os.pathsep.join(sys.path),
                  PATH=docker_cli.path_without_docker(tmp_path / "bin"))
    said = "runtime: local (auto: no containers of compose project deploy; docker is not installed)"

    def ops(*args: str) -> subprocess.CompletedProcess[str]:
        done = organizer(laptop, tmp_path, *args)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
        assert done.stderr.splitlines()[0] == said, args
        return done

    process = start(laptop, tmp_path, "run")
    try:
        wait_healthy(laptop)
        time.sleep(1.0)  # the worker's first heartbeat
        ops("ops", "baseline")
        found = checks(ops("ops", "daily-check", "--json").stdout)
        assert {v["status"] for v in found.values()} <= {"OK", "WARN"}, found
        ops("ops", "incident", "--symptom", "slow replies", "--title", "Slow")
        created = json.loads(ops("backup", "create", "--json").stdout)["record"]["file"]
        listed = json.loads(ops("backup", "list", "--json").stdout)
        assert created in [r["file"] for r in listed]
        assert json.loads(ops("backup", "verify", created, "--json").stdout)["ok"] is True
        rendered = ops("ops", "journal").stdout
    finally:
        stop(process)
    # Stopped a moment ago: its heartbeats are fresh, so restore wants --force.
    restored = json.loads(ops("backup", "restore", created, "--force", "--json").stdout)
    assert restored["source"].endswith(created)
    assert (tmp_path / "data" / "organizer.db").exists()
    assert "### Day 1 — " in rendered and "Slow" in rendered and "slow replies" in rendered
    journal = tmp_path / "ops" / "journal" / "journal.jsonl"
    kinds = [json.loads(line)["kind"] for line in journal.read_text().splitlines()]
    assert kinds == ["environment", "baseline", "day", "incident"]
    assert not (tmp_path / "data" / "ops").exists()  # one journal, not one per runtime
