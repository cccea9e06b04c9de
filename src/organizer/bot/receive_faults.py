"""What a failed getUpdates means: wait and retry, wait as told, or stop receiving.

Telegram's edge answers HTML pages, empty bodies and cut connections during
incidents; aiogram turns those into `ClientDecodeError` or `TelegramNetworkError`,
not only `TelegramServerError`. Everything is therefore transient except what
Telegram says about the token itself: 401 (revoked or wrong) and 404 (the bot
was deleted, or the token names no bot) stop receiving, since no retry can fix
them. A 409 is a second instance polling the same token.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import Any

from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramConflictError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)

TRANSIENT, RETRY_AFTER, CONFLICT, FATAL = "transient", "retry_after", "conflict", "fatal"
_TITLE = re.compile(r"<title>\s*([^<]{1,80}?)\s*</title>", re.IGNORECASE)


@dataclass(frozen=True)
class Fault:
    """One failed receive: its kind, a short token-free cause, and how long Telegram asks to wait."""

    kind: str
    cause: str
    wait_s: float | None = None


def classify(exc: BaseException) -> Fault:
    """Map whatever getUpdates raised onto what the loop should do about it."""
    if isinstance(exc, TelegramUnauthorizedError):
        return Fault(FATAL, "Telegram rejected TELEGRAM_BOT_TOKEN (401 Unauthorized): the token "
                            "was revoked or is wrong; get the current one from @BotFather")
    if isinstance(exc, TelegramNotFound):
        return Fault(FATAL, "Telegram knows no bot with TELEGRAM_BOT_TOKEN (404 Not Found): the "
                            "bot was deleted or the token is wrong; check it with @BotFather")
    if isinstance(exc, TelegramConflictError):
        return Fault(CONFLICT, f"conflict: {exc.message}")
    if isinstance(exc, TelegramRetryAfter):
        return Fault(RETRY_AFTER, f"429 Too Many Requests (retry after {exc.retry_after} s)",
                     float(exc.retry_after))
    if isinstance(exc, ClientDecodeError):
        status = getattr(exc, "status_code", None)
        said = _undecodable(exc.data)
        return Fault(TRANSIENT, said if status is None or str(status) in said
                     else f"{status} with {said}")
    if isinstance(exc, TelegramNetworkError):
        return Fault(TRANSIENT, f"network: {exc.message}")
    if isinstance(exc, TelegramAPIError):
        return Fault(TRANSIENT, exc.message)
    if isinstance(exc, asyncio.TimeoutError | TimeoutError):
        return Fault(TRANSIENT, "no answer in time")
    return Fault(TRANSIENT, f"{type(exc).__name__}: {exc}"[:200])


def _undecodable(data: object) -> str:
    """An answer that is not the Bot API's JSON, described by its HTML title or its shape."""
    text = data if isinstance(data, str) else ""
    if not text.strip():
        return "an empty answer" if isinstance(data, str) else "an answer of the wrong shape"
    found = _TITLE.search(text)
    if found:
        return found.group(1)
    return "an answer that is not JSON" if not text.lstrip().startswith("{") \
        else "a cut-off JSON answer"


class EdgeSession(AiohttpSession):
    """aiogram's session, keeping the HTTP status on an answer it could not decode."""

    def check_response(self, bot: Any, method: Any, status_code: int, content: str) -> Any:
        try:
            return super().check_response(bot, method, status_code, content)
        except ClientDecodeError as exc:
            exc.status_code = status_code  # type: ignore[attr-defined]
            raise
