"""sendMessage as Telegram's edge serves it: the send limits and the faults of a bad day.

Telegram answers 429 `Too Many Requests: retry after N` with
`parameters.retry_after` when a bot sends more than about 30 messages a second
overall or more than one a second to one chat. The fake does the same once a
test turns the limits on (they are off by default: the bot's tests send
replies faster than that)::

    server.send_limits.configure(per_s=30, per_chat_s=1.0)
    server.send_limits.inject("html502", count=3)    # the next 3 sendMessage calls
    server.send_limits.inject("html502", count=-1)   # every call until clear()
    server.send_limits.clear()
    server.send_limits.flood_rejections              # 429s given for the limits
    server.send_limits.accepted                      # perf_counter of each accepted send

Faults: `html502` (nginx's HTML page), `empty504` (no body), `truncated200`
(the message is sent, the JSON answer cut in half), `cut` (the connection is
closed before an answer; nothing sent), `429bare` (429 without retry_after),
`500json` (a JSON 500), `401` (the token was revoked).

Over HTTP: POST /_test/sendlimits {"per_s": 30, "per_chat_s": 1},
POST /_test/sendfaults {"kind": "html502", "count": 3} (kind "clear" clears),
GET /_test/sendstats -> {"accepted": N, "flood_rejections": N}.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

KINDS = {"html502", "empty504", "truncated200", "cut", "429bare", "500json", "401"}
NGINX_502 = ("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
             "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
             "</body>\r\n</html>\r\n")


class SendLimits:
    """The send limits (off until `configure`) and the queue of injected sendMessage faults."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.per_s: float | None = None
        self.per_chat_s: float | None = None
        self.faults: list[list[Any]] = []  # [kind, count left; -1 = until clear()]
        self.accepted: list[float] = []
        self.flood_rejections = 0
        self._window: deque[float] = deque()
        self._last_chat: dict[str, float] = {}

    def configure(self, per_s: float | None = 30.0, per_chat_s: float | None = 1.0) -> None:
        with self.lock:
            self.per_s, self.per_chat_s = per_s, per_chat_s

    def inject(self, kind: str, count: int = 1) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown sendMessage fault {kind!r}; one of {sorted(KINDS)}")
        with self.lock:
            self.faults.append([kind, count])

    def clear(self) -> None:
        with self.lock:
            self.faults.clear()

    def _fault(self) -> str | None:
        with self.lock:
            for fault in self.faults:
                if fault[1] != 0:
                    if fault[1] > 0:
                        fault[1] -= 1
                    return str(fault[0])
        return None

    def _flood_wait(self, chat: str, now: float) -> int | None:
        """Seconds to wait when this send breaks a limit, else None (and it is counted)."""
        with self.lock:
            while self._window and now - self._window[0] >= 1.0:
                self._window.popleft()
            wait = 0.0
            if self.per_s is not None and len(self._window) >= self.per_s:
                wait = 1.0 - (now - self._window[0])
            last = self._last_chat.get(chat)
            if self.per_chat_s is not None and last is not None and now - last < self.per_chat_s:
                wait = max(wait, self.per_chat_s - (now - last))
            if wait > 0:
                self.flood_rejections += 1
                return max(1, math.ceil(wait))
            self._window.append(now)
            self._last_chat[chat] = now
            return None

    async def serve(self, request: web.Request, params: dict[str, Any],
                    answer: Callable[[], Awaitable[web.Response]]) -> web.StreamResponse:
        """sendMessage through the faults and the limits; `answer` is the normal handling."""
        fault = self._fault()
        if fault == "html502":
            return web.Response(status=502, text=NGINX_502, content_type="text/html")
        if fault == "empty504":
            return web.Response(status=504, body=b"")
        if fault == "cut":
            assert request.transport is not None
            request.transport.close()
            return web.Response(status=500)
        if fault in ("429bare", "500json", "401"):
            code, said = {"429bare": (429, "Too Many Requests"),
                          "500json": (500, "Internal Server Error"),
                          "401": (401, "Unauthorized")}[fault]
            return web.json_response({"ok": False, "error_code": code, "description": said},
                                     status=code)
        wait = self._flood_wait(str(params.get("chat_id")), time.perf_counter())
        if wait is not None:
            return web.json_response({"ok": False, "error_code": 429,
                                      "description": f"Too Many Requests: retry after {wait}",
                                      "parameters": {"retry_after": wait}}, status=429)
        response = await answer()
        if response.status == 200:
            with self.lock:
                self.accepted.append(time.perf_counter())
        if fault == "truncated200" and response.status == 200:
            body = bytes(response.body) if isinstance(response.body, bytes) else b"{}"
            return web.Response(status=200, body=body[: len(body) // 2],
                                content_type="application/json")
        return response


def add_routes(app: web.Application, limits: Callable[[], SendLimits]) -> None:
    """Mount /_test/sendlimits, /_test/sendfaults and /_test/sendstats."""

    async def configure(request: web.Request) -> web.Response:
        body = await request.json()
        limits().configure(body.get("per_s"), body.get("per_chat_s"))
        return web.json_response({"ok": True})

    async def faults(request: web.Request) -> web.Response:
        body = await request.json()
        kind = str(body.get("kind"))
        try:
            if kind == "clear":
                limits().clear()
            else:
                limits().inject(kind, int(body.get("count", 1)))
        except ValueError as exc:
            raise web.HTTPBadRequest(text=str(exc)) from None
        return web.json_response({"ok": True})

    async def stats(request: web.Request) -> web.Response:
        current = limits()
        with current.lock:
            found = {"accepted": len(current.accepted),
                     "flood_rejections": current.flood_rejections}
        return web.Response(text=json.dumps(found), content_type="application/json")

    app.router.add_post("/_test/sendlimits", configure)
    app.router.add_post("/_test/sendfaults", faults)
    app.router.add_get("/_test/sendstats", stats)
