"""Send the daily check's summary to the admin chat through the Bot API.

The sending is the worker's adapter (organizer.telegram.BotSender): the same
fault handling and pacing; the token never appears in what this module raises.
"""

from __future__ import annotations

from organizer.errors import ConfigError, OrganizerError
from organizer.ops.model import CheckResult
from organizer.settings import Settings

MAX_TEXT = 4000
ATTEMPTS = 3  # a one-off message: a few short retries, then one line


class NotifyError(OrganizerError):
    """The summary could not be delivered to the admin chat."""


def summary(title: str, results: list[CheckResult]) -> str:
    lines = [title]
    lines += [f"{r.status.value} {r.label}: {r.reason}" for r in results]
    text = "\n".join(lines)
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def send(settings: Settings, text: str, timeout: float = 10.0) -> None:
    """sendMessage to OPS_ADMIN_CHAT_ID through the shared adapter (organizer.telegram), with a
    few short retries; NotifyError / ConfigError with a token-free one-line reason."""
    import httpx

    from organizer.bootstrap import bootstrap
    from organizer.telegram import SendFailed

    if not settings.telegram_bot_token:
        raise ConfigError("--notify needs TELEGRAM_BOT_TOKEN; set it or drop --notify")
    if settings.ops_admin_chat_id is None:
        raise ConfigError("--notify needs OPS_ADMIN_CHAT_ID (the admin's chat id); set it")
    sender = bootstrap(settings).telegram_sender(
        timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)))
    try:
        sender.deliver(settings.ops_admin_chat_id, text, attempts=ATTEMPTS)
    except SendFailed as exc:
        raise NotifyError(f"the summary was not sent: {exc}") from None
    finally:
        sender.close()
