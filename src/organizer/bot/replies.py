"""Reply texts from the canon's templates (dates, times and rules in words: organizer.wording)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from organizer.canon import Canon
    from organizer.store.views import TaskView

MAX_MESSAGE = 4096
# InvalidTransition.status -> the canon's refused.<key>: a change the task's state forbids
_REFUSED = {"done": "already_done", "cancelled": "cancelled", "open": "already_open"}


@dataclass(frozen=True)
class Button:
    label: str
    data: str  # callback data, at most 64 bytes


@dataclass(frozen=True)
class Reply:
    """What the bot says: text, inline buttons (rows), and a short callback answer."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    answer: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def say(canon: Canon, key: str, lang: str, **values: Any) -> str:
    """The canon's template `key` in `lang` (KeyError naming a key the canon lacks)."""
    return canon.reply(key, lang, **values)


def refusal(canon: Canon, exc: Exception, task: TaskView, lang: str) -> str:
    """Why a change to `task` did not apply: in the person's language when it is the task's
    state (a second press of Done), else the error's own line."""
    key = _REFUSED.get(getattr(exc, "status", ""))
    if key is None:
        return str(exc)
    return say(canon, f"refused.{key}", lang, number=task.number, title=task.title)


def chunks(text: str, size: int = MAX_MESSAGE) -> list[str]:
    """Split a reply into Telegram-sized messages, preferring line breaks."""
    parts: list[str] = []
    while len(text) > size:
        cut = text.rfind("\n", 0, size)
        cut = cut if cut > size // 2 else size
        parts.append(text[:cut])
        text = text[cut:].lstrip("\n") if cut < size else text[cut:]
    parts.append(text)
    return [p for p in parts if p] or [text]
