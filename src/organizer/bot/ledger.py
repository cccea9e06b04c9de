"""Which updates the bot has already answered, so a redelivered update is not answered twice.

The state change itself is made exactly once by the idempotency key of its
command; this ledger only suppresses the duplicate reply. A reply is recorded
right after Telegram accepted it: a crash before that means the reply is sent
again on redelivery (at least once), never lost.
"""

from __future__ import annotations

from organizer.store.replies import record, replied

__all__ = ["record", "replied", "update_key"]


def update_key(bot_id: int, update_id: int) -> str:
    """The idempotency key of everything one Telegram update causes."""
    return f"tg:{bot_id}:{update_id}"
