"""Send the daily check's summary to the admin chat through the Bot API.

The token is part of the URL; it never appears in what this module prints or
raises (httpx errors carry the URL, so only their class and status are kept).
"""

from __future__ import annotations

from organizer.errors import ConfigError, OrganizerError
from organizer.ops.model import CheckResult
from organizer.settings import Settings

MAX_TEXT = 4000


class NotifyError(OrganizerError):
    """The summary could not be delivered to the admin chat."""


def summary(title: str, results: list[CheckResult]) -> str:
    lines = [title]
    lines += [f"{r.status.value} {r.label}: {r.reason}" for r in results]
    text = "\n".join(lines)
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def send(settings: Settings, text: str, timeout: float = 10.0) -> None:
    """sendMessage to OPS_ADMIN_CHAT_ID; NotifyError / ConfigError with a token-free reason."""
    import httpx

    if not settings.telegram_bot_token:
        raise ConfigError("--notify needs TELEGRAM_BOT_TOKEN; set it or drop --notify")
    if settings.ops_admin_chat_id is None:
        raise ConfigError("--notify needs OPS_ADMIN_CHAT_ID (the admin's chat id); set it")
    url = f"{settings.telegram_api_base.rstrip('/')}/bot{settings.telegram_bot_token}/sendMessage"
    try:
        response = httpx.post(url, data={"chat_id": str(settings.ops_admin_chat_id),
                                         "text": text}, timeout=timeout)
    except httpx.HTTPError as exc:
        raise NotifyError(f"Bot API not reachable ({type(exc).__name__})") from None
    if response.status_code != 200:
        try:
            said = str(response.json().get("description", ""))
        except ValueError:
            said = ""
        raise NotifyError(f"Bot API answered {response.status_code} {said}".rstrip())
