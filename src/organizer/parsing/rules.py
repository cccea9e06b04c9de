"""What each time rule's match means: a match of timegrammar's rule in, a piece (or None) out.

A handler returns None to refuse a match that only looks like a date or time
("на 2 дня", "в 3 магазина"); the text then stays in the title. Durations and
clock times are read here, dates in dates.py, repetition in repeat.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from organizer.parsing import dates, repeat
from organizer.parsing.dates import counts_something, key, prep_of
from organizer.parsing.pieces import CLOCK, DATE, MOMENT, PART, Clock, DateSpec, Piece
from organizer.parsing.timegrammar import TimeGrammar

__all__ = ["HANDLERS", "clock_range_end", "prep_of"]


def _span(match: re.Match[str]) -> tuple[int, int]:
    return match.start(), match.end()


def _number(text: str | None, grammar: TimeGrammar) -> int | None:
    if text is None:
        return None
    return grammar.numbers.value(text)


def _hour(text: str | None, grammar: TimeGrammar) -> int | None:
    if text is None:
        return None
    return 1 if " ".join(text.split()) == "час" else _number(text, grammar)


def _clock(
    start: int,
    end: int,
    hour: int | None,
    minute: int | None,
    mer: str | None,
    grammar: TimeGrammar,
    padded: bool = False,
) -> Piece | None:
    if hour is None or minute is None or not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    meridiem = grammar.meridiem.get(" ".join(mer.split())) if mer else None
    return Piece(CLOCK, start, end, clock=Clock(hour, minute, meridiem, padded))


def _duration(match: re.Match[str], grammar: TimeGrammar) -> Piece | None:
    start, end = _span(match)
    groups = match.groupdict()
    if groups.get("fixed"):
        return Piece(MOMENT, start, end, minutes=grammar.fixed_durations[key(groups["fixed"])])
    if groups.get("hour"):
        return Piece(MOMENT, start, end, minutes=60)
    unit = grammar.units[key(groups["unit"])]
    count_text = groups.get("n")
    if count_text is None:
        count = 1.0
    elif key(count_text) in grammar.quantity_words:
        count = float(grammar.quantity_words[key(count_text)])
    elif count_text[0].isdecimal():
        count = float(count_text.replace(",", "."))
    else:
        count = float(_number(count_text, grammar) or 0)
    if count <= 0 or count > 5000:
        return None
    if unit == "minute":
        return Piece(MOMENT, start, end, minutes=round(count))
    if unit == "hour":
        extra = _number(groups.get("n2"), grammar) or 0
        return Piece(MOMENT, start, end, minutes=round(count * 60) + extra)
    whole = round(count)
    if unit == "day":
        return Piece(DATE, start, end, date=DateSpec(offset=whole))
    if unit == "week":
        return Piece(DATE, start, end, date=DateSpec(offset=7 * whole, weeks=whole))
    return Piece(DATE, start, end, date=DateSpec(months_ahead=whole))


def _clock_range(match: re.Match[str], grammar: TimeGrammar) -> Piece | None:
    until = _hour(match["h2"], grammar)
    if until is None or until > 23:
        return None
    minute = int(match["m"]) if match["m"] else 0
    return _clock(*_span(match), _hour(match["h"], grammar), minute, match["mer"], grammar)


def clock_range_end(match: re.Match[str], grammar: TimeGrammar) -> Piece | None:
    """In a move, "from 10 to 12" names the old time and the new one: the end counts."""
    minute = int(match["m2"]) if match["m2"] else 0
    return _clock(*_span(match), _hour(match["h2"], grammar), minute, match["mer"], grammar)


def _clock_colon(match: re.Match[str], grammar: TimeGrammar) -> Piece | None:
    if counts_something(match, grammar):
        return None
    padded = match["h"].startswith("0") or int(match["h"]) >= 13
    return _clock(*_span(match), int(match["h"]), int(match["m"]), match["mer"], grammar, padded)


def _clock_hours_minutes(match: re.Match[str], grammar: TimeGrammar) -> Piece | None:
    return _clock(*_span(match), int(match["h"]), int(match["m"]), match["mer"], grammar)


def _clock_half(match: re.Match[str], grammar: TimeGrammar) -> Piece | None:
    if match["ho"] is not None:
        coming = grammar.hour_ordinals.get(key(match["ho"]))
    elif match["mins"]:  # "25 минут 10" is no clock time; "25 минут десятого" is
        coming = None
    elif match["prep"] or match["mer"]:  # "в пол 8"; a bare "пол 8" may be a floor
        coming = int(match["hd"]) if 1 <= int(match["hd"]) <= 12 else None
    else:
        coming = None
    if coming is None:
        return None
    minute = 30 if match["half"] else 15 if match["quarter"] else int(match["mins"])
    if not 1 <= minute <= 59:
        return None
    return _clock(*_span(match), (coming - 1) % 12 or 12, minute, match["mer"], grammar)


def _clock_without(match: re.Match[str], grammar: TimeGrammar) -> Piece | None:
    hour = _hour(match["h"], grammar)
    less = 15 if match["q"] else _number(match["mm"], grammar)
    if hour is None or less is None or not 1 <= less <= 59 or not 1 <= hour <= 24:
        return None
    return _clock(*_span(match), (hour - 1) % 12 or 12, 60 - less, match["mer"], grammar)


def _clock_english(match: re.Match[str], grammar: TimeGrammar) -> Piece | None:
    hour = _hour(match["h"], grammar)
    said = match["mm"] or match["mmw"]
    minutes = 30 if match["half"] else 15 if match["quarter"] else _number(said, grammar)
    if hour is None or minutes is None or not 1 <= minutes <= 59:
        return None
    if match["dir"] in ("to", "till"):
        hour, minutes = (hour - 1) % 24, 60 - minutes
    return _clock(*_span(match), hour, minutes, match["mer"], grammar)


def _clock_hour(match: re.Match[str], grammar: TimeGrammar) -> Piece | None:
    unit = key(match["unit"]) if match["unit"] else None
    mer = match["mer"]
    if unit is None and mer is None:
        return None  # a bare "в 10" is clock_bare's
    prep = prep_of(match)
    if (
        unit is None
        and grammar.meridiem.get(key(mer)) == "day"
        and (prep not in grammar.clock_prepositions)
    ):
        return None  # "на 2 дня" is a length of stay, not 14:00
    if unit is not None and unit.startswith("час") and not prep and not mer:
        return None  # "2 часа" alone is a length of time
    minute = int(match["m"]) if match["m"] else 0
    return _clock(*_span(match), _hour(match["h"], grammar), minute, mer, grammar)


def _clock_fixed(match: re.Match[str], grammar: TimeGrammar) -> Piece | None:
    at = grammar.fixed_times[key(match["fixed"])]
    return Piece(CLOCK, *_span(match), clock=Clock(at.hour, at.minute, None, True))


def _clock_bare(match: re.Match[str], grammar: TimeGrammar) -> Piece | None:
    if counts_something(match, grammar):
        return None
    minute = _number(match["m"], grammar) if match["m"] else 0
    return _clock(*_span(match), _hour(match["h"], grammar), minute, match["mer"], grammar)


def _part_of_day(match: re.Match[str], grammar: TimeGrammar) -> Piece | None:
    return Piece(PART, *_span(match), part=key(match["part"]))


Handler = Callable[[re.Match[str], TimeGrammar], Piece | None]
HANDLERS: dict[str, Handler] = {
    "repeat": repeat.repeat_piece,
    "duration": _duration,
    "snooze": _duration,
    "date_iso": dates.date_iso,
    "date_numeric": dates.date_numeric,
    "date_day_month": dates.date_words,
    "date_month_day": dates.date_words,
    "day_only": dates.day_only,
    "relative_day": dates.relative_day,
    "week": dates.week,
    "weekday": dates.weekday,
    "clock_range": _clock_range,
    "clock_span": _clock_range,
    "clock_colon": _clock_colon,
    "clock_hours_minutes": _clock_hours_minutes,
    "clock_half": _clock_half,
    "clock_without": _clock_without,
    "clock_english": _clock_english,
    "clock_hour": _clock_hour,
    "clock_fixed": _clock_fixed,
    "clock_bare": _clock_bare,
    "part_of_day": _part_of_day,
}
