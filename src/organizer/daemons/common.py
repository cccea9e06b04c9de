"""What every daemon does before it serves: fail fast, fail loud.

A daemon refuses to start on the wrong volume, an incomplete schema or a
missing canon, with one line saying what is wrong and how to fix it — never
limping along logging `no such table: tasks` per job.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from organizer.bootstrap import bootstrap
from organizer.settings import Settings

if TYPE_CHECKING:
    from organizer.canon import Canon

log = logging.getLogger("organizer")

Serve = Callable[[Settings, asyncio.Event], Awaitable[None]]


@dataclass
class Preflight:
    conn: sqlite3.Connection
    canon: Canon


def preflight(settings: Settings) -> Preflight:
    """Volume, schema and canon checks; raises the OrganizerError that says what is wrong."""
    services = bootstrap(settings)
    conn = services.database()
    try:
        canon = services.canon()
    except Exception:
        conn.close()
        raise
    return Preflight(conn, canon)


def run_until_signalled(serve: Callable[[asyncio.Event], Awaitable[Any]]) -> None:
    """Run `serve(stop)` until it returns; SIGTERM and SIGINT set `stop`."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await serve(stop)

    asyncio.run(main())
