"""Reply texts from the canon's templates, and dates and times shown in the user's zone.

Texts the canon does not (yet) have — button labels — fall back to built-in
wording, so a canon edit can take them over without a code change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

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
_WEEKDAYS = {"ru": ("пн", "вт", "ср", "чт", "пт", "сб", "вс"),
             "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}


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


def local_due(task: dict[str, Any], tz: str) -> tuple[date | None, time | None]:
    """The task's due date and time as seen in zone `tz`."""
    if task.get("due_at"):
        instant = datetime.strptime(task["due_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        try:
            local = instant.astimezone(ZoneInfo(tz))
        except OverflowError:  # the last hours of 9999 seen from east of UTC: as written
            return date.fromisoformat(task["due_date"]), time.fromisoformat(task["due_time"])
        return local.date(), local.time().replace(second=0, microsecond=0)
    if task.get("due_date"):
        return date.fromisoformat(task["due_date"]), None
    return None, None


def when_text(day: date | None, at: time | None, lang: str, today: date) -> str:
    """"завтра в 10:00", "пт 15.03 в 18:30", "today at 09:00" — or "" with no date."""
    if day is None:
        return ""
    ru = lang != "en"
    if day == today:
        label = "сегодня" if ru else "today"
    elif day == today + timedelta(days=1):
        label = "завтра" if ru else "tomorrow"
    elif day == today - timedelta(days=1):
        label = "вчера" if ru else "yesterday"
    else:
        weekday = _WEEKDAYS["ru" if ru else "en"][day.weekday()]
        label = f"{weekday} {day:%d.%m}" + ("" if day.year == today.year else f".{day.year}")
    if at is None:
        return label
    return f"{label} {'в' if ru else 'at'} {at:%H:%M}"


def task_when(task: dict[str, Any], tz: str, lang: str, now: datetime) -> str:
    day, at = local_due(task, tz)
    return when_text(day, at, lang, now.astimezone(ZoneInfo(tz)).date())


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
