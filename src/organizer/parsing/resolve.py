"""From the pieces of a message and the local `now` to a due date and time.

The rules are the product conventions of shared/DESIGN.md ("How dates and
times are read") plus the choices documented at the top of the canon file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from organizer.parsing import days
from organizer.parsing.pieces import (
    CLOCK,
    DATE,
    INVALID,
    MOMENT,
    PART,
    REPEAT,
    WEEK,
    Clock,
    DateSpec,
    Piece,
)
from organizer.parsing.repeat import first_occurrence, first_time, gives_day, rrule
from organizer.parsing.timegrammar import PartOfDay, TimeGrammar

TODAY_PARTS = frozenset({"tonight", "tonite", "this evening", "this afternoon", "this morning"})
_SUB_DAILY = {"MINUTELY": 1, "HOURLY": 60}


@dataclass(frozen=True)
class When:
    """The resolved due date and time, and the spans of text they came from.

    `repeat` is the RRULE of a repeating task (due_date is then its first
    occurrence) and `repeat_span` the words that said so; `invalid` is the span
    of a date that does not exist ("31.02"), in which case nothing is due.
    """

    due_date: date | None
    due_time: time | None
    alternative: tuple[date, time | None] | None
    spans: tuple[tuple[int, int], ...]
    repeat: str | None = None
    repeat_span: tuple[int, int] | None = None
    invalid: tuple[int, int] | None = None


def resolve(pieces: list[Piece], now: datetime, grammar: TimeGrammar) -> When:
    """Pick the first piece of each kind and turn them into a date and a time."""
    pieces = join_weeks(pieces)
    first: dict[str, Piece] = {}
    for piece in pieces:
        first.setdefault(piece.kind, piece)
    used = tuple(span for p in first.values() for span in ((p.start, p.end), *p.also))
    if INVALID in first:
        bad = first[INVALID]
        return When(None, None, None, used, invalid=bad.said or (bad.start, bad.end))
    today = now.date()
    repeat = first.get(REPEAT)

    moment = first.get(MOMENT)
    rule = repeat.repeat if repeat is not None else None
    if rule is not None and rule.freq in _SUB_DAILY:
        moment = Piece(MOMENT, 0, 0, minutes=_SUB_DAILY[rule.freq] * rule.interval)
    if moment is not None and moment.minutes is not None:
        local = _plus_minutes(now, moment.minutes)
        text = rrule(rule, local.date()) if rule is not None else None
        return _when(local.date(), time(local.hour, local.minute), None, used, text, repeat)

    date_piece = first.get(DATE)
    spec = date_piece.date if date_piece is not None else None
    if repeat is not None and repeat.date is not None:
        spec = repeat.date  # "каждое 15 число" carries its day
    part = _part(first, grammar)
    clock_piece = first.get(CLOCK)

    due_time: time | None = None
    other: time | None = None
    if clock_piece is not None and clock_piece.clock is not None:
        due_time, other = _clock(clock_piece.clock, part.meridiem if part else None)
    elif part is not None:
        due_time = part.at

    if repeat is not None and rule is not None and rule.freq is not None:
        by = spec if spec is not None and gives_day(rule, spec) else None
        start = _date(spec, today) if spec is not None and by is None else None
        if due_time is None and (timed := first_time(rule, start or today, now)) is not None:
            start, due_time = timed  # "2 раза в день": the next of its hours
        first_day, full = first_occurrence(rule, by, start, due_time, now)
        alternative: tuple[date, time | None] | None = None
        if other is not None:
            alternative = (first_occurrence(rule, by, start, other, now)[0], other)
        return _when(first_day, due_time, alternative, used, rrule(full, first_day), repeat)

    due_date = _date(spec, today) if spec is not None else None
    if due_date is not None:  # "в четверг 13.03": a second way of saying the same day goes too
        used += _same_day(pieces, date_piece, due_date, today)
    if due_date is None and PART in first and (first[PART].part or "") in TODAY_PARTS:
        due_date = today
    if due_time is None:
        return When(due_date, None, _other_week(date_piece, due_date, None, today), used)
    if other is not None:
        return When(due_date or _next_at(due_time, now), due_time,
                    (due_date or _next_at(other, now), other), used)  # fmt: skip
    return When(due_date or _next_at(due_time, now), due_time,
                _other_week(date_piece, due_date, due_time, today), used)  # fmt: skip


def _when(
    due_date: date,
    due_time: time | None,
    alternative: tuple[date, time | None] | None,
    used: tuple[tuple[int, int], ...],
    rule: str | None,
    repeat: Piece | None,
) -> When:
    span = (repeat.start, repeat.end) if repeat is not None and rule is not None else None
    return When(due_date, due_time, alternative, used, rule, span)


def _same_day(
    pieces: list[Piece], chosen: Piece | None, day: date, today: date
) -> tuple[tuple[int, int], ...]:
    return tuple(
        (p.start, p.end)
        for p in pieces
        if p.kind == DATE and p is not chosen and p.date and _date(p.date, today) == day
    )


def _part(first: dict[str, Piece], grammar: TimeGrammar) -> PartOfDay | None:
    if PART in first:
        return grammar.parts.get(first[PART].part or "")
    repeat = first.get(REPEAT)
    if repeat is not None and repeat.part is not None:  # "каждое утро"
        return grammar.repeat_parts.get(repeat.part)
    return None


def join_weeks(pieces: list[Piece]) -> list[Piece]:
    """A weekday and the week it is in become one date piece.

    "на следующей неделе в среду", "в среду на следующей неделе", "next week on
    wednesday": Wednesday of next week; "через неделю в пятницу": the first Friday
    on or after today + 7 days; "на этой неделе в пятницу": the nearest Friday.
    A week said without a weekday: next week is its Monday, this week its Friday (Sunday
    from Saturday on).
    """
    weekday = next((p for p in pieces if p.kind == DATE and p.date and p.date.weekday is not None),
                   None)  # fmt: skip
    anchor = next((p for p in pieces if p.kind == WEEK or (p.date and p.date.weeks)), None)
    out = list(pieces)
    if weekday is not None and anchor is not None and weekday.date is not None:
        if anchor.kind == WEEK:
            spec = DateSpec(weekday=weekday.date.weekday, next_week=anchor.week == 1)
        else:
            assert anchor.date is not None
            spec = DateSpec(weekday=weekday.date.weekday, from_days=anchor.date.offset)
        joined = Piece(DATE, weekday.start, weekday.end, date=spec,
                       also=((anchor.start, anchor.end),))  # fmt: skip
        out = [joined if p is weekday else p for p in out if p is not anchor]
    return [
        Piece(DATE, p.start, p.end,
              date=DateSpec(next_week=True) if p.week == 1 else DateSpec(this_week=True))
        if p.kind == WEEK else p
        for p in out
    ]  # fmt: skip


def _other_week(
    piece: Piece | None, due_date: date | None, at: time | None, today: date
) -> tuple[date, time | None] | None:
    """For "в следующую пятницу" the nearest Friday, when it is another day (the bot offers
    it); "в пятницу на следующей неделе" names its week and has no other reading."""
    spec = piece.date if piece is not None else None
    if spec is None or spec.weekday is None or not spec.next_week or due_date is None:
        return None
    if piece is not None and piece.also:
        return None
    nearest = days.nearest_weekday(today, spec.weekday)
    return (nearest, at) if nearest != due_date else None


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
    if spec.weekday is not None and spec.next_week:
        return days.weekday_on_or_after(days.next_monday(today), spec.weekday)
    if spec.weekday is not None and spec.from_days is not None:
        return days.weekday_on_or_after(today + timedelta(days=spec.from_days), spec.weekday)
    if spec.next_week:
        return days.next_monday(today)
    if spec.this_week:
        return days.end_of_this_week(today)
    if spec.offset is not None:
        return today + timedelta(days=spec.offset)
    if spec.weekday is not None:
        return days.nearest_weekday(today, spec.weekday)
    if spec.months_ahead is not None:
        return days.add_months(today, spec.months_ahead)
    if spec.day is not None and spec.month is not None:
        return days.next_day_month(today, spec.day, spec.month)
    if spec.day is not None:
        return days.next_day_of_month(today, spec.day)
    return None
