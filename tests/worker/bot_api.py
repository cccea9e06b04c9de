"""Just enough of the Telegram Bot API for the worker's reminders: `sendMessage`.

It checks what the real API checks for this call (the token in the path, a
chat id, a text, well-formed inline buttons with callback data of at most 64
bytes) and answers in the Bot API's envelope. `fail(code, times)` makes the
next calls answer with an error as Telegram does (429 carries retry_after).
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOKEN = "123456789:AAreminder-test-token-0123456789ab"


class BotApi:
    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self.failures: list[int] = []
        self.lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, answer = api.handle(self.path, json.loads(raw or b"{}"))
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def fail(self, code: int, times: int = 1) -> None:
        with self.lock:
            self.failures.extend([code] * times)

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def handle(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if path != f"/bot{TOKEN}/sendMessage":
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        with self.lock:
            code = self.failures.pop(0) if self.failures else None
        if code == 429:
            return 429, {"ok": False, "error_code": 429,
                         "description": "Too Many Requests: retry after 3",
                         "parameters": {"retry_after": 3}}
        if code is not None:
            description = {400: "Bad Request: chat not found",
                           403: "Forbidden: bot was blocked by the user"}.get(code, "Internal")
            return code, {"ok": False, "error_code": code, "description": description}
        if not isinstance(body.get("chat_id"), int) or not body.get("text"):
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request"}
        for row in body.get("reply_markup", {}).get("inline_keyboard", []):
            for button in row:
                if len(button["callback_data"].encode()) > 64 or not button["text"]:
                    return 400, {"ok": False, "error_code": 400,
                                 "description": "Bad Request: BUTTON_DATA_INVALID"}
        with self.lock:
            self.messages.append(body)
            message_id = len(self.messages)
        return 200, {"ok": True, "result": {"message_id": message_id,
                                             "chat": {"id": body["chat_id"], "type": "private"},
                                             "date": 0, "text": body["text"]}}
