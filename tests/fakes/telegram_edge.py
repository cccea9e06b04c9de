"""What Telegram's edge answers on a bad day, for the fake Bot API server.

During incidents the Bot API's front end (nginx) answers with HTML error
pages, empty bodies, cut connections, 429s with and without `retry_after`,
or hangs; behind it the API itself may answer a 5xx envelope. A revoked token
is a JSON 401, a deleted bot a JSON 404. Each kind below is one such answer;
`FakeTelegram.outage(...)` rotates through a list of them for a while.
"""

from __future__ import annotations

import asyncio
import json

from aiohttp import web

NGINX_PAGE = ("<html>\r\n<head><title>{code} {reason}</title></head>\r\n<body>\r\n"
              "<center><h1>{code} {reason}</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
              "</body>\r\n</html>\r\n")
REASONS = {429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
           503: "Service Unavailable", 504: "Gateway Timeout"}

# Every kind of answer the edge gives; `hang` holds the request `hang_s`, then gives nginx's
# 504 page (its upstream timed out), unless the client gave up first.
KINDS = ("html502", "html504", "empty502", "empty504", "truncated200", "nonjson200", "cut",
         "reset", "429", "429bare", "json500", "json502", "hang", "401", "404")
# What a bad hour looks like: everything but the answers that mean "stop" (401/404).
MIXED = tuple(k for k in KINDS if k not in ("401", "404"))


def _page(code: int) -> web.Response:
    body = NGINX_PAGE.format(code=code, reason=REASONS[code])
    return web.Response(status=code, text=body, content_type="text/html")


def _envelope(code: int, description: str, parameters: dict[str, int] | None = None
              ) -> web.Response:
    body: dict[str, object] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.Response(status=code, text=json.dumps(body), content_type="application/json")


async def answer(kind: str, request: web.Request, *, retry_after: int = 1,
                 hang_s: float = 5.0) -> web.StreamResponse:
    """The edge's answer of this kind."""
    if kind in ("html502", "html504"):
        return _page(int(kind[-3:]))
    if kind in ("empty502", "empty504"):
        return web.Response(status=int(kind[-3:]), body=b"")
    if kind == "truncated200":
        return web.Response(status=200, text='{"ok":true,"result":[{"update_id":12',
                            content_type="application/json")
    if kind == "nonjson200":
        return web.Response(status=200, text="<html><body>Bot API</body></html>",
                            content_type="text/html")
    if kind == "cut":  # headers promise a body; half of it comes, then the connection ends
        response = web.StreamResponse(status=200, headers={"Content-Length": "4096",
                                                           "Content-Type": "application/json"})
        await response.prepare(request)
        await response.write(b'{"ok":true,"result":[')
        assert request.transport is not None
        request.transport.close()
        return response
    if kind == "reset":  # the connection closes before any answer
        assert request.transport is not None
        request.transport.close()
        return web.Response(status=500)
    if kind == "429":
        return _envelope(429, f"Too Many Requests: retry after {retry_after}",
                         {"retry_after": retry_after})
    if kind == "429bare":
        return _envelope(429, "Too Many Requests")
    if kind in ("json500", "json502"):
        code = int(kind[-3:])
        return _envelope(code, REASONS[code])
    if kind == "401":
        return _envelope(401, "Unauthorized")
    if kind == "404":
        return _envelope(404, "Not Found")
    if kind == "hang":
        await asyncio.sleep(hang_s)
        return _page(504)
    raise ValueError(f"unknown edge answer {kind!r}; one of {', '.join(KINDS)}")
