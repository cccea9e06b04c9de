"""Turning the operator's free text into commands, with the same parser the bot uses."""

from __future__ import annotations

from datetime import date, datetime, time

from organizer.domain.commands import AddTask
from organizer.errors import DomainError
from organizer.settings import Settings


def _parse(text: str, settings: Settings, now: datetime, *,  # type: ignore[no-untyped-def]
           when_only: bool = False):
    from organizer.canon import load_canon
    from organizer.parsing import parse, parse_when

    read = parse_when if when_only else parse
    return read(text, now, settings.default_tz, load_canon(settings.canon_path))


def read_task(text: str, owner: str, settings: Settings, *, now: datetime) -> AddTask:
    """An AddTask from text such as "завтра в 10 позвонить маме"; text that asks for
    repetition ("каждый понедельник в 9 планёрка") gives a repeating task, due at its
    first occurrence, with the rule (an RFC 5545 RRULE) in `repeat`.

    `task add` always adds: text the bot would read as another intent
    ("готово 3") becomes the title as written. A date that does not exist
    ("31.02") is a DomainError: nothing is added.
    """
    parsed = _parse(text, settings, now)
    if parsed.intent == "add_task" and parsed.title:
        _refuse_invalid(parsed.invalid_date)
        return AddTask(owner, parsed.title, parsed.due_date, parsed.due_time,
                       settings.default_tz, text, repeat=parsed.repeat)
    return AddTask(owner, text, None, None, settings.default_tz, text)


def _refuse_invalid(said: str | None) -> None:
    if said is not None:
        raise DomainError(f"there is no such date as {said!r}; nothing was changed")


def read_when(text: str, settings: Settings, *, now: datetime) -> tuple[date, time | None]:
    """The date (and time) in text such as "завтра в 11"; DomainError if there is none."""
    parsed = _parse(text, settings, now, when_only=True)
    _refuse_invalid(parsed.invalid_date)
    if parsed.due_date is None:
        raise DomainError(f"no date or time found in {text!r}; "
                          "say e.g. 'tomorrow at 11' or '20.12 18:00'")
    return parsed.due_date, parsed.due_time
