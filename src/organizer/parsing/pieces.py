"""What the time rules find: pieces of a message saying a date, a clock time or a duration."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# Kinds of piece: at most one of each kind is used (the first in the text).
DATE, CLOCK, PART, MOMENT = "date", "clock", "part", "moment"
WEEK = "week"  # "на следующей неделе" / "на этой неделе": a week, with or without its weekday
REPEAT = "repeat"  # "каждый понедельник", "ежедневно": the task would repeat
INVALID = "invalid"  # a date that does not exist: "31.02", "30 февраля"


@dataclass(frozen=True)
class Clock:
    """An hour and minute as said, and whether am/pm is still open."""

    hour: int
    minute: int
    meridiem: str | None = None  # am pm day evening night, when said next to the time
    padded: bool = False  # "08:00": the writer meant the 24-hour clock


@dataclass(frozen=True)
class DateSpec:
    """A date as said: one of these fields is set (a weekday may come with its week)."""

    offset: int | None = None  # days from today
    weekday: int | None = None  # 0 = Monday, the nearest strictly after today
    day: int | None = None  # with month (and year): a calendar date; alone: day of month
    month: int | None = None
    year: int | None = None
    months_ahead: int | None = None  # "через месяц"
    exact: date | None = None
    weeks: int | None = None  # the offset was said in weeks ("через неделю"): a weekday may join
    next_week: bool = False  # the week after this one: its Monday, or `weekday` in it
    from_days: int | None = None  # with `weekday`: the first such day on or after today + N
    this_week: bool = False  # "на этой неделе" alone: this week's Friday (Sunday from Saturday)


@dataclass(frozen=True)
class Repeat:
    """How often a task would repeat, as an RFC 5545 frequency.

    `freq` None is a bare "каждый"/"every": the date piece right after it decides
    (a weekday repeats weekly, "8 марта" yearly, "15-го" monthly).
    """

    freq: str | None  # MINUTELY HOURLY DAILY WEEKLY MONTHLY YEARLY
    interval: int = 1
    weekdays: tuple[int, ...] = ()  # BYDAY, 0 = Monday
    hours: tuple[int, ...] = ()  # BYHOUR: "2 раза в день" = 9 and 19
    monthdays: tuple[int, ...] = ()  # BYMONTHDAY: "2 раза в месяц" = 1 and 15


@dataclass(frozen=True)
class Piece:
    kind: str
    start: int
    end: int
    date: DateSpec | None = None
    clock: Clock | None = None
    minutes: int | None = None  # a duration from now
    part: str | None = None  # a part-of-day word
    repeat: Repeat | None = None
    week: int | None = None  # WEEK pieces: 0 this week, 1 next week
    also: tuple[tuple[int, int], ...] = ()  # further spans the piece was read from
    said: tuple[int, int] | None = None  # INVALID: the date alone, without its preposition
