"""`organizer api`: the Litestar app under uvicorn on API_HOST:API_PORT."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Iterator
from typing import Any

from organizer.config_safety import api_exposure_line
from organizer.errors import ConfigError
from organizer.settings import Settings
from organizer.store.volume import inside_container

log = logging.getLogger("organizer.api")
# uvicorn lets in-flight requests finish for this long, then cancels them; with the
# backstop below `stop` → return stays well inside the 5 s docker gives before SIGKILL.
GRACEFUL_S = 2.0
STOP_BACKSTOP_S = 3.0


def listen(host: str, port: int) -> socket.socket:
    """Bind here, so a taken port is one clear error instead of uvicorn's exit."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit it: no Nagle delay between headers and body.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ConfigError(
            f"cannot listen on {host}:{port}: {exc.strerror}; stop what holds the port "
            "or set API_PORT / API_HOST"
        ) from exc
    sock.listen(2048)
    sock.setblocking(False)
    return sock


def off_reason(settings: Settings) -> str | None:
    """The API is never off: it is what tells whether the rest is healthy."""
    return None


async def serve_app(app: Any, host: str, port: int, stop: asyncio.Event) -> None:
    """Serve an ASGI `app` with one uvicorn server on host:port until `stop` is set.

    The benchmark's bare peer runs through here too, so both sides of that
    comparison have identical server settings by construction.
    """
    import uvicorn

    class Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            # Signals belong to the process (`stop`), which may serve other daemons too.
            yield

    sock = listen(host, port)
    config = uvicorn.Config(
        app, host=host, port=port, log_config=None, access_log=False, lifespan="off",
        timeout_graceful_shutdown=int(GRACEFUL_S),
    )
    server = Server(config)
    serving = asyncio.create_task(server.serve(sockets=[sock]), name="uvicorn")
    stopping = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({serving, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if serving.done() and not stop.is_set():
            exc = serving.exception()
            raise RuntimeError(f"the API server stopped: {exc or 'could not start'}")
        server.should_exit = True
        try:
            await asyncio.wait_for(serving, STOP_BACKSTOP_S)
        except TimeoutError:
            log.warning("api: connections still open after %.0f s; closed", STOP_BACKSTOP_S)
    finally:
        stopping.cancel()
        sock.close()


async def serve(settings: Settings, stop: asyncio.Event) -> None:
    """Serve /health and /metrics on API_HOST:API_PORT until `stop` is set."""
    from organizer.api.app import create_app
    from organizer.bootstrap import bootstrap

    live = bootstrap(settings).live_canon()
    app = create_app(settings, live)
    watching = asyncio.create_task(live.watch(stop), name="canon-watch")
    log.info("api listening on http://%s:%s", settings.api_host, settings.api_port)
    exposure = api_exposure_line(settings.api_host, inside_container(settings.db_path))
    if exposure is not None:
        log.log(exposure[0], "%s", exposure[1])
    try:
        await serve_app(app, settings.api_host, settings.api_port, stop)
        log.info("api stopped")
    finally:
        watching.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watching
