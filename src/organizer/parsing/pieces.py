"""What the time rules find: pieces of a message saying a date, a clock time or a duration."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# Kinds of piece: at most one of each kind is used (the first in the text).
DATE, CLOCK, PART, MOMENT = "date", "clock", "part", "moment"


@dataclass(frozen=True)
class Clock:
    """An hour and minute as said, and whether am/pm is still open."""

    hour: int
    minute: int
    meridiem: str | None = None  # am pm day evening night, when said next to the time
    padded: bool = False  # "08:00": the writer meant the 24-hour clock


@dataclass(frozen=True)
class DateSpec:
    """A date as said: one of these fields is set."""

    offset: int | None = None  # days from today
    weekday: int | None = None  # 0 = Monday, the nearest strictly after today
    day: int | None = None  # with month (and year): a calendar date; alone: day of month
    month: int | None = None
    year: int | None = None
    months_ahead: int | None = None  # "через месяц"
    exact: date | None = None


@dataclass(frozen=True)
class Piece:
    kind: str
    start: int
    end: int
    date: DateSpec | None = None
    clock: Clock | None = None
    minutes: int | None = None  # a duration from now
    part: str | None = None  # a part-of-day word
