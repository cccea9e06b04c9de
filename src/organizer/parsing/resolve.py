"""From the pieces of a message and the local `now` to a due date and time.

The rules are the product conventions of shared/DESIGN.md ("How dates and
times are read") plus the choices documented at the top of the canon file.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from organizer.parsing.pieces import CLOCK, DATE, MOMENT, PART, Clock, DateSpec, Piece
from organizer.parsing.timegrammar import TimeGrammar

TODAY_PARTS = frozenset({"tonight", "tonite", "this evening", "this afternoon", "this morning"})


@dataclass(frozen=True)
class When:
    """The resolved due date and time, and the spans of text they came from."""

    due_date: date | None
    due_time: time | None
    alternative: tuple[date, time] | None
    spans: tuple[tuple[int, int], ...]


def resolve(pieces: list[Piece], now: datetime, grammar: TimeGrammar) -> When:
    """Pick the first piece of each kind and turn them into a date and a time."""
    first: dict[str, Piece] = {}
    for piece in pieces:
        first.setdefault(piece.kind, piece)
    used = tuple((p.start, p.end) for p in first.values())
    today = now.date()

    moment = first.get(MOMENT)
    if moment is not None and moment.minutes is not None:
        local = _plus_minutes(now, moment.minutes)
        return When(local.date(), time(local.hour, local.minute), None, used)

    date_piece = first.get(DATE)
    due_date = _date(date_piece.date, today) if date_piece and date_piece.date else None
    part = grammar.parts.get(first[PART].part or "") if PART in first else None
    clock_piece = first.get(CLOCK)

    due_time: time | None = None
    other: time | None = None
    if clock_piece is not None and clock_piece.clock is not None:
        due_time, other = _clock(clock_piece.clock, part.meridiem if part else None)
    elif part is not None:
        due_time = part.at
    if due_date is None and PART in first and (first[PART].part or "") in TODAY_PARTS:
        due_date = today
    if due_time is None:
        return When(due_date, None, None, used)
    alternative = None
    if other is not None:
        alternative = (due_date or _next_at(other, now), other)
    return When(due_date or _next_at(due_time, now), due_time, alternative, used)


def _plus_minutes(now: datetime, minutes: int) -> datetime:
    # Add in UTC so a DST change in between moves the wall clock as it should.
    moved = now.astimezone(UTC) + timedelta(minutes=minutes)
    return moved.astimezone(now.tzinfo)


def _next_at(at: time, now: datetime) -> date:
    """Today if `at` is still ahead of now, else tomorrow."""
    if (at.hour, at.minute) > (now.hour, now.minute):
        return now.date()
    return now.date() + timedelta(days=1)


def _clock(clock: Clock, part_meridiem: str | None) -> tuple[time, time | None]:
    """The time meant, and the other reading when am/pm was left open."""
    meridiem = clock.meridiem or part_meridiem
    hour = clock.hour
    if meridiem is not None:
        return time(_with_meridiem(hour, meridiem), clock.minute), None
    if 1 <= hour <= 11 and not clock.padded:
        return time(hour, clock.minute), time(hour + 12, clock.minute)
    return time(hour, clock.minute), None


def _with_meridiem(hour: int, meridiem: str) -> int:
    if hour > 12:
        return hour
    if meridiem == "am":
        return 0 if hour == 12 else hour
    if meridiem == "pm":
        return hour if hour == 12 else hour + 12
    if meridiem == "day":
        return hour + 12 if 1 <= hour <= 7 else hour
    if meridiem == "evening":
        return 0 if hour == 12 else hour + 12
    # night: 1-8 stay, 9-11 are late evening, 12 is midnight
    if hour == 12:
        return 0
    return hour + 12 if hour >= 9 else hour


def _date(spec: DateSpec, today: date) -> date | None:
    if spec.exact is not None:
        return spec.exact
    if spec.offset is not None:
        return today + timedelta(days=spec.offset)
    if spec.weekday is not None:
        return today + timedelta(days=(spec.weekday - today.weekday() - 1) % 7 + 1)
    if spec.months_ahead is not None:
        return _add_months(today, spec.months_ahead)
    if spec.day is not None and spec.month is not None:
        return _next_day_month(today, spec.day, spec.month)
    if spec.day is not None:
        return _next_day_of_month(today, spec.day)
    return None


def _add_months(today: date, months: int) -> date | None:
    index = today.month - 1 + months
    year, month = today.year + index // 12, index % 12 + 1
    if year > 9999:
        return None
    return date(year, month, min(today.day, calendar.monthrange(year, month)[1]))


def _next_day_month(today: date, day: int, month: int) -> date | None:
    """The date's next occurrence on or after today (29 February may be years away)."""
    for year in range(today.year, min(today.year + 9, 10000)):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    return None


def _next_day_of_month(today: date, day: int) -> date | None:
    """The next month (this one included) that has this day, on or after today."""
    year, month = today.year, today.month
    for _ in range(13):
        if day <= calendar.monthrange(year, month)[1]:
            candidate = date(year, month, day)
            if candidate >= today:
                return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        if year > 9999:
            return None
    return None
