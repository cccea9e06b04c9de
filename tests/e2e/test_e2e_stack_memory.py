"""Resident memory of the three services next to their floors, measured in the same run.

The floors run from the same image on the stack's network: a bare aiogram bot
long-polling the fake Bot API server (its own token), a bare Litestar app under
uvicorn, and a Python process holding a built Calendar v3 client. RSS is the
sum of VmRSS over a container's init and its descendants, read from the host's
/proc (healthcheck execs are not descendants of init, so they are not counted).
The ratio is the benchmark's (bench/bench_deploy.py); here it is only recorded.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import IMAGE, PROJECT, Bench, Stack, run, wait_for

BARE_BOT = """
import asyncio, logging
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
logging.basicConfig(level=logging.INFO)
async def main():
    server = TelegramAPIServer.from_base("http://telegram-api:8081")
    bot = Bot("654321:FLOOR", session=AiohttpSession(api=server))
    dp = Dispatcher()
    @dp.message()
    async def echo(message):
        await message.answer(message.text or "?")
    await dp.start_polling(bot, polling_timeout=5, handle_signals=False)
asyncio.run(main())
"""
BARE_LITESTAR = """
import uvicorn
from litestar import Litestar, get
@get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}
uvicorn.run(Litestar([health]), host="0.0.0.0", port=8000, log_level="info")
"""
BARE_CALENDAR = """
import time
from google.auth.credentials import AnonymousCredentials
from googleapiclient.discovery import build
service = build("calendar", "v3", credentials=AnonymousCredentials(), static_discovery=True,
                cache_discovery=False)
print("calendar client built:", type(service.events()).__name__, flush=True)
time.sleep(3600)
"""
# floor name -> (script, a line in its output once it is up)
FLOORS = {
    "bot": (BARE_BOT, "Run polling for bot"),
    "api": (BARE_LITESTAR, "Uvicorn running"),
    "worker": (BARE_CALENDAR, "calendar client built"),
}
SERVICES = {"api": "api", "worker": "worker", "bot": "telegram-bot"}


def rss_kib(root_pid: int) -> int:
    """VmRSS of `root_pid` and every descendant, in KiB."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    total, todo = 0, [root_pid]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in status.splitlines()
                       if line.startswith("VmRSS:")), 0)
    return total


def pid_of(container: str) -> int:
    return int(run(["docker", "inspect", "-f", "{{.State.Pid}}", container]).stdout)


def logs(container: str) -> str:
    result = run(["docker", "logs", container], check=False)
    return result.stdout + result.stderr


def sample(pids: dict[str, int], times: int = 5, every: float = 0.5) -> dict[str, int]:
    """Median RSS of each pid tree over a few samples."""
    rows: dict[str, list[int]] = {name: [] for name in pids}
    for _ in range(times):
        for name, pid in pids.items():
            rows[name].append(rss_kib(pid))
        time.sleep(every)
    return {name: int(statistics.median(values)) for name, values in rows.items()}


@pytest.fixture
def floors(stack: Stack) -> Iterator[dict[str, str]]:
    names = {floor: f"e2e-floor-{floor}" for floor in FLOORS}
    try:
        for floor, (script, _) in FLOORS.items():
            run(["docker", "rm", "-f", names[floor]], check=False)
            run(["docker", "run", "-d", "--init", "--name", names[floor],
                 "--network", f"{PROJECT}_default", "--entrypoint", "python3", IMAGE,
                 "-c", script])
        for floor, (_, ready) in FLOORS.items():
            wait_for(f"floor {floor} up", lambda n=names[floor], r=ready: r in logs(n), timeout=60)
        yield names
    finally:
        run(["docker", "rm", "-f", *names.values()], check=False)


def test_services_rss_next_to_their_floors(stack: Stack, floors: dict[str, str],
                                           bench: Bench) -> None:
    pids = {f"service_{d}": pid_of(stack.container(s)) for d, s in SERVICES.items()}
    pids |= {f"floor_{d}": pid_of(name) for d, name in floors.items()}
    measured = sample(pids)
    for name, kib in measured.items():
        assert kib > 10_000, f"{name}: {kib} KiB is not a Python process"
        bench.record(f"rss_{name}_kib", kib)
    services = sum(v for k, v in measured.items() if k.startswith("service_"))
    floor = sum(v for k, v in measured.items() if k.startswith("floor_"))
    bench.record("rss_services_kib", services)
    bench.record("rss_floors_kib", floor)
    bench.record("rss_ratio", round(services / floor, 3))
