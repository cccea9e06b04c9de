"""The Telegram bot daemon: long polling on TELEGRAM_API_BASE, off without a token.

aiogram is imported only inside `serve` (it costs seconds), never on CLI help paths.
"""

from __future__ import annotations

import asyncio
import importlib

from organizer.settings import Settings


def off_reason(settings: Settings) -> str | None:
    """Why the bot is off by configuration, or None when it should run."""
    return settings.bot_off_reason


async def serve(settings: Settings, stop: asyncio.Event) -> None:
    """Poll Telegram and answer until `stop` is set."""
    # aiogram's import takes seconds; in a thread it does not hold up the other
    # daemons of `organizer run` (the api's /health) on the shared event loop.
    service = await asyncio.to_thread(importlib.import_module, "organizer.bot.service")
    await service.run_bot(settings, stop)
