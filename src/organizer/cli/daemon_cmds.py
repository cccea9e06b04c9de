"""The daemons: `organizer run` (all in one process) and `api`, `worker`, `bot` (one each)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import typer

from organizer.cli import context
from organizer.errors import OrganizerError

if TYPE_CHECKING:
    import asyncio

log = logging.getLogger("organizer")


def _serve_one(name: str) -> None:
    from organizer.daemons import registry
    from organizer.daemons.common import preflight, run_until_signalled
    from organizer.logs import setup_logging

    settings = context.settings()
    setup_logging(settings, name)
    with context.errors_to_exit():
        preflight(settings).conn.close()
        module = registry.load(name)
        reason = module.off_reason(settings)
    if reason:
        # Said once; then idle (see daemons/idle.py) so a restart policy does not loop it.
        from organizer.daemons.idle import idle

        log.warning("%s is off: %s; idling until stopped", name, reason)
        with context.errors_to_exit():
            run_until_signalled(lambda stop: idle(settings, name, reason, stop))
        return
    with context.errors_to_exit():
        run_until_signalled(lambda stop: module.serve(settings, stop))


def api() -> None:
    """Serve the HTTP API (/health, /metrics) on API_HOST:API_PORT.

    Example: organizer api
    """
    _serve_one("api")


def worker() -> None:
    """Run the worker: calendar sync and reminders.

    Example: organizer worker
    """
    _serve_one("worker")


def bot() -> None:
    """Run the Telegram bot (long polling).

    Example: organizer --env-file .env.prod bot
    """
    _serve_one("bot")


def run() -> None:
    """Run api, worker and bot in one process on this machine, migrating a fresh DB first.

    Example: organizer run
    """
    from organizer.app.database import migrate
    from organizer.daemons import registry
    from organizer.daemons.common import preflight, run_until_signalled
    from organizer.logs import setup_logging

    settings = context.settings()
    setup_logging(settings, "run", files_for=tuple(registry.DAEMONS))
    with context.errors_to_exit():
        migrate(settings, say=log.info)
        preflight(settings).conn.close()
        modules = {name: registry.load(name) for name in registry.DAEMONS}
    active = {}
    for name, module in modules.items():
        reason = module.off_reason(settings)
        if reason:
            log.info("%s is off: %s", name, reason)
        else:
            active[name] = module

    import asyncio

    async def serve_all(stop: asyncio.Event) -> None:
        tasks = {asyncio.create_task(m.serve(settings, stop), name=n): n for n, m in active.items()}
        log.info("organizer run: %s started (database %s)", ", ".join(active), settings.db_path)
        failures: list[BaseException] = []
        pending = set(tasks)
        while pending:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                if task.cancelled():
                    continue
                exc = task.exception()
                if exc is not None:
                    failures.append(exc)
                    if not isinstance(exc, OrganizerError):
                        log.error("%s stopped: %s", tasks[task], exc, exc_info=exc)
                    stop.set()
                elif not stop.is_set():
                    log.info("%s finished", tasks[task])
        log.info("organizer run: stopped")
        for exc in failures:
            if isinstance(exc, OrganizerError):
                raise exc  # one clear line and its exit code
        if failures:
            raise SystemExit(1)

    with context.errors_to_exit():
        run_until_signalled(serve_all)


def register(app: typer.Typer) -> None:
    app.command("run")(run)
    app.command("api")(api)
    app.command("worker")(worker)
    app.command("bot")(bot)
