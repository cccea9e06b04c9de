"""One sendMessage through the Bot API, and what every answer of Telegram's edge means.

The URL carries the token, so neither it nor httpx's messages (which quote the
URL) are ever logged or raised: only the error's class and the HTTP status.

Answers, as the adapter reads them:
* 200 with `ok: true` — sent.
* 200 whose body is not the JSON it should be (truncated, HTML) — Telegram took
  the request, so the message counts as sent (`send` returns False).
* A read timeout after the request went out — maybe sent: counted as sent,
  because a second message is worse than none when the first most likely arrived.
* 429 — wait `parameters.retry_after` (RETRY_AFTER_S when missing) and send again.
* 5xx with any body (JSON, nginx's HTML page, nothing), a cut connection, a
  refused connection, a DNS failure, a connect timeout — not sent; try again
  after `SEND_BACKOFF.delay(n)`.
* 401 / 404 — the token is revoked or the bot deleted: a configuration failure
  (`SendFailed.config`); trying again does not help until the setting is fixed.
* other 4xx (blocked chat, bad text) — this message can never be sent.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import httpx

from organizer.backoff import Backoff
from organizer.errors import OrganizerError
from organizer.telegram.pacing import Pacer

TIMEOUT = httpx.Timeout(10.0, connect=5.0)
RETRY_AFTER_S = 5.0      # a 429 that does not say how long
SEND_BACKOFF = Backoff(first=1.0, cap=30.0, jitter=(0.75, 1.25), clip=True)
CONFIG_RETRY_S = 60.0    # how often a bot with a revoked token tries again
_DESCRIPTION_MAX = 200


class SendFailed(OrganizerError):
    """Telegram did not take the message.

    `retry_after`: seconds after which the same message may be tried again (None:
    never, this message is refused); `config`: the bot itself is unusable (401/404)
    until TELEGRAM_BOT_TOKEN is fixed; `flood`: the server asked to slow down.
    """

    def __init__(self, message: str, retry_after: float | None, *, config: bool = False,
                 flood: bool = False) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.config = config
        self.flood = flood


class BotSender:
    """`send(chat_id, text, markup)`: paced, one attempt; True when sent, False when maybe sent."""

    def __init__(self, api_base: str, token: str, client: httpx.Client | None = None, *,
                 pacer: Pacer | None = None, timeout: httpx.Timeout = TIMEOUT) -> None:
        self.url = f"{api_base.rstrip('/')}/bot{token}/sendMessage"
        self.client = client or httpx.Client(timeout=timeout)
        self.pacer = pacer or Pacer()
        self.failures = 0  # failed attempts in a row, for the backoff

    def chat_delay(self, chat_id: int) -> float:
        return self.pacer.chat_delay(chat_id)

    def send(self, chat_id: int, text: str, markup: dict[str, Any] | None = None) -> bool:
        payload: dict[str, Any] = {"chat_id": chat_id, "text": text}
        if markup:
            payload["reply_markup"] = markup
        self.pacer.take(chat_id)
        try:
            sent = self._post(payload)
        except SendFailed as exc:
            if exc.flood and exc.retry_after is not None:
                self.pacer.hold(chat_id, exc.retry_after)
            elif exc.retry_after is not None or exc.config:
                self.failures += 1
            raise
        self.failures = 0
        return sent

    def deliver(self, chat_id: int, text: str, markup: dict[str, Any] | None = None, *,
                attempts: int = 3, wait: Callable[[float], None] = time.sleep,
                max_wait: float = 5.0) -> bool:
        """`send` with up to `attempts` tries for faults worth retrying; waits at most `max_wait`."""
        for attempt in range(1, attempts + 1):
            try:
                return self.send(chat_id, text, markup)
            except SendFailed as exc:
                if exc.retry_after is None or exc.config or attempt == attempts:
                    raise
                wait(min(max_wait, exc.retry_after if exc.flood else
                          replace(SEND_BACKOFF, first=0.5, cap=max_wait).delay(self.failures)))
        raise AssertionError("unreachable")  # the loop returns or raises

    def _post(self, payload: dict[str, Any]) -> bool:
        try:
            response = self.client.post(self.url, json=payload)
        except httpx.ReadTimeout:
            return False  # it was sent; whether it arrived is unknown — do not send twice
        except httpx.HTTPError as exc:
            raise SendFailed(f"Telegram unreachable ({_kind(exc)})",
                             SEND_BACKOFF.delay(self.failures + 1)) from None
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            answer = None
        status = response.status_code
        if status == 200:
            # a body that was cut or is not JSON still means Telegram took the request
            return answer is not None and bool(answer.get("ok"))
        said = str((answer or {}).get("description") or response.reason_phrase)
        said = said[:_DESCRIPTION_MAX]
        if status == 429:
            params = (answer or {}).get("parameters") or {}
            after = _seconds(params.get("retry_after") if isinstance(params, dict) else None)
            after = RETRY_AFTER_S if after is None else after
            raise SendFailed(f"Telegram asks to wait {after:.0f} s (429)", after, flood=True)
        if status == 401:
            raise SendFailed("Telegram answered 401 Unauthorized: the bot token was revoked or "
                             "is wrong; set TELEGRAM_BOT_TOKEN to the token @BotFather gives",
                             CONFIG_RETRY_S, config=True)
        if status == 404:
            raise SendFailed("Telegram answered 404 Not Found: the bot was deleted or "
                             "TELEGRAM_API_BASE is wrong; check both settings",
                             CONFIG_RETRY_S, config=True)
        if status >= 500 or answer is None:
            raise SendFailed(f"Telegram answered {status}{_phrase(answer, response)}",
                             SEND_BACKOFF.delay(self.failures + 1))
        raise SendFailed(f"Telegram refused the message: {status} {said}", None)

    def close(self) -> None:
        self.client.close()


def _kind(exc: httpx.HTTPError) -> str:
    if isinstance(exc, httpx.ConnectTimeout):
        return "connect timeout"
    if isinstance(exc, httpx.ConnectError):
        return "cannot connect: DNS failure or refused"
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError)):
        return "connection cut"
    return type(exc).__name__


def _phrase(answer: dict[str, Any] | None, response: httpx.Response) -> str:
    if answer is not None and answer.get("description"):
        return f" {str(answer['description'])[:_DESCRIPTION_MAX]}"
    return f" {response.reason_phrase}" if response.reason_phrase else ""


def _seconds(raw: object) -> float | None:
    try:
        value = float(str(raw))
    except ValueError:
        return None
    return value if 0 <= value <= 3600 else None
