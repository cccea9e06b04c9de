"""The reads the morning digest needs: who has one, and whether a day's digest is done.

Both are plain reads of the `users` projection and of the idempotency keys the digest
records (`digest:<user>:<local date>`), kept here with the rest of the store's SQL.
"""

from __future__ import annotations

import sqlite3
from typing import NamedTuple


class DigestReader(NamedTuple):
    """A person with a digest time, and what is needed to word it for them."""

    user_id: str
    at: str  # "HH:MM" in their zone
    always: bool
    tz: str | None
    lang: str | None
    tg_lang: str | None
    since: str | None  # when the digest was set: the event's UTC stamp


def readers(conn: sqlite3.Connection) -> list[DigestReader]:
    """Everyone whose digest is on, by id."""
    rows = conn.execute(
        "SELECT id, digest_at, digest_always, tz, lang, tg_lang, digest_since FROM users "
        "WHERE digest_at IS NOT NULL ORDER BY id").fetchall()
    return [DigestReader(str(uid), at, bool(always), tz, lang, tg_lang, since)
            for uid, at, always, tz, lang, tg_lang, since in rows]


def done_keys(conn: sqlite3.Connection, keys: list[str]) -> set[str]:
    """Which of `keys` are already recorded (a digest sent or skipped for that day)."""
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        part = keys[start : start + 500]
        found.update(row[0] for row in conn.execute(
            f"SELECT key FROM idempotency_keys WHERE key IN ({','.join('?' * len(part))})",
            part))
    return found
