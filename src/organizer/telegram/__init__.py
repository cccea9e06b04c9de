"""Sending to Telegram without a bot framework: one httpx adapter for the worker and ops.

`BotSender.send` paces every message inside Telegram's limits (Pacer: about 30
messages/s per bot, 1/s per chat — by waiting, never by dropping) and makes one
attempt, classifying every answer a Bot API edge can give (SendFailed says
whether and when trying again makes sense); `BotSender.deliver` adds capped,
jittered retries for a one-off message such as the daily check's summary.
"""

from organizer.telegram.pacing import Pacer
from organizer.telegram.sender import BotSender, SendFailed

__all__ = ["BotSender", "Pacer", "SendFailed"]
