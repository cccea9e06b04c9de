"""Repetition: "каждый понедельник", "ежедневно", "по будням", "every 2 hours".

Repeating tasks are not supported yet. The words are recognised anyway, so the
task is created once, for its first occurrence, and the user is told; the rule
is kept as an RFC 5545 RRULE ("FREQ=WEEKLY;BYDAY=MO") for the day repetition
exists. The first occurrence is on or after today: today counts when it is a
day of the rule and its time (if one is said) is still ahead.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from organizer.parsing import days
from organizer.parsing.dates import key
from organizer.parsing.pieces import DATE, REPEAT, DateSpec, Piece, Repeat
from organizer.parsing.timegrammar import TimeGrammar

BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_FREQ_OF_UNIT = {"minute": "MINUTELY", "hour": "HOURLY", "day": "DAILY", "week": "WEEKLY",
                 "month": "MONTHLY"}  # fmt: skip
# What may stand between two weekdays of one rule: "по понедельникам и средам", "пн, ср".
_AND = re.compile(r"\s*(?:и|а\s+также|and|&)?\s*")


def repeat_piece(match: re.Match[str], grammar: TimeGrammar) -> Piece | None:
    """The REPEAT piece of a match of the `repeat` rule."""
    span = match.span()
    groups = match.groupdict()
    if groups.get("tunit"):
        return _times_per(match, grammar)
    if groups["unit"]:
        count = 2 if groups["other"] else int(groups["n"]) if groups["n"] else 1
        if not 1 <= count <= 999:
            return None
        freq = _FREQ_OF_UNIT[grammar.units[key(groups["unit"])]]
        return Piece(REPEAT, *span, repeat=Repeat(freq, count))
    if groups["fixed"]:
        minutes = grammar.fixed_durations[key(groups["fixed"])]
        if minutes % 60 == 0:
            return Piece(REPEAT, *span, repeat=Repeat("HOURLY", minutes // 60))
        return Piece(REPEAT, *span, repeat=Repeat("MINUTELY", minutes))
    if groups["md"]:
        day = int(groups["md"])
        if not 1 <= day <= 31:
            return None
        return Piece(REPEAT, *span, repeat=Repeat("MONTHLY"), date=DateSpec(day=day))
    if groups["phrase"]:
        phrase = key(groups["phrase"])
        if phrase in grammar.repeat_parts:
            return Piece(REPEAT, *span, repeat=Repeat("DAILY"), part=phrase)
        return Piece(REPEAT, *span, repeat=grammar.repeat_phrases[phrase])
    if groups["plural"] or groups.get("short"):
        weekday = grammar.repeat_weekdays[key(groups["plural"] or groups["short"])]
        return Piece(REPEAT, *span, repeat=Repeat("WEEKLY", weekdays=(weekday,)))
    return Piece(REPEAT, *span, repeat=Repeat(None))  # a bare "каждый": see join_repeats


def _times_per(match: re.Match[str], grammar: TimeGrammar) -> Piece | None:
    """ "2 раза в день", "трижды в неделю", "twice a month": the times spread over the period
    as the canon's `time.repeat.times` tables say."""
    times = grammar.times
    count = int(match["tn"]) if match["tn"] else times.counts.get(key(match["tw"]), 0)
    unit = grammar.units[key(match["tunit"])]
    rule: Repeat | None = None
    if count < 1:
        return None
    if unit == "day":
        if count == 1:
            rule = Repeat("DAILY")
        elif count in times.per_day:
            rule = Repeat("DAILY", hours=times.per_day[count])
        elif count <= 24:
            rule = Repeat("HOURLY", 24 // count)
    elif unit == "week":
        if count == 1:
            rule = Repeat("WEEKLY")
        elif count in times.per_week:
            rule = Repeat("WEEKLY", weekdays=times.per_week[count])
        elif count >= 7:
            rule = Repeat("DAILY")
    elif unit == "month":
        if count == 1:
            rule = Repeat("MONTHLY")
        elif count in times.per_month:
            rule = Repeat("MONTHLY", monthdays=times.per_month[count])
    return Piece(REPEAT, *match.span(), repeat=rule) if rule is not None else None


def first_time(rule: Repeat, start: date, now: datetime) -> tuple[date, time] | None:
    """The first of a daily rule's hours still ahead: "2 раза в день" at 14:00 is 19:00."""
    if not rule.hours:
        return None
    for day in (start, start + timedelta(days=1)):
        for hour in rule.hours:
            if day > now.date() or (hour, 0) > (now.hour, now.minute):
                return day, time(hour)
    return None


def join_repeats(pieces: list[Piece], flat: str) -> list[Piece]:
    """Pieces in text order, with a bare "каждый" joined to the date right after it and a
    weekly rule's further weekdays joined to it ("каждый понедельник и четверг")."""
    out: list[Piece] = []
    index = 0
    while index < len(pieces):
        piece = pieces[index]
        index += 1
        if piece.kind == REPEAT and piece.repeat is not None and piece.repeat.freq is None:
            following = pieces[index] if index < len(pieces) else None
            if following is None or following.date is None or following.kind != DATE:
                continue  # "каждый раз": not a repetition, the words stay in the title
            if flat[piece.end : following.start].strip():
                continue
            joined = _every(piece, following)
            if joined is None:
                continue
            piece = joined
            if joined.date is None and joined.repeat is not None and joined.repeat.weekdays:
                index += 1  # the weekday went into the rule
        if piece.kind == REPEAT and piece.repeat is not None and piece.repeat.weekdays:
            while index < len(pieces) and _more_weekdays(piece, pieces[index], flat):
                piece = _with_weekday(piece, pieces[index])
                index += 1
        out.append(piece)
    return _one_rule(out)


def _one_rule(pieces: list[Piece]) -> list[Piece]:
    """Two ways of saying one rule ("еженедельно по средам", "каждую неделю по пятницам")
    are one rule: the one that names days, with the other's words among its spans."""
    rules = [p for p in pieces if p.kind == REPEAT]
    if len(rules) < 2:
        return pieces
    main = next((p for p in rules if p.repeat is not None and p.repeat.weekdays), rules[0])
    others = [p for p in rules if p is not main]
    joined = replace(main, also=(*main.also, *((p.start, p.end) for p in others)))
    return [joined if p is main else p for p in pieces if all(p is not o for o in others)]


def _every(marker: Piece, following: Piece) -> Piece | None:
    spec = following.date
    assert spec is not None
    if spec.weekday is not None and not spec.next_week:
        rule = Repeat("WEEKLY", weekdays=(spec.weekday,))
        return Piece(REPEAT, marker.start, following.end, repeat=rule)
    # "каждое 8 марта", "каждое 15-е": the date piece stays to name the day; the rule's
    # span covers it too, so the reply can quote the user's words whole
    if spec.exact is not None or (spec.day is not None and spec.month is not None):
        return replace(marker, end=following.end, repeat=Repeat("YEARLY"))
    if spec.day is not None:
        return replace(marker, end=following.end, repeat=Repeat("MONTHLY"))
    return None


def _more_weekdays(piece: Piece, other: Piece, flat: str) -> bool:
    if _AND.fullmatch(flat, piece.end, other.start) is None:
        return False
    if other.kind == DATE and other.date is not None:
        return other.date.weekday is not None and not other.date.next_week
    return other.kind == REPEAT and other.repeat is not None and bool(other.repeat.weekdays)


def _with_weekday(piece: Piece, other: Piece) -> Piece:
    assert piece.repeat is not None
    if other.date is not None and other.date.weekday is not None:
        added: tuple[int, ...] = (other.date.weekday,)
    else:
        assert other.repeat is not None
        added = other.repeat.weekdays
    rule = replace(piece.repeat, weekdays=(*piece.repeat.weekdays, *added))
    return replace(piece, end=other.end, repeat=rule)


def gives_day(rule: Repeat, spec: DateSpec) -> bool:
    """True when a date said with the rule names its day: "каждую неделю в среду",
    "15 числа каждого месяца", "ежегодно 8 марта"; otherwise the date is when it starts."""
    if rule.freq == "WEEKLY":
        return spec.weekday is not None and not spec.next_week and spec.from_days is None
    if rule.freq == "MONTHLY":
        return spec.day is not None and spec.month is None
    if rule.freq == "YEARLY":
        return spec.day is not None and spec.month is not None
    return False


def first_occurrence(
    rule: Repeat, spec: DateSpec | None, start: date | None, at: time | None, now: datetime
) -> tuple[date, Repeat]:
    """The first day the task is due, and the rule with the day(s) it implies filled in.

    `spec` is a date that names the rule's day (see `gives_day`), `start` the date the
    repetition starts from when another date was said ("ежедневно с понедельника").
    """
    today = now.date()

    def ahead(day: date) -> bool:
        return day > today or at is None or (at.hour, at.minute) > (now.hour, now.minute)

    base = start or today
    if rule.freq == "WEEKLY":
        weekdays = rule.weekdays or ((spec.weekday,) if spec and spec.weekday is not None else ())
        if not weekdays:
            first = base if ahead(base) else base + timedelta(days=7 * rule.interval)
            return first, replace(rule, weekdays=(first.weekday(),))
        first = next(d for d in _days_from(base, 8) if d.weekday() in weekdays and ahead(d))
        return first, replace(rule, weekdays=tuple(sorted(set(weekdays))))
    if rule.freq == "MONTHLY" and rule.monthdays:  # "2 раза в месяц": the next of its days
        ahead_days = [d for d in (days.next_day_of_month(base, day) for day in rule.monthdays)
                      if d is not None and ahead(d)]  # fmt: skip
        return min(ahead_days, default=base), rule
    if rule.freq == "MONTHLY" and spec is not None and spec.day is not None and spec.month is None:
        found = days.next_day_of_month(today, spec.day)
        if found is not None and not ahead(found):
            found = days.next_day_of_month(found + timedelta(days=1), spec.day)
        return found or today, rule
    if rule.freq == "YEARLY" and spec is not None and spec.day is not None and spec.month:
        found = days.next_day_month(today, spec.day, spec.month)
        if found is not None and not ahead(found):
            found = days.next_day_month(found + timedelta(days=1), spec.day, spec.month)
        return found or today, rule
    if ahead(base):
        return base, rule
    if rule.freq == "MONTHLY":
        return days.add_months(base, rule.interval) or base, rule
    if rule.freq == "YEARLY":
        return days.add_months(base, 12) or base, rule
    return base + timedelta(days=1), rule


def _days_from(start: date, count: int) -> list[date]:
    return [start + timedelta(days=offset) for offset in range(count)]


def rrule(rule: Repeat, first: date) -> str:
    """The RFC 5545 RRULE of a rule whose first occurrence is `first`."""
    parts = [f"FREQ={rule.freq}"]
    if rule.interval > 1:
        parts.append(f"INTERVAL={rule.interval}")
    if rule.freq == "WEEKLY":
        parts.append("BYDAY=" + ",".join(BYDAY[d] for d in rule.weekdays or (first.weekday(),)))
    elif rule.freq == "DAILY" and rule.hours:
        parts.append("BYHOUR=" + ",".join(map(str, rule.hours)))
    elif rule.freq == "MONTHLY":
        parts.append("BYMONTHDAY=" + ",".join(map(str, rule.monthdays or (first.day,))))
    elif rule.freq == "YEARLY":
        parts.append(f"BYMONTH={first.month};BYMONTHDAY={first.day}")
    return ";".join(parts)
