"""Helpers for the API tests: a real uvicorn in a thread, heartbeats, mount tables."""

from __future__ import annotations

import asyncio
import os
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import httpx
from litestar import Litestar

from organizer.daemons.api import serve_app
from organizer.settings import Settings
from organizer.store import heartbeats

TOKEN = "123456789:AAHhealthSecretTokenValue_abcdefghijk"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def beat_all(conn: sqlite3.Connection, age_s: float = 0.0) -> None:
    at = datetime.now(UTC) - timedelta(seconds=age_s)
    heartbeats.beat(conn, "worker", now=at)
    heartbeats.beat(conn, "bot", now=at)


def mountinfo_fixture(name: str, data_dir: Path) -> str:
    """A recorded container mount table with its `/data` mount moved to `data_dir`."""
    text = (FIXTURES / name).read_text()
    return text.replace(" /data ", f" {os.path.realpath(data_dir)} ")


@contextmanager
def uvicorn_serving(app: Litestar) -> Iterator[str]:
    """Serve `app` through the daemon's own server code in a thread; yields its base URL."""
    port = free_port()
    started = threading.Event()
    handles: dict[str, Any] = {}

    async def main() -> None:
        handles["loop"], handles["stop"] = asyncio.get_running_loop(), asyncio.Event()
        started.set()
        await serve_app(app, "127.0.0.1", port, handles["stop"])

    def run() -> None:
        try:
            asyncio.run(main())
        except BaseException as exc:  # re-raised in the test below
            handles["error"] = exc
            started.set()

    thread = threading.Thread(target=run, name="uvicorn-under-test", daemon=True)
    thread.start()
    assert started.wait(10)
    deadline = time.monotonic() + 10
    while "error" not in handles:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            assert time.monotonic() < deadline, "uvicorn did not start listening"
            time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        if "loop" in handles:
            handles["loop"].call_soon_threadsafe(handles["stop"].set)
        thread.join(10)
        assert not thread.is_alive(), "uvicorn did not stop"
        if "error" in handles:
            raise handles["error"]


class Get(Protocol):
    def __call__(self, settings: Settings, canon: Any = None, path: str = "/health",
                 mountinfo: str | None = None) -> httpx.Response: ...
