"""A Bot API compatible server on 127.0.0.1 for tests, benchmarks and the e2e stack.

It speaks the real wire format: `POST /bot{token}/{method}` with form-encoded,
multipart or JSON bodies (GET with a query string works too), answers
`{"ok": true, "result": ...}` or `{"ok": false, "error_code": N, "description": ...}`,
401 for an unknown token, 404 for an unknown method, and serves files at
`/file/bot{token}/{file_path}`.

Methods: getMe, getUpdates (long polling: `offset` confirms every update below it,
`timeout` holds the request until an update arrives, `limit`, `allowed_updates`;
a second poller makes the pending one answer 409 "Conflict: terminated by other
getUpdates request..."), sendMessage, editMessageText, editMessageReplyMarkup,
answerCallbackQuery, getFile, deleteWebhook, deleteMessage, sendChatAction,
setMyCommands, logOut/close. Checks that the real server makes: empty or > 4096
character text, bad HTML with parse_mode=HTML, "message is not modified",
"message to edit not found", stale callback query ids, blocked chats (403).

In-process (pytest)::

    server = FakeTelegram(tokens=["123456:TEST"]).start()   # its own thread + loop
    server.base_url                      # "http://127.0.0.1:PORT" -> TELEGRAM_API_BASE
    uid = server.add_text(user_id=42, text="завтра в 10 позвонить маме")
    server.add_voice(42, b"OggS...", duration=2)     # getFile + download work
    server.add_callback(42, message_id=7, data="done:abc")
    server.add_update({"sticker": {...}})           # any raw update; update_id is filled in
    server.redeliver(update_id)          # queue a handled update again (crash before the ack)
    # helpers: add_edited_text, add_channel_post, add_group_text, add_sticker,
    #          add_photo(caption=...), add_my_chat_member, add_unknown
    server.wait_sent(1, timeout=5)       # -> list of sent messages (dicts, as returned)
    server.sent                          # every sendMessage, in order, with edits applied
    server.requests                      # every API call: {"method", "params", "at", "token"}
    server.fail_next(2, status=500, method="getUpdates")    # next N calls answer 5xx
    server.hang_next(1, seconds=3, method="sendMessage")    # hold the answer S seconds
    server.drop_next(1, method="getUpdates")                 # close the connection
    server.block(chat_id)                # sendMessage to it -> 403 "bot was blocked by the user"
    server.stop()

Several tokens may be accepted (`tokens=[...]`); they share one update queue, so poll
with one bot at a time (a second poller of the same token gets the real 409).

Async tests use the same object (it runs in its own thread); `await
server.wait_sent_async(n)` waits without blocking the test's event loop.

Standalone (the compose e2e stack, ops --notify tests)::

    python -m tests.fakes.telegram_server --port 8081 --token 123456:TEST [--host 0.0.0.0]

and drive it over HTTP (JSON bodies, JSON answers):

    POST /_test/updates   {"kind": "text", "user_id": 42, "text": "..."}   -> {"update_id": N}
                          kinds: text, voice (audio_b64), callback (message_id, data),
                          edited, channel_post, group_text, sticker, photo (caption),
                          my_chat_member, unknown; or {"update": {...raw...}}
    GET  /_test/sent      -> [messages the bot sent, edits applied]
    GET  /_test/requests  -> [{"method", "params", "at"}]   (?method=sendMessage filters)
    POST /_test/faults    {"kind": "fail"|"hang"|"drop", "count": 1, "status": 500,
                           "seconds": 3, "method": null}
    POST /_test/block     {"chat_id": 42}
    POST /_test/reset     forget updates, messages, requests and faults
    POST /_test/sendlimits, /_test/sendfaults, GET /_test/sendstats: sendMessage's
                          limits and edge faults (tests/fakes/telegram_sendlimits.py)
    GET  /_test/health    {"ok": true}
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from aiohttp import web

from tests.fakes import telegram_control, telegram_edge
from tests.fakes.telegram_sendlimits import SendLimits
from tests.fakes.telegram_sendlimits import add_routes as add_send_routes

Json = dict[str, Any]
MAX_TEXT = 4096
_JSON_FIELDS = {"reply_markup", "allowed_updates", "reply_parameters", "entities",
                "link_preview_options", "commands", "scope"}
_HTML_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
              "tg-spoiler", "span", "blockquote", "tg-emoji"}
CONFLICT = ("Conflict: terminated by other getUpdates request; make sure that only one bot "
            "instance is running")


class ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: Json | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters


@dataclass
class Fault:
    kind: str  # fail | hang | drop | edge
    count: int
    method: str | None = None
    status: int = 500
    seconds: float = 0.0
    edges: tuple[str, ...] = ()  # edge: the answers to rotate through (telegram_edge.KINDS)
    until: float | None = None   # edge: a time-boxed outage ends at this monotonic time
    taken: int = 0


class _HtmlCheck(HTMLParser):
    """Mimics the server's entity parser: known tags only, properly nested; yields plain text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _HTML_TAGS:
            raise ApiError(400, f"Bad Request: can't parse entities: Unsupported start tag "
                                f"\"{tag}\"")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            raise ApiError(400, f"Bad Request: can't parse entities: Unexpected end tag \"{tag}\"")
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def plain_text(text: str, parse_mode: str | None) -> str:
    """The text as Telegram shows it: HTML parsed (and validated) when parse_mode is HTML."""
    if (parse_mode or "").upper() != "HTML":
        return text
    checker = _HtmlCheck()
    checker.feed(text)
    checker.close()
    if checker.stack:
        raise ApiError(400, "Bad Request: can't parse entities: Can't find end tag corresponding "
                            f"to start tag \"{checker.stack[-1]}\"")
    return "".join(checker.text)


class FakeTelegram:
    """A Bot API server in a background thread; see the module docstring for the API."""

    def __init__(self, tokens: list[str] | tuple[str, ...] = ("123456:TEST",),
                 host: str = "127.0.0.1", port: int = 0, strict_chats: bool = False) -> None:
        self.tokens = list(tokens)
        self.host, self.port = host, port
        self.strict_chats = strict_chats
        self.edge_hang_s = 5.0  # how long a `hang` edge answer holds the request
        self._lock = threading.RLock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._wakeup: asyncio.Event | None = None
        self._closing: asyncio.Event | None = None
        self._pollers: dict[str, asyncio.Future[None]] = {}  # token -> pending poll
        self.reset()

    # -- lifecycle ------------------------------------------------------------

    def reset(self) -> None:
        with self._lock:
            self.updates: list[Json] = []          # not yet confirmed
            self.update_times: dict[int, float] = {}  # update_id -> perf_counter when added
            self.history: dict[int, Json] = {}        # every update ever added, by id
            self.next_update_id = 100_000
            self.requests: list[Json] = []
            self.sent: list[Json] = []
            self.messages: dict[tuple[int, int], Json] = {}
            self.message_ids: dict[int, int] = {}
            self.files: dict[str, tuple[str, bytes]] = {}
            self.callbacks: dict[str, bool] = {}   # callback id -> answered
            self.answers: list[Json] = []
            self.faults: list[Fault] = []
            self.blocked: set[int] = set()
            self.known_chats: set[int] = set()
            # The language_code each user's Telegram app reports (default "ru");
            # None: the field is left out, as Telegram may do.
            self.language_codes: dict[int, str | None] = {}
            # sendMessage's limits and edge faults (tests/fakes/telegram_sendlimits.py)
            self.send_limits = SendLimits()

    def start(self) -> FakeTelegram:
        ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(ready,), daemon=True,
                                        name="fake-telegram")
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("fake Telegram server did not start")
        return self

    def _run(self, ready: threading.Event) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        loop.run_until_complete(self._serve_start())
        ready.set()
        loop.run_forever()
        loop.run_until_complete(self._serve_stop())
        loop.close()

    async def _serve_start(self) -> None:
        self._wakeup, self._closing = asyncio.Event(), asyncio.Event()
        self._runner = web.AppRunner(self.app(), access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def _serve_stop(self) -> None:
        assert self._closing is not None and self._runner is not None
        self._closing.set()
        await self._runner.cleanup()

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._loop = self._thread = None

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def _notify(self) -> None:
        if self._loop is not None and self._wakeup is not None:
            self._loop.call_soon_threadsafe(self._wakeup.set)

    # -- injecting updates ------------------------------------------------------

    def add_update(self, payload: Json) -> int:
        """Queue a raw update (without update_id); returns the update_id given to it."""
        with self._lock:
            update_id = self.next_update_id
            self.next_update_id += 1
            self.updates.append({"update_id": update_id, **payload})
            self.history[update_id] = self.updates[-1]
            self.update_times[update_id] = time.perf_counter()
        self._notify()
        return update_id

    def redeliver(self, update_id: int) -> None:
        """Queue an update again, as Telegram does for one whose offset was never confirmed
        (e.g. the bot crashed after handling it); a poller with a higher offset drops it."""
        with self._lock:
            if all(u["update_id"] != update_id for u in self.updates):
                self.updates.append(self.history[update_id])
                self.updates.sort(key=lambda u: u["update_id"])
        self._notify()

    def user(self, user_id: int, language_code: str = "ru") -> Json:
        user: Json = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}",
                      "username": f"user{user_id}"}
        code = self.language_codes.get(user_id, language_code)
        if code is not None:
            user["language_code"] = code
        return user

    def _message(self, chat: Json, sender: Json | None, **fields: Any) -> Json:
        with self._lock:
            self.known_chats.add(chat["id"])
            message_id = self.message_ids.get(chat["id"], 0) + 1
            self.message_ids[chat["id"]] = message_id
        message: Json = {"message_id": message_id, "date": int(time.time()), "chat": chat}
        if sender is not None:
            message["from"] = sender
        message.update(fields)
        return message

    def private_chat(self, user_id: int) -> Json:
        return {"id": user_id, "type": "private", "first_name": f"User{user_id}",
                "username": f"user{user_id}"}

    def text_message(self, user_id: int, text: str, chat: Json | None = None) -> Json:
        fields: Json = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            fields["entities"] = [{"type": "bot_command", "offset": 0,
                                   "length": len(command.encode("utf-16-le")) // 2}]
        return self._message(chat or self.private_chat(user_id), self.user(user_id), **fields)

    def add_text(self, user_id: int, text: str) -> int:
        return self.add_update({"message": self.text_message(user_id, text)})

    def add_reply(self, user_id: int, text: str, replied: Json) -> int:
        """A text that replies to `replied` (a message as the bot sent it: from the bot, with
        its reply_markup), as Telegram delivers it."""
        message = self.text_message(user_id, text)
        message["reply_to_message"] = replied
        return self.add_update({"message": message})

    def add_group_text(self, user_id: int, text: str, chat_id: int = -1001234567890) -> int:
        chat = {"id": chat_id, "type": "supergroup", "title": "Group"}
        return self.add_update({"message": self.text_message(user_id, text, chat)})

    def add_edited_text(self, user_id: int, text: str, message_id: int | None = None) -> int:
        message = self.text_message(user_id, text)
        if message_id is not None:
            message["message_id"] = message_id
        message["edit_date"] = int(time.time())
        return self.add_update({"edited_message": message})

    def add_channel_post(self, text: str, chat_id: int = -1009876543210) -> int:
        chat = {"id": chat_id, "type": "channel", "title": "Channel"}
        return self.add_update({"channel_post": self._message(chat, None, text=text,
                                                              sender_chat=chat)})

    def add_file(self, content: bytes, path: str) -> str:
        with self._lock:
            file_id = f"F{len(self.files) + 1:04d}{abs(hash(path)) % 10**8:08d}"
            self.files[file_id] = (path, content)
        return file_id

    def add_voice(self, user_id: int, audio: bytes, duration: int = 2) -> int:
        file_id = self.add_file(audio, f"voice/file_{len(self.files)}.oga")
        voice = {"file_id": file_id, "file_unique_id": "u" + file_id, "duration": duration,
                 "mime_type": "audio/ogg", "file_size": len(audio)}
        return self.add_update({"message": self._message(self.private_chat(user_id),
                                                         self.user(user_id), voice=voice)})

    def add_sticker(self, user_id: int, emoji: str = "👍") -> int:
        sticker = {"file_id": self.add_file(b"RIFF", "stickers/s.webp"), "file_unique_id": "st1",
                   "type": "regular", "width": 512, "height": 512, "is_animated": False,
                   "is_video": False, "emoji": emoji}
        return self.add_update({"message": self._message(self.private_chat(user_id),
                                                         self.user(user_id), sticker=sticker)})

    def add_photo(self, user_id: int, caption: str | None = None) -> int:
        file_id = self.add_file(b"\xff\xd8\xff", "photos/p.jpg")
        photo = [{"file_id": file_id, "file_unique_id": "ph1", "width": 90, "height": 90,
                  "file_size": 3}]
        fields: Json = {"photo": photo}
        if caption is not None:
            fields["caption"] = caption
        return self.add_update({"message": self._message(self.private_chat(user_id),
                                                         self.user(user_id), **fields)})

    def add_my_chat_member(self, user_id: int, status: str = "kicked") -> int:
        bot = self.bot_user(self.tokens[0])
        return self.add_update({"my_chat_member": {
            "chat": self.private_chat(user_id), "from": self.user(user_id),
            "date": int(time.time()),
            "old_chat_member": {"status": "member", "user": bot},
            "new_chat_member": {"status": status, "user": bot, "until_date": 0},
        }})

    def add_unknown(self, kind: str = "future_update_kind") -> int:
        return self.add_update({kind: {"id": 1, "something": "new"}})

    def add_callback(self, user_id: int, message_id: int, data: str) -> int:
        """A press on an inline button of the bot's message `message_id` in the user's chat."""
        with self._lock:
            message = self.messages.get((user_id, message_id))
            callback_id = f"{user_id}{len(self.callbacks) + 1:06d}"
            self.callbacks[callback_id] = False
        query: Json = {"id": callback_id, "from": self.user(user_id),
                       "chat_instance": f"ci{user_id}", "data": data}
        if message is not None:
            query["message"] = message
        return self.add_update({"callback_query": query})

    # -- faults and chats -------------------------------------------------------

    def fail_next(self, count: int = 1, status: int = 500, method: str | None = None) -> None:
        with self._lock:
            self.faults.append(Fault("fail", count, method, status=status))

    def hang_next(self, count: int = 1, seconds: float = 5.0, method: str | None = None) -> None:
        with self._lock:
            self.faults.append(Fault("hang", count, method, seconds=seconds))

    def drop_next(self, count: int = 1, method: str | None = None) -> None:
        with self._lock:
            self.faults.append(Fault("drop", count, method))

    def edge_next(self, kind: str, count: int = 1, method: str | None = None) -> None:
        """The next `count` calls answer as Telegram's edge does on a bad day (telegram_edge)."""
        with self._lock:
            self.faults.append(Fault("edge", count, method, edges=(kind,)))

    def outage(self, seconds: float, kinds: tuple[str, ...] = telegram_edge.MIXED,
               method: str | None = "getUpdates") -> None:
        """For `seconds`, every call of `method` gets the next of `kinds`, in rotation."""
        with self._lock:
            self.faults.append(Fault("edge", 1, method, edges=tuple(kinds),
                                     until=time.monotonic() + seconds))

    def block(self, chat_id: int) -> None:
        with self._lock:
            self.blocked.add(chat_id)

    def _take_fault(self, method: str) -> Fault | None:
        with self._lock:
            now = time.monotonic()
            for fault in list(self.faults):
                if fault.until is not None and now >= fault.until:
                    self.faults.remove(fault)
                    continue
                if fault.method not in (None, method):
                    continue
                if fault.until is not None:
                    fault.taken += 1
                    return fault
                if fault.count > 0:
                    fault.count -= 1
                    if fault.count == 0:
                        self.faults.remove(fault)
                    return fault
        return None

    # -- reading what the bot did -------------------------------------------------

    def calls(self, method: str) -> list[Json]:
        with self._lock:
            return [r for r in self.requests if r["method"] == method]

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                value = predicate()
            if value:
                return value
            time.sleep(0.005)
        raise TimeoutError(f"fake Telegram: condition not met within {timeout} s")

    def wait_sent(self, count: int, timeout: float = 5.0) -> list[Json]:
        """Block until the bot has sent at least `count` messages; returns them all."""
        return list(self.wait_for(lambda: len(self.sent) >= count and self.sent, timeout))

    async def wait_for_async(self, predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                value = predicate()
            if value:
                return value
            await asyncio.sleep(0.005)
        raise TimeoutError(f"fake Telegram: condition not met within {timeout} s")

    async def wait_sent_async(self, count: int, timeout: float = 5.0) -> list[Json]:
        return list(await self.wait_for_async(lambda: len(self.sent) >= count and self.sent,
                                              timeout))

    # -- the Bot API --------------------------------------------------------------

    def bot_user(self, token: str) -> Json:
        bot_id = int(token.split(":", 1)[0])
        return {"id": bot_id, "is_bot": True, "first_name": "Organizer",
                "username": f"organizer_{bot_id}_bot", "can_join_groups": True,
                "can_read_all_group_messages": False, "supports_inline_queries": False}

    def app(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        telegram_control.add_routes(app, self)
        add_send_routes(app, lambda: self.send_limits)
        return app

    async def _params(self, request: web.Request) -> Json:
        params: Json = dict(request.query)
        if request.method == "POST":
            if request.content_type == "application/json":
                body = await request.read()
                params.update(json.loads(body) if body else {})
            else:
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, str):
                        params[key] = value
                    else:  # an uploaded file
                        params[key] = value.file.read()
                        value.file.close()
        for key in _JSON_FIELDS & params.keys():
            if isinstance(params[key], str):
                try:
                    params[key] = json.loads(params[key])
                except ValueError as exc:
                    raise ApiError(400, f"Bad Request: can't parse {key} JSON object") from exc
        return params

    async def _api(self, request: web.Request) -> web.StreamResponse:
        token, method = request.match_info["token"], request.match_info["method"]
        if token not in self.tokens:
            return _envelope_error(ApiError(401, "Unauthorized"))
        try:
            params = await self._params(request)
        except ApiError as exc:
            return _envelope_error(exc)
        with self._lock:
            self.requests.append({"method": method, "params": params, "token": token,
                                  "at": time.perf_counter()})
        fault = self._take_fault(method)
        if fault is not None:
            if fault.kind == "fail":
                return _envelope_error(ApiError(fault.status, _reason(fault.status)))
            if fault.kind == "drop":
                assert request.transport is not None
                request.transport.close()
                return web.Response(status=500)
            elif fault.kind == "edge":
                edge = fault.edges[(fault.taken - 1) % len(fault.edges)] if fault.until \
                    else fault.edges[0]
                return await telegram_edge.answer(edge, request, hang_s=self.edge_hang_s)
            else:
                await asyncio.sleep(fault.seconds)
        if method.lower() == "sendmessage":  # through the send limits and edge faults
            return await self.send_limits.serve(request, params,
                                                lambda: self._answer(token, method, params))
        return await self._answer(token, method, params)

    async def _answer(self, token: str, method: str, params: Json) -> web.Response:
        handler = getattr(self, "_m_" + method.lower(), None)
        if handler is None:
            return _envelope_error(ApiError(404, "Not Found"))
        try:
            result = await handler(token, params)
        except ApiError as exc:
            return _envelope_error(exc)
        return web.json_response({"ok": True, "result": result})

    async def _download(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] not in self.tokens:
            return _envelope_error(ApiError(401, "Unauthorized"))
        path = request.match_info["path"]
        with self._lock:
            found = [content for p, content in self.files.values() if p == path]
        if not found:
            return _envelope_error(ApiError(404, "Not Found"))
        return web.Response(body=found[0], content_type="application/octet-stream")

    async def _m_getme(self, token: str, params: Json) -> Json:
        return self.bot_user(token)

    async def _m_logout(self, token: str, params: Json) -> bool:
        return True

    _m_close = _m_logout
    _m_deletewebhook = _m_logout
    _m_setmycommands = _m_logout
    _m_sendchataction = _m_logout

    async def _m_getupdates(self, token: str, params: Json) -> list[Json]:
        assert self._wakeup is not None and self._closing is not None
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        limit = max(1, min(100, int(params.get("limit") or 100)))
        allowed = params.get("allowed_updates") or None
        previous = self._pollers.pop(token, None)
        if previous is not None and not previous.done():
            previous.set_exception(ApiError(409, CONFLICT))
        me: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pollers[token] = me
        deadline = time.monotonic() + timeout
        try:
            while True:
                found = self._confirm_and_peek(offset, limit, allowed)
                left = deadline - time.monotonic()
                if found or left <= 0 or self._closing.is_set():
                    return found
                self._wakeup.clear()
                waiter = asyncio.ensure_future(self._wakeup.wait())
                closing = asyncio.ensure_future(self._closing.wait())
                done, pending = await asyncio.wait({waiter, closing, me}, timeout=left,
                                                   return_when=asyncio.FIRST_COMPLETED)
                for task in (waiter, closing):
                    task.cancel()
                if me in done:
                    me.result()  # raises the 409 ApiError
        finally:
            if self._pollers.get(token) is me:
                del self._pollers[token]

    def _confirm_and_peek(self, offset: int, limit: int, allowed: list[str] | None) -> list[Json]:
        with self._lock:
            if offset < 0:  # the last -offset updates; everything before them is forgotten
                self.updates = self.updates[offset:]
            elif offset > 0:
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
            chosen = [u for u in self.updates
                      if allowed is None or any(k in u for k in allowed)]
            return [dict(u) for u in chosen[:limit]]

    def _chat_id(self, params: Json) -> int:
        raw = params.get("chat_id")
        try:
            chat_id = int(str(raw))
        except ValueError as exc:
            raise ApiError(400, "Bad Request: chat not found") from exc
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if self.strict_chats and chat_id not in self.known_chats:
            raise ApiError(400, "Bad Request: chat not found")
        return chat_id

    def _check_text(self, params: Json) -> str:
        text = str(params.get("text") or "")
        shown = plain_text(text, params.get("parse_mode"))
        if not shown.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(shown) > MAX_TEXT:
            raise ApiError(400, "Bad Request: message is too long")
        return shown

    async def _m_sendmessage(self, token: str, params: Json) -> Json:
        chat_id = self._chat_id(params)
        text = self._check_text(params)
        chat = (self.private_chat(chat_id) if chat_id > 0
                else {"id": chat_id, "type": "supergroup", "title": "Group"})
        message = self._message(chat, self.bot_user(token), text=text)
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        with self._lock:
            self.messages[(chat_id, message["message_id"])] = message
            self.sent.append(message)
        return message

    def _find(self, params: Json) -> Json:
        chat_id = self._chat_id(params)
        message_id = int(str(params.get("message_id") or 0))
        message = self.messages.get((chat_id, message_id))
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        return message

    async def _m_editmessagetext(self, token: str, params: Json) -> Json:
        with self._lock:
            message = self._find(params)
            text = self._check_text(params)
            markup = params.get("reply_markup")
            if text == message.get("text") and markup == message.get("reply_markup"):
                raise ApiError(400, "Bad Request: message is not modified: specified new message "
                                    "content and reply markup are exactly the same as a current "
                                    "content and reply markup of the message")
            message["text"] = text
            message["edit_date"] = int(time.time())
            if markup:
                message["reply_markup"] = markup
            else:
                message.pop("reply_markup", None)
            return dict(message)

    async def _m_editmessagereplymarkup(self, token: str, params: Json) -> Json:
        with self._lock:
            message = self._find(params)
            markup = params.get("reply_markup")
            if markup == message.get("reply_markup"):
                raise ApiError(400, "Bad Request: message is not modified: specified new message "
                                    "content and reply markup are exactly the same as a current "
                                    "content and reply markup of the message")
            if markup:
                message["reply_markup"] = markup
            else:
                message.pop("reply_markup", None)
            return dict(message)

    async def _m_deletemessage(self, token: str, params: Json) -> bool:
        with self._lock:
            message = self._find(params)
            self.messages.pop((message["chat"]["id"], message["message_id"]), None)
        return True

    async def _m_answercallbackquery(self, token: str, params: Json) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        with self._lock:
            if self.callbacks.get(query_id, True):  # unknown or already answered
                raise ApiError(400, "Bad Request: query is too old and response timeout expired "
                                    "or query ID is invalid")
            self.callbacks[query_id] = True
            self.answers.append(params)
        return True

    async def _m_getfile(self, token: str, params: Json) -> Json:
        file_id = str(params.get("file_id") or "")
        with self._lock:
            found = self.files.get(file_id)
        if found is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        path, content = found
        return {"file_id": file_id, "file_unique_id": "u" + file_id, "file_size": len(content),
                "file_path": path}


def _reason(status: int) -> str:
    return {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
            504: "Gateway Timeout", 429: "Too Many Requests: retry after 1"}.get(status, "Error")


def _envelope_error(exc: ApiError) -> web.Response:
    body: Json = {"ok": False, "error_code": exc.code, "description": exc.description}
    if exc.code == 429:
        body["parameters"] = {"retry_after": 1}
    if exc.parameters:
        body["parameters"] = exc.parameters
    return web.json_response(body, status=exc.code)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="A Bot API compatible test server.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", action="append", required=True,
                        help="a token the server accepts (repeatable)")
    args = parser.parse_args(argv)
    server = FakeTelegram(tokens=args.token, host=args.host, port=args.port)

    async def serve() -> None:
        await server._serve_start()
        loop = server._loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):  # PID 1 in a container ignores SIGTERM
            loop.add_signal_handler(sig, stop.set)
        print(f"fake Telegram Bot API on {server.base_url}", flush=True)
        try:
            await stop.wait()
        finally:
            await server._serve_stop()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
