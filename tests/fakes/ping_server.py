"""A recording HTTP server on 127.0.0.1 in the healthchecks.io ping protocol, plus /health.

Every request is recorded as (method, path, body). `status` is what the pings
answer (200, or 500 to play a failing monitor); `/health` answers `health`
as the api's JSON body with `health_status`.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class PingServer:
    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.health: dict[str, Any] = {"status": "ok", "checks": {"database": {"status": "ok"}}}
        self.health_status = 200
        self.requests: list[tuple[str, str, bytes]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if self.path == "/health":
                    payload = json.dumps(server.health).encode()
                    self.send_response(server.health_status)
                    self.send_header("Content-Type", "application/json")
                else:
                    server.requests.append((self.command, self.path, body))
                    payload = b"OK"
                    self.send_response(server.status)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_HEAD = _answer

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    @property
    def ping_url(self) -> str:
        return self.base + "/ping/0f3c9d2e-7a41-4b1e-9c55-2d8e6f1a0b77"

    def pings(self) -> list[tuple[str, str, bytes]]:
        return [r for r in self.requests if r[1].startswith("/ping/")]

    def wait_pings(self, count: int, timeout: float = 60.0) -> list[tuple[str, str, bytes]]:
        deadline = time.monotonic() + timeout
        while len(self.pings()) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} pings, got {self.pings()}")
            time.sleep(0.05)
        return self.pings()

    def __enter__(self) -> PingServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def refused_url() -> str:
    """A URL on 127.0.0.1 where nothing listens (a port just released)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/ping/dead"
