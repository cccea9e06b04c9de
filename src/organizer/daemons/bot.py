"""The Telegram bot daemon: long polling on TELEGRAM_API_BASE, off without a token.

aiogram is imported only inside `serve` (it costs seconds), never on CLI help paths.
"""

from __future__ import annotations

import asyncio

from organizer.settings import Settings


def off_reason(settings: Settings) -> str | None:
    """Why the bot is off by configuration, or None when it should run."""
    if not settings.telegram_bot_token:
        return "TELEGRAM_BOT_TOKEN is not set"
    return None


async def serve(settings: Settings, stop: asyncio.Event) -> None:
    """Poll Telegram and answer until `stop` is set."""
    from organizer.bot.service import run_bot

    await run_bot(settings, stop)
