"""The bot's reply ledger: which Telegram updates were already answered (`bot_replies`)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from organizer.store.db import transaction


def replied(conn: sqlite3.Connection, key: str) -> bool:
    row = conn.execute("SELECT 1 FROM bot_replies WHERE key = ?", (key,)).fetchone()
    return row is not None


def record(conn: sqlite3.Connection, key: str, chat_id: int | None,
           message_id: int | None) -> None:
    """Record that `key`'s reply was sent (the first record of a key stands)."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    with transaction(conn):
        conn.execute(
            "INSERT INTO bot_replies (key, chat_id, message_id, replied_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(key) DO NOTHING",
            (key, chat_id, message_id, stamp),
        )
