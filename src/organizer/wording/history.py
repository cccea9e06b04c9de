"""A task's history in words: one line per change, "7 дек 19:02 — перенесено с 8 дек 10:00 на
9 дек 11:00 (ответом на напоминание)", in the person's zone and language (the words: the
canon's `words.history`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from organizer.domain.history import Change
from organizer.wording.words import HasWords, names, word


def moment_text(canon: HasWords, stamp: str, tz: str, lang: str) -> str:
    """When an event was recorded (a UTC stamp), in zone `tz`: "7 дек 19:02"."""
    instant = datetime.strptime(stamp[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
    local = instant.astimezone(ZoneInfo(tz))
    return word(canon, "history.moment", lang, day=local.day, time=f"{local:%H:%M}",
                month=names(canon, "history.months_short", lang)[local.month - 1])


def due_text(canon: HasWords, due_date: str | None, due_time: str | None, lang: str) -> str:
    """A due date as the task keeps it: "8 дек 10:00", "8 дек", or "без срока"."""
    if not due_date:
        return word(canon, "history.no_date", lang)
    day = date.fromisoformat(due_date)
    month = names(canon, "history.months_short", lang)[day.month - 1]
    if due_time:
        return word(canon, "history.moment", lang, day=day.day, month=month, time=due_time)
    return word(canon, "history.day", lang, day=day.day, month=month)


def change_line(canon: HasWords, change: Change, tz: str, lang: str) -> str:
    """One change in words: when, what (words.history.what.<what>) and by what
    (words.history.via.<via>)."""
    values = change.values
    what_key, via_key = "history.what." + change.what, "history.via." + change.via
    what = word(canon, what_key, lang,
                title=values.get("title"), previous_title=values.get("previous_title"),
                text=values.get("text"),
                **{"from": due_text(canon, values.get("from_date"), values.get("from_time"), lang),
                   "to": due_text(canon, values.get("to_date"), values.get("to_time"), lang)})
    via = word(canon, via_key, lang) if change.via else ""
    return word(canon, "history.line", lang, at=moment_text(canon, change.at, tz, lang),
                what=what, via=via)


def history_lines(canon: HasWords, changes: Iterable[Change], tz: str, lang: str) -> list[str]:
    """One line per change, oldest first."""
    return [change_line(canon, change, tz, lang) for change in changes]
