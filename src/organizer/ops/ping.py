"""The dead-man's switch: ping OPS_PING_URL in the healthchecks.io protocol.

`GET URL/start` when a daily check begins, `POST URL` with the summary on OK
(WARN counts as OK), `POST URL/fail` with the summary on FAIL. When the pings
stop coming, the monitoring service tells someone: a dead box cannot say so
itself. A ping that fails (refused, timeout, 5xx) is logged once per check and
never changes the check's outcome. The URL carries the check's uuid, so it is
never logged: a failure names the step and the error class only.
"""

from __future__ import annotations

import logging

from organizer.ops.model import Status

log = logging.getLogger("organizer.ops.ping")
TIMEOUT_S = 5.0
MAX_BODY = 10_000  # healthchecks.io keeps the first 10 kB of a ping body


class Pinger:
    """One daily check's pings; a no-op without a URL."""

    def __init__(self, url: str | None, timeout: float = TIMEOUT_S) -> None:
        self.url = url.rstrip("/") if url else None
        self.timeout = timeout
        self.failed: str | None = None  # the first failure, as logged

    def start(self) -> None:
        self._ping("GET", "/start", None)

    def finish(self, status: Status, summary: str) -> None:
        self._ping("POST", "/fail" if status is Status.FAIL else "", summary)

    def _ping(self, method: str, suffix: str, body: str | None) -> None:
        import httpx

        if self.url is None:
            return
        data = body.encode("utf-8")[:MAX_BODY] if body is not None else None
        try:
            response = httpx.request(method, self.url + suffix, content=data,
                                     timeout=self.timeout)
            if response.status_code >= 400:
                self._failed(suffix, f"HTTP {response.status_code}")
        except httpx.HTTPError as exc:
            self._failed(suffix, type(exc).__name__)

    def _failed(self, suffix: str, why: str) -> None:
        step = {"/start": "start", "/fail": "fail", "": "success"}[suffix]
        if self.failed is None:
            self.failed = f"{step}: {why}"
            log.warning("OPS_PING_URL %s ping failed (%s); the daily check goes on",
                        step, why)
