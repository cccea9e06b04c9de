"""Repeating tasks: the occurrences of an RFC 5545 RRULE, computed on the wall clock (pure).

A repeating task stands for one occurrence of its rule at a time. The series
starts at the task's first due date and time (the rule's DTSTART); its `slot`
is the occurrence it stands for now. A reschedule moves the due time of that
occurrence only, so the next occurrence is the rule's first one after both the
slot and the (moved) due time. Everything is computed on local, naive
date-times in the task's zone, so "every Monday at 9" stays at 09:00 across a
DST change; the UTC instant is derived afterwards.

A task with a date but no time repeats by day: its next occurrence is on a
later day, and it has no time either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from organizer.errors import InvalidRepeat

MAX_RULE = 500
_KNOWN = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYHOUR",
          "BYMINUTE", "BYSETPOS", "BYYEARDAY", "BYWEEKNO", "WKST", "BYSECOND"}
_FREQS = {"YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY"}
_END_OF_DAY = time(23, 59, 59)
_DAY_FILTERS = {"BYMONTH", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYSETPOS"}
_LONGEST = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def normalise(rule: str) -> str:
    """The rule as stored: upper case, no "RRULE:" prefix, no spaces; InvalidRepeat when
    it is not one this code can compute."""
    text = "".join(rule.split()).upper()
    if text.startswith("RRULE:"):
        text = text[len("RRULE:"):]
    if not text or len(text) > MAX_RULE:
        raise InvalidRepeat(f"the repeat rule {rule[:60]!r} is empty or too long")
    parts = dict(p.partition("=")[::2] for p in text.split(";") if p)
    unknown = sorted(set(parts) - _KNOWN)
    if unknown:
        raise InvalidRepeat(f"the repeat rule {rule!r} has parts this organizer cannot "
                            f"follow: {', '.join(unknown)}")
    if parts.get("FREQ") not in _FREQS:
        raise InvalidRepeat(f"the repeat rule {rule!r} needs FREQ=DAILY, WEEKLY, MONTHLY, "
                            "YEARLY, HOURLY or MINUTELY")
    _compiled(text, datetime(2000, 1, 1, 9, 0))  # raises InvalidRepeat when it cannot
    _refuse_endless(rule, parts)
    return text


def _refuse_endless(rule: str, parts: dict[str, str]) -> None:
    """Refuse rules whose search for a next time could run for minutes: days no month has
    ("BYMONTH=2;BYMONTHDAY=30"), and day filters under an hourly or finer rule."""
    if parts["FREQ"] in ("HOURLY", "MINUTELY") and set(parts) & _DAY_FILTERS:
        raise InvalidRepeat(f"the repeat rule {rule!r} picks days under an hourly or finer "
                            "rule; say the days with a daily or weekly rule")
    if "BYMONTH" in parts and "BYMONTHDAY" in parts:
        months = [int(m) for m in parts["BYMONTH"].split(",")]
        days = [abs(int(d)) for d in parts["BYMONTHDAY"].split(",")]
        if not any(day <= _LONGEST[month - 1] for month in months for day in days):
            raise InvalidRepeat(f"the repeat rule {rule!r} names a day no such month has")


def parts_of(rule: str) -> dict[str, str]:
    return dict(p.partition("=")[::2] for p in rule.split(";") if p)


@lru_cache(maxsize=256)
def _compiled(rule: str, start: datetime) -> Any:
    from dateutil.rrule import rrulestr

    try:
        return rrulestr(rule, dtstart=start, ignoretz=True, forceset=False)
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise InvalidRepeat(f"the repeat rule {rule!r} cannot be read: {exc}") from exc


def local_iso(day: date, at: time | None) -> str:
    """A wall-clock moment as the log keeps it: "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM"."""
    return day.isoformat() if at is None else f"{day.isoformat()}T{at:%H:%M}"


def slot_of(due_date: str | None, due_time: str | None) -> str | None:
    """`local_iso` of a due date and time as events carry them ("YYYY-MM-DD", "HH:MM")."""
    if not due_date:
        return None
    return f"{due_date}T{due_time}" if due_time else due_date


def _moment(text: str) -> tuple[datetime, bool]:
    """(local naive date-time, has a time) of a `local_iso` string."""
    if "T" in text:
        return datetime.fromisoformat(text), True
    return datetime.combine(date.fromisoformat(text), time()), False


@dataclass(frozen=True)
class Series:
    """What the next occurrence of a repeating task depends on."""

    rule: str
    start: str  # local_iso of the first occurrence (DTSTART)
    slot: str   # local_iso of the occurrence the task stands for now
    due_date: str | None
    due_time: str | None
    tz: str

    def _after(self) -> datetime:
        """The moment the next occurrence must come after."""
        slot, timed = _moment(self.slot)
        after = slot if timed else datetime.combine(slot.date(), _END_OF_DAY)
        if self.due_date:
            due = datetime.combine(date.fromisoformat(self.due_date),
                                   time.fromisoformat(self.due_time) if self.due_time
                                   else _END_OF_DAY)
            after = max(after, due)
        return after

    def _rule(self) -> tuple[Any, bool]:
        # The slot is an occurrence of the rule, so counting from it gives the same later
        # occurrences as counting from the start, without walking the whole past series.
        # Only COUNT needs the real start: it counts from there.
        anchor = self.start if "COUNT=" in self.rule else self.slot
        start, timed = _moment(anchor)
        return _compiled(self.rule, start), timed

    def next(self) -> tuple[date, time | None] | None:
        """The occurrence after the current one, or None when the rule has ended."""
        rule, timed = self._rule()
        after = self._after()
        if not timed:
            after = datetime.combine(after.date(), _END_OF_DAY)
        found = rule.after(after, inc=False)
        return _split(found, timed)

    def missed(self, now: datetime, lead_min: int) -> tuple[date, time | None] | None:
        """Once the current occurrence is past: the latest later occurrence whose reminder
        time has come by `now` (its due time less `lead_min`; the start of its day when it
        has no time). None while there is none."""
        rule, timed = self._rule()
        local_now = now.astimezone(ZoneInfo(self.tz)).replace(tzinfo=None)
        after = self._after()
        if after > local_now:
            return None  # the current occurrence is still ahead: nothing is missed yet
        if timed:
            limit = local_now + timedelta(minutes=lead_min)
        else:
            limit = datetime.combine(local_now.date(), _END_OF_DAY)
        found = rule.before(limit, inc=True)
        if found is None or found <= after:
            return None
        if timed and _instant(found, self.tz) - timedelta(minutes=lead_min) > now:
            return None  # the hour a DST change repeats: not yet after all
        return _split(found, timed)


def _split(found: Any, timed: bool) -> tuple[date, time | None] | None:
    if found is None:
        return None
    assert isinstance(found, datetime)
    return found.date(), (found.time().replace(second=0, microsecond=0) if timed else None)


def _instant(local: datetime, tz: str) -> datetime:
    return local.replace(tzinfo=ZoneInfo(tz)).astimezone(UTC)
