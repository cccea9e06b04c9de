"""A fake ASR service on 127.0.0.1 speaking the DESIGN.md contract.

`GET /health` → 200 `{"status": "ok"}` (503 when `healthy=False`);
`POST /asr`, multipart field `file` (OGG/Opus as Telegram sends it) and optional
`lang` → `{"text": ..., "lang": ...}`. The text is `transcripts[audio bytes]`
if known, else `default_text`. `delay` makes it slow; `fail_status` makes it
answer an error. Every request is recorded in `requests` (file bytes, lang).

    with FakeAsr(transcripts={b"OggS1": "завтра в 10 позвонить маме"}) as asr:
        asr.base_url   # -> ASR_SERVICE_URL

Standalone: `python -m tests.fakes.asr_server --port 8090 --text "купить хлеб"`.
"""

from __future__ import annotations

import argparse
import asyncio
import threading
import time
from typing import Any

from aiohttp import web


class FakeAsr:
    def __init__(self, transcripts: dict[bytes, str] | None = None,
                 default_text: str = "купить хлеб", host: str = "127.0.0.1",
                 port: int = 0) -> None:
        self.transcripts = dict(transcripts or {})
        self.default_text = default_text
        self.host, self.port = host, port
        self.delay = 0.0
        self.healthy = True
        self.fail_status: int | None = None
        self.requests: list[dict[str, Any]] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/health", self._health)
        app.router.add_post("/asr", self._asr)
        return app

    async def _health(self, request: web.Request) -> web.Response:
        if not self.healthy:
            return web.json_response({"status": "fail"}, status=503)
        return web.json_response({"status": "ok"})

    async def _asr(self, request: web.Request) -> web.Response:
        form = await request.post()
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            return web.json_response({"error": "multipart field 'file' is required"}, status=422)
        audio = upload.file.read()
        upload.file.close()
        lang = form.get("lang")
        self.requests.append({"file": audio, "filename": upload.filename, "lang": lang,
                              "at": time.perf_counter()})
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.fail_status:
            return web.json_response({"error": "failed"}, status=self.fail_status)
        text = self.transcripts.get(audio, self.default_text)
        return web.json_response({"text": text, "lang": lang or "ru"})

    async def _start(self) -> None:
        self._runner = web.AppRunner(self.app(), access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        self.port = self._runner.addresses[0][1]

    def start(self) -> FakeAsr:
        ready = threading.Event()

        def run() -> None:
            loop = self._loop = asyncio.new_event_loop()
            loop.run_until_complete(self._start())
            ready.set()
            loop.run_forever()
            assert self._runner is not None
            loop.run_until_complete(self._runner.cleanup())
            loop.close()

        self._thread = threading.Thread(target=run, daemon=True, name="fake-asr")
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("fake ASR did not start")
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._loop = self._thread = None

    def __enter__(self) -> FakeAsr:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description="A fake ASR service.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--text", default="купить хлеб")
    args = parser.parse_args()
    server = FakeAsr(default_text=args.text, host=args.host, port=args.port)
    web.run_app(server.app(), host=args.host, port=args.port, print=None)


if __name__ == "__main__":
    main()
