"""What the date rules' matches mean: a match in, a date piece (or None) out.

Numeric dates are day first ("20.11", "12/05" = 12 May), as Russian speakers
write them; "12/25" is read month first only because day first is impossible.
A date that cannot exist ("31.02", "30 февраля", "29.02.2027") is an INVALID
piece, so the user is told instead of getting a silent wrong date or none.
"""

from __future__ import annotations

import re
from datetime import date

from organizer.parsing.pieces import DATE, INVALID, WEEK, DateSpec, Piece
from organizer.parsing.timegrammar import TimeGrammar

STRICT_CLOCK_PREPOSITIONS = frozenset({"в", "во", "at", "@"})
# After these a dash pair that can be a day and a month is a date: "на 01-05", "к 10-12".
DATE_PREPOSITIONS = frozenset({"на", "к", "ко", "до", "by", "until", "till", "on", "for"})
# Another clock time in the message makes a dash pair a date: "01-05 в 10 к врачу".
_OTHER_CLOCK = re.compile(
    r"(?<![\d.:/-])\d{1,2}:\d{2}(?![\d.:/-])|(?<!\w)(?:в|во|at|к)\s+\d{1,2}(?![\d.:/-]|\s*[.:-]\d)"
)


def key(text: str) -> str:
    """Spaces collapsed: how matched words are looked up in the vocabulary."""
    return " ".join(text.split())


def prep_of(match: re.Match[str]) -> str | None:
    """The preposition a match starts with, spaces collapsed."""
    value = match.groupdict().get("prep")
    return key(value) if value else None


def counts_something(match: re.Match[str], grammar: TimeGrammar) -> bool:
    """True when a unit or a counted thing follows: "5-10 минут", "в 3 магазина", "2.5 кг"."""
    return grammar.counted_after.match(match.string, match.end()) is not None


def _span(match: re.Match[str]) -> tuple[int, int]:
    return match.start(), match.end()


def _plausible(day: int, month: int) -> bool:
    """A day and month a person could mean, even if the month has no such day (31.02)."""
    return 1 <= month <= 12 and 1 <= day <= 31


def _exists(day: int, month: int) -> bool:
    longest = 29 if month == 2 else 30 if month in (4, 6, 9, 11) else 31
    return _plausible(day, month) and day <= longest


# Dates written with a year before this one are read as dates that do not exist.
FIRST_YEAR = 1900


def _year(text: str | None) -> int | None:
    if text is None:
        return None
    year = int(text)
    return year + 2000 if len(text) <= 2 else year  # "01.01.0001" is the year 1, never 2001


def _invalid(match: re.Match[str]) -> Piece:
    said = match.end("prep") if match.groupdict().get("prep") else match.start()
    while said < match.end() and match.string[said].isspace():
        said += 1
    return Piece(INVALID, *_span(match), said=(said, match.end()))


def _date_piece(match: re.Match[str], day: int, month: int, year: int | None) -> Piece | None:
    """A date with its year is that exact day; without one, its next occurrence."""
    if not _exists(day, month):
        return _invalid(match) if _plausible(day, month) else None
    if year is None:
        return Piece(DATE, *_span(match), date=DateSpec(day=day, month=month))
    if year < FIRST_YEAR:
        return _invalid(match)  # "01.01.0001": a year no task can be due in
    try:
        return Piece(DATE, *_span(match), date=DateSpec(exact=date(year, month, day)))
    except ValueError:  # 29 February of a year that has none
        return _invalid(match)


def date_iso(match: re.Match[str], grammar: TimeGrammar) -> Piece | None:
    return _date_piece(match, int(match["d"]), int(match["m"]), int(match["y"]))


def date_numeric(match: re.Match[str], grammar: TimeGrammar) -> Piece | None:
    day, month, sep = int(match["d"]), int(match["m"]), match["sep"]
    if _a_quantity(match, grammar):
        return None  # "2.5 кг", "1.5 часа", "31.02 руб": a number, not a date
    looks_like_time = day <= 23 and len(match["m"]) == 2 and month <= 59
    if match["y"] is None:
        if sep == "." and prep_of(match) in STRICT_CLOCK_PREPOSITIONS and looks_like_time:
            return None  # "в 10.30" is a clock time
        if sep == "-" and day <= 23 and not _dash_date(match, day, month):
            return None  # "18-00", "10-12": clock times and ranges; "25-12" is a date
    if sep == "/" and not _plausible(day, month) and _plausible(month, day):
        day, month = month, day  # "12/25": month first, the only way it is a date
    return _date_piece(match, day, month, _year(match["y"]))


def _dash_date(match: re.Match[str], day: int, month: int) -> bool:
    """A dash pair a person means as a date although it could be a time: after a date
    preposition ("на 01-05", "к 10-12"), or next to another clock time ("01-05 в 10")."""
    if day < 1 or not 1 <= month <= 12:
        return False
    if prep_of(match) in DATE_PREPOSITIONS:
        return True
    text = match.string
    return bool(_OTHER_CLOCK.search(text, match.end()) or _OTHER_CLOCK.search(text, 0, match.start()))


_NEXT_WORD = re.compile(r"\s*(\w+)")


def _a_quantity(match: re.Match[str], grammar: TimeGrammar) -> bool:
    """A number with a unit after it: "2.5 кг", "1.5 часа", "31.02 руб". With a two-digit
    month a time word may follow a date: "10.12 день рождения", "25.12 днём"."""
    if not counts_something(match, grammar):
        return False
    if len(match["m"]) == 1:
        return True
    after = _NEXT_WORD.match(match.string, match.end())
    word = after.group(1) if after else ""
    return not (word in grammar.units or word in grammar.parts or word in grammar.meridiem)


def date_words(match: re.Match[str], grammar: TimeGrammar) -> Piece | None:
    groups = match.groupdict()
    if groups.get("d"):
        day: int | None = int(groups["d"])
    else:
        day = grammar.day_ordinal(groups["dw"]) if groups.get("dw") else None
    month = grammar.months.get(key(match["mon"]))
    if day is None or month is None:
        return None
    return _date_piece(match, day, month, _year(groups.get("y")))


def day_only(match: re.Match[str], grammar: TimeGrammar) -> Piece | None:
    groups = match.groupdict()
    text = groups.get("d") or groups.get("d2") or groups.get("d3")
    words = groups.get("dw") or groups.get("dwa") or groups.get("dwk")
    day = int(text) if text else (grammar.day_ordinal(words) if words else None)
    if day is None or not 1 <= day <= 31:
        return None
    return Piece(DATE, *_span(match), date=DateSpec(day=day))


def relative_day(match: re.Match[str], grammar: TimeGrammar) -> Piece | None:
    offset = grammar.relative_days.get(key(match["rel"]))
    if offset is None:
        return None
    return Piece(DATE, *_span(match), date=DateSpec(offset=offset))


def week(match: re.Match[str], grammar: TimeGrammar) -> Piece | None:
    """ "на следующей неделе" (1) or "на этой неделе" (0); resolve joins it to a weekday."""
    return Piece(WEEK, *_span(match), week=1 if key(match["week"]) in grammar.next_week else 0)


def weekday(match: re.Match[str], grammar: TimeGrammar) -> Piece | None:
    word = key(match["wd"])
    if word in grammar.weekdays_need_preposition and not (match["prep"] or match["mod"]):
        return None
    following = match["mod"] is not None and key(match["mod"]) in grammar.next_modifiers
    spec = DateSpec(weekday=grammar.weekdays[word], next_week=following)
    return Piece(DATE, *_span(match), date=spec)
