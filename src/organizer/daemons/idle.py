"""A daemon that is off by configuration idles instead of exiting.

Under compose every daemon has `restart: unless-stopped`, which restarts a
container that exited 0 as well: a bot without TELEGRAM_BOT_TOKEN that said
"off" and exited would say it again every few seconds, forever. So it says it
once, then idles until stopped, beating its heartbeat with status `off` and the
reason, which /health and `organizer ops heartbeat` read as a normal state.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from organizer.settings import Settings

log = logging.getLogger("organizer")
BEAT_EVERY_S = 10.0


async def idle(settings: Settings, daemon: str, reason: str, stop: asyncio.Event) -> None:
    """Beat `off` every BEAT_EVERY_S until `stop` is set."""
    from organizer.bootstrap import bootstrap
    from organizer.store import heartbeats

    conn = await asyncio.to_thread(bootstrap(settings).database)
    try:
        while not stop.is_set():
            try:
                await asyncio.to_thread(heartbeats.beat, conn, daemon, "off", {"reason": reason})
            except Exception as exc:  # liveness must never take the process down
                log.warning("heartbeat not written: %s", exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), BEAT_EVERY_S)
    finally:
        conn.close()
