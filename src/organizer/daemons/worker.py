"""The worker daemon: calendar sync and reminders (see organizer.worker).

The work is synchronous (SQLite, httplib2, httpx) and runs in daemon threads,
never on the event loop. `serve` returns within STOP_S of `stop`: the threads
check the stop flag between calls and every call has a timeout; a thread still
inside a call after that is abandoned, which is safe because every calendar
call is idempotent and every outcome is committed with its checkpoint.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading

from organizer.settings import Settings

log = logging.getLogger("organizer.worker")
STOP_S = 8.0


def off_reason(settings: Settings) -> str | None:
    """The worker is never off: with nothing configured it still keeps the mode and log."""
    return None


async def serve(settings: Settings, stop: asyncio.Event) -> None:
    from organizer.worker.runner import Worker

    worker = Worker(settings)
    flag = threading.Event()
    failure: list[BaseException] = []

    def main() -> None:
        try:
            worker.run(flag)
        except BaseException as exc:  # handed to the event loop below
            failure.append(exc)

    thread = threading.Thread(target=main, name="worker", daemon=True)
    thread.start()
    log.info("worker started (database %s)", settings.db_path)
    while thread.is_alive() and not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=0.5)
    flag.set()
    for _ in range(int(STOP_S / 0.05)):
        if not thread.is_alive():
            break
        await asyncio.sleep(0.05)
    if failure:
        raise failure[0]
    log.info("worker stopped")
