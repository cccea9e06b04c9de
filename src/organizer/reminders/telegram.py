"""Sending one message through the Bot API: a single POST, no bot framework.

aiogram costs about 165 MB in a process; the worker sends reminders with one
httpx POST to `{TELEGRAM_API_BASE}/bot<token>/sendMessage` instead. The URL
carries the token, so neither it nor httpx's messages are ever logged.
"""

from __future__ import annotations

from typing import Any

import httpx

from organizer.errors import OrganizerError

TIMEOUT = httpx.Timeout(10.0, connect=5.0)


class SendFailed(OrganizerError):
    """Telegram did not take the message; `retry_after` when trying again makes sense."""

    def __init__(self, message: str, retry_after: float | None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TelegramSender:
    """`send(chat_id, text, markup)`; True when sent, False when the answer never came."""

    def __init__(self, api_base: str, token: str, client: httpx.Client | None = None) -> None:
        self.url = f"{api_base.rstrip('/')}/bot{token}/sendMessage"
        self.client = client or httpx.Client(timeout=TIMEOUT)

    def send(self, chat_id: int, text: str, markup: dict[str, Any]) -> bool:
        payload = {"chat_id": chat_id, "text": text, "reply_markup": markup}
        try:
            response = self.client.post(self.url, json=payload)
        except httpx.ReadTimeout:
            return False  # it was sent; whether it arrived is unknown — do not send twice
        except httpx.HTTPError as exc:
            raise SendFailed(f"Telegram unreachable ({type(exc).__name__})", 5.0) from None
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        if response.status_code == 200 and answer.get("ok"):
            return True
        description = str(answer.get("description", response.reason_phrase))[:200]
        if response.status_code == 429:
            after = float((answer.get("parameters") or {}).get("retry_after", 5))
            raise SendFailed(f"Telegram asks to wait {after:.0f} s", after)
        if response.status_code >= 500:
            raise SendFailed(f"Telegram answered {response.status_code}", 5.0)
        raise SendFailed(f"Telegram refused the message: {response.status_code} {description}",
                         None)

    def close(self) -> None:
        self.client.close()
