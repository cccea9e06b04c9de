"""The fake Telegram server's HTTP test API (`/_test/...`), to drive it from another process.

See tests/fakes/telegram_server.py for the routes; each maps onto a method of FakeTelegram.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from aiohttp import web

from tests.fakes.telegram_edge import KINDS, MIXED

if TYPE_CHECKING:
    from tests.fakes.telegram_server import FakeTelegram


def _inject(server: FakeTelegram, body: dict[str, Any]) -> int:
    if "update" in body:
        return server.add_update(body["update"])
    kind = body.get("kind", "text")
    user = int(body.get("user_id", 1))
    if kind == "text":
        return server.add_text(user, body["text"])
    if kind == "voice":
        return server.add_voice(user, base64.b64decode(body.get("audio_b64", "")),
                                int(body.get("duration", 2)))
    if kind == "callback":
        return server.add_callback(user, int(body["message_id"]), body["data"])
    if kind == "edited":
        return server.add_edited_text(user, body["text"])
    if kind == "channel_post":
        return server.add_channel_post(body["text"])
    if kind == "group_text":
        return server.add_group_text(user, body["text"])
    if kind == "sticker":
        return server.add_sticker(user)
    if kind == "photo":
        return server.add_photo(user, body.get("caption"))
    if kind == "my_chat_member":
        return server.add_my_chat_member(user, body.get("status", "kicked"))
    if kind == "unknown":
        return server.add_unknown(body.get("name", "future_update_kind"))
    raise web.HTTPBadRequest(text=f"unknown kind {kind!r}")


def add_routes(app: web.Application, server: FakeTelegram) -> None:
    """Mount /_test/* on the fake server's aiohttp app."""

    async def updates(request: web.Request) -> web.Response:
        return web.json_response({"update_id": _inject(server, await request.json())})

    async def sent(request: web.Request) -> web.Response:
        with server._lock:
            return web.json_response(list(server.sent))

    async def requests(request: web.Request) -> web.Response:
        method = request.query.get("method")
        with server._lock:
            rows = [{k: v for k, v in r.items() if k != "token"} for r in server.requests
                    if method is None or r["method"] == method]
        return web.json_response(rows, dumps=lambda o: _dumps(o))

    async def faults(request: web.Request) -> web.Response:
        body = await request.json()
        kind, method = body.get("kind", "fail"), body.get("method")
        count = int(body.get("count", 1))
        if kind == "fail":
            server.fail_next(count, int(body.get("status", 500)), method)
        elif kind == "hang":
            server.hang_next(count, float(body.get("seconds", 5)), method)
        elif kind == "drop":
            server.drop_next(count, method)
        elif kind == "outage":  # {"seconds": 60, "kinds": ["html502", ...], "method": ...}
            server.outage(float(body["seconds"]), tuple(body.get("kinds") or MIXED),
                          method or "getUpdates")
        elif kind in KINDS:
            server.edge_next(kind, count, method)
        else:
            raise web.HTTPBadRequest(text=f"unknown fault {kind!r}")
        return web.json_response({"ok": True})

    async def block(request: web.Request) -> web.Response:
        server.block(int((await request.json())["chat_id"]))
        return web.json_response({"ok": True})

    async def reset(request: web.Request) -> web.Response:
        server.reset()
        return web.json_response({"ok": True})

    async def health(request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    app.router.add_post("/_test/updates", updates)
    app.router.add_get("/_test/sent", sent)
    app.router.add_get("/_test/requests", requests)
    app.router.add_post("/_test/faults", faults)
    app.router.add_post("/_test/block", block)
    app.router.add_post("/_test/reset", reset)
    app.router.add_get("/_test/health", health)


def _dumps(obj: Any) -> str:
    import json

    return json.dumps(obj, ensure_ascii=False,
                      default=lambda o: base64.b64encode(o).decode() if isinstance(o, bytes)
                      else str(o))
