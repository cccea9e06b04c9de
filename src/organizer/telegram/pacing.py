"""Telegram's send limits kept by queueing: a per-bot interval and a per-chat next-allowed time.

Telegram answers 429 to a bot that sends more than about 30 messages a second
overall or more than one a second to one chat. The pacer spaces messages a
little wider than that (PER_S, PER_CHAT_S), so the server's limit is never hit
even with network jitter; a 429 that comes all the same holds the chat and the
bot for the time the server asked (`hold`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

PER_S = 29.0        # messages a second for the whole bot (Telegram: about 30)
PER_CHAT_S = 1.05   # seconds between two messages to one chat (Telegram: 1)


class Pacer:
    """`take(chat)` blocks until a message to `chat` may go; `chat_delay` says how long that is."""

    def __init__(self, per_s: float = PER_S, per_chat_s: float = PER_CHAT_S, *,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.interval = 1.0 / per_s
        self.per_chat_s = per_chat_s
        self.clock = clock
        self.sleep = sleep
        self.next_any = 0.0
        self.next_chat: dict[int, float] = {}
        self.lock = threading.Lock()

    def chat_delay(self, chat_id: int) -> float:
        """Seconds until `chat` may get its next message (0.0: now)."""
        with self.lock:
            return max(0.0, self.next_chat.get(chat_id, 0.0) - self.clock())

    def take(self, chat_id: int) -> None:
        """Wait for this chat's and the bot's next slot, then claim both."""
        while True:
            with self.lock:
                now = self.clock()
                ready = max(self.next_any, self.next_chat.get(chat_id, 0.0))
                if ready <= now:
                    self.next_any = max(now, self.next_any) + self.interval
                    self.next_chat[chat_id] = now + self.per_chat_s
                    if len(self.next_chat) > 10_000:
                        self.next_chat = {c: t for c, t in self.next_chat.items() if t > now}
                    return
            self.sleep(ready - now)

    def hold(self, chat_id: int | None, seconds: float) -> None:
        """The server asked to wait: nothing to `chat` (or to anyone when None) for `seconds`."""
        with self.lock:
            until = self.clock() + seconds
            if chat_id is not None:
                self.next_chat[chat_id] = max(self.next_chat.get(chat_id, 0.0), until)
            self.next_any = max(self.next_any, until)
