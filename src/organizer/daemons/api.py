"""`organizer api`: the Litestar app under uvicorn on API_HOST:API_PORT."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Iterator

from organizer.errors import ConfigError
from organizer.settings import Settings

log = logging.getLogger("organizer.api")
STOP_GRACE_S = 5.0


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


async def serve(settings: Settings, stop: asyncio.Event) -> None:
    import uvicorn

    from organizer.api.app import create_app
    from organizer.canon import LiveCanon

    live = LiveCanon(settings.canon_path)
    sock = listen(settings.api_host, settings.api_port)

    class Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            # Signals belong to the process (`stop`), which may serve other daemons too.
            yield

    config = uvicorn.Config(
        create_app(settings, live), host=settings.api_host, port=settings.api_port,
        log_config=None, access_log=False, lifespan="off", timeout_graceful_shutdown=3,
    )
    server = Server(config)
    serving = asyncio.create_task(server.serve(sockets=[sock]), name="uvicorn")
    watching = asyncio.create_task(live.watch(stop), name="canon-watch")
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({serving, stopping}, return_when=asyncio.FIRST_COMPLETED)
    if serving.done() and not stop.is_set():
        stopping.cancel()
        watching.cancel()
        exc = serving.exception()
        raise RuntimeError(f"the API server stopped: {exc or 'could not start'}")
    log.info("api stopping")
    server.should_exit = True
    try:
        await asyncio.wait_for(serving, STOP_GRACE_S)
    except TimeoutError:
        server.force_exit = True
    watching.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await watching
