"""What can be said of a repeat rule (RRULE), as structure: the words come from
organizer.wording, which renders a RuleShape in the person's language.

`shape_of(rule)` is None for a rule with parts the words do not cover ("the
first Monday of the month", "the last day"), so that it is shown as the rule
itself and never worded wrongly.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from organizer.domain.recurrence import parts_of

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
FREQS = ("MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY")
_WORDED = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYHOUR",
           "BYMINUTE", "WKST"}


@dataclass(frozen=True)
class RuleShape:
    """A rule as the words see it.

    kind: "every" (every N units), "days" (on these weekdays), "every_days" (every N
    weeks, on these weekdays), "month_days" (on these days of every N months),
    "yearly_on" (every year on a date), "at_hours" (every N units at these times).
    """

    kind: str
    freq: str  # one of FREQS
    interval: int = 1
    days: tuple[int, ...] = ()  # weekdays, Monday = 0, in order
    single_day_every: bool = False  # one weekday reads "every Monday", not "on Mondays"
    month_days: tuple[str, ...] = ()  # as written: "1", "15"
    month: int = 0  # 1..12
    day: int = 0
    hours: tuple[str, ...] = ()  # "09:00"
    count: int | None = None
    until: tuple[str, str, str] | None = None  # year, month, day


def shape_of(rule: str) -> RuleShape | None:
    """The rule's shape, or None when the words cannot say it exactly."""
    parts = parts_of(rule)
    if set(parts) - _WORDED:
        return None
    try:
        shape = _shape(parts)
        count = int(parts["COUNT"]) if "COUNT" in parts else None
    except (KeyError, ValueError):
        return None
    if shape is None:
        return None
    until = None
    if "COUNT" not in parts and "UNTIL" in parts:
        day = parts["UNTIL"][:8]
        until = (day[:4], day[4:6], day[6:8])
    return replace(shape, count=count, until=until)


def _shape(parts: dict[str, str]) -> RuleShape | None:
    freq = parts["FREQ"]
    if freq not in FREQS:
        return None
    interval = int(parts.get("INTERVAL", "1"))
    byday = [d for d in parts.get("BYDAY", "").split(",") if d]
    if any(d not in DAYS for d in byday):
        return None  # "1MO" (the first Monday) and the like
    days = tuple(sorted(DAYS.index(code) for code in byday))
    if freq == "WEEKLY" and days:
        kind = "days" if interval == 1 else "every_days"
        return RuleShape(kind, freq, interval, days, single_day_every=interval == 1)
    if freq == "DAILY" and days:
        return RuleShape("days", freq, interval, days, single_day_every=True)
    if freq == "MONTHLY" and "BYMONTHDAY" in parts:
        numbers = tuple(parts["BYMONTHDAY"].split(","))
        if any(not d.isdigit() for d in numbers):
            return None  # "-1": the last day of the month
        return RuleShape("month_days", freq, interval, month_days=numbers)
    if freq == "YEARLY" and "BYMONTH" in parts and "BYMONTHDAY" in parts:
        month, day = int(parts["BYMONTH"]), int(parts["BYMONTHDAY"])
        if not 1 <= month <= 12:
            return None
        return RuleShape("yearly_on", freq, interval, month=month, day=day)
    if "BYHOUR" in parts:
        minute = int(parts.get("BYMINUTE", "0"))
        hours = tuple(f"{int(h):02d}:{minute:02d}" for h in parts["BYHOUR"].split(","))
        return RuleShape("at_hours", freq, interval, hours=hours)
    if set(parts) & {"BYDAY", "BYMONTHDAY", "BYMONTH"}:
        return None
    return RuleShape("every", freq, interval)
