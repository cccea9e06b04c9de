"""Which updates the bot has already answered, so a redelivered update is not answered twice.

The state change itself is made exactly once by the idempotency key of its
command; this ledger only suppresses the duplicate reply. A reply is recorded
right after Telegram accepted it: a crash before that means the reply is sent
again on redelivery (at least once), never lost.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from organizer.store.db import transaction


def update_key(bot_id: int, update_id: int) -> str:
    """The idempotency key of everything one Telegram update causes."""
    return f"tg:{bot_id}:{update_id}"


def replied(conn: sqlite3.Connection, key: str) -> bool:
    row = conn.execute("SELECT 1 FROM bot_replies WHERE key = ?", (key,)).fetchone()
    return row is not None


def record(conn: sqlite3.Connection, key: str, chat_id: int | None,
           message_id: int | None) -> None:
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    with transaction(conn):
        conn.execute(
            "INSERT INTO bot_replies (key, chat_id, message_id, replied_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(key) DO NOTHING",
            (key, chat_id, message_id, stamp),
        )
