"""Reply texts from the canon's templates (dates and times in words: organizer.wording).

Texts the canon does not (yet) have — button labels — fall back to built-in
wording, so a canon edit can take them over without a code change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from organizer.canon import Canon

MAX_MESSAGE = 4096
_BUILTIN = {
    "button_done": {"ru": "✅ Готово", "en": "✅ Done"},
    "button_cancel": {"ru": "🗑 Отменить", "en": "🗑 Cancel"},
    "button_alternative": {"ru": "↪ {alternative}", "en": "↪ {alternative}"},
    "start_id": {"ru": "Ваш Telegram id: {user_id}", "en": "Your Telegram id: {user_id}"},
    "edited_ignored": {"ru": "Исправления сообщений я не применяю — напишите заново.",
                       "en": "I don't apply edits to messages — please send it again."},
}


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
    """The canon's template `key` in `lang`, or the built-in wording for keys it lacks."""
    try:
        return str(canon.reply(key, lang, **values))
    except KeyError:
        builtin = _BUILTIN.get(key)
        if builtin is None:
            raise
        return builtin.get(lang, builtin["ru"]).format(**values)


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
