"""A repeat rule (RRULE) in words, in Russian or English: "каждый понедельник", "по будням".

`describe(rule, lang)` is the full wording (the reply to a new task, the calendar
event's description); `describe(rule, lang, short=True)` the marker of a list
line ("каждый пн"). A rule with parts these words do not cover is shown as the
rule itself, so nothing is ever worded wrongly.
"""

from __future__ import annotations

from organizer.domain.recurrence import parts_of

_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_RU_EVERY = ("каждый понедельник", "каждый вторник", "каждую среду", "каждый четверг",
             "каждую пятницу", "каждую субботу", "каждое воскресенье")
_RU_ON = ("понедельникам", "вторникам", "средам", "четвергам", "пятницам", "субботам",
          "воскресеньям")
_RU_SHORT = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")
_RU_SHORT_EVERY = ("каждый пн", "каждый вт", "каждую ср", "каждый чт", "каждую пт",
                   "каждую сб", "каждое вс")
_EN_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_EN_SHORT = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_RU_MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
              "сентября", "октября", "ноября", "декабря")
_EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")
# unit: (ru one, ru few, ru many, en)
_UNITS = {"MINUTELY": ("минуту", "минуты", "минут", "minute"),
          "HOURLY": ("час", "часа", "часов", "hour"),
          "DAILY": ("день", "дня", "дней", "day"),
          "WEEKLY": ("неделю", "недели", "недель", "week"),
          "MONTHLY": ("месяц", "месяца", "месяцев", "month"),
          "YEARLY": ("год", "года", "лет", "year")}
_WORDED = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYHOUR",
           "BYMINUTE", "WKST"}


def describe(rule: str, lang: str, *, short: bool = False) -> str:
    """The rule in words in `lang` ("ru" or "en")."""
    parts = parts_of(rule)
    ru = lang != "en"
    try:
        words = _words(parts, ru, short)
    except (KeyError, ValueError, IndexError):
        words = None
    if words is None or set(parts) - _WORDED:
        return ("по правилу " if ru else "by the rule ") + rule
    return words + _end(parts, ru)


def _plural(n: int, forms: tuple[str, str, str]) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return forms[0]
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return forms[1]
    return forms[2]


def _every(freq: str, interval: int, ru: bool) -> str:
    one, few, many, en = _UNITS[freq]
    if interval == 1:
        if ru:
            return {"DAILY": "каждый день", "WEEKLY": "каждую неделю", "MONTHLY": "каждый месяц",
                    "YEARLY": "каждый год", "HOURLY": "каждый час",
                    "MINUTELY": "каждую минуту"}[freq]
        return f"every {en}"
    if ru:
        lead = "каждый" if _plural(interval, (one, few, many)) == one else "каждые"
        return f"{lead} {interval} {_plural(interval, (one, few, many))}"
    return f"every {interval} {en}s"


def _days(codes: list[str], ru: bool, short: bool, weekly_one: bool) -> str:
    idx = sorted(_DAYS.index(code) for code in codes)
    if idx == [0, 1, 2, 3, 4]:
        return "по будням" if ru else "on weekdays"
    if idx == [5, 6]:
        return "по выходным" if ru else "on weekends"
    if len(idx) == 7:
        return "каждый день" if ru else "every day"
    if len(idx) == 1 and weekly_one:
        if ru:
            return (_RU_SHORT_EVERY if short else _RU_EVERY)[idx[0]]
        return f"every {(_EN_SHORT if short else _EN_DAYS)[idx[0]]}"
    if ru:
        names = [(_RU_SHORT if short else _RU_ON)[i] for i in idx]
        return "по " + (", ".join(names) if short else _join(names, " и "))
    names = [(_EN_SHORT if short else _EN_DAYS)[i] for i in idx]
    return "on " + (", ".join(names) if short else _join(names, " and "))


def _join(names: list[str], last: str) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + last + names[-1]


def _words(parts: dict[str, str], ru: bool, short: bool) -> str | None:
    freq = parts["FREQ"]
    interval = int(parts.get("INTERVAL", "1"))
    byday = [d for d in parts.get("BYDAY", "").split(",") if d]
    if any(d not in _DAYS for d in byday):
        return None  # "1MO" (the first Monday) and the like
    if freq == "WEEKLY" and byday:
        days = _days(byday, ru, short, weekly_one=interval == 1)
        if interval == 1:
            return days
        return f"{_every(freq, interval, ru)}, {days}"
    if freq == "DAILY" and byday:
        return _days(byday, ru, short, weekly_one=True)
    base = _every(freq, interval, ru)
    if freq == "MONTHLY" and "BYMONTHDAY" in parts:
        numbers = parts["BYMONTHDAY"].split(",")
        if any(not d.isdigit() for d in numbers):
            return None  # "-1": the last day of the month
        if interval == 1:
            return (f"каждое {_join(numbers, ' и ')} число" if ru else
                    f"every month on day{'s' if len(numbers) > 1 else ''} "
                    f"{_join(numbers, ' and ')}")
        return (f"{base}, {_join(numbers, ' и ')} числа" if ru
                else f"{base} on day {_join(numbers, ' and ')}")
    if freq == "YEARLY" and "BYMONTH" in parts and "BYMONTHDAY" in parts:
        month, day = int(parts["BYMONTH"]) - 1, int(parts["BYMONTHDAY"])
        return (f"каждый год {day} {_RU_MONTHS[month]}" if ru
                else f"every year on {_EN_MONTHS[month]} {day}")
    if "BYHOUR" in parts:
        minute = int(parts.get("BYMINUTE", "0"))
        hours = [f"{int(h):02d}:{minute:02d}" for h in parts["BYHOUR"].split(",")]
        return f"{base} в {_join(hours, ' и ')}" if ru else f"{base} at {_join(hours, ' and ')}"
    if set(parts) & {"BYDAY", "BYMONTHDAY", "BYMONTH"}:
        return None
    return base


def _end(parts: dict[str, str], ru: bool) -> str:
    if "COUNT" in parts:
        n = int(parts["COUNT"])
        return f", {n} {_plural(n, ('раз', 'раза', 'раз'))}" if ru else f", {n} times"
    if "UNTIL" in parts:
        until = parts["UNTIL"][:8]
        shown = f"{until[6:8]}.{until[4:6]}.{until[:4]}" if ru else \
            f"{until[:4]}-{until[4:6]}-{until[6:8]}"
        return f", до {shown}" if ru else f", until {shown}"
    return ""
