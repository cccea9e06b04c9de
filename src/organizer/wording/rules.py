"""A repeat rule in words: "каждый понедельник", "по будням", "every 2 weeks, on Monday".

`rule_text(canon, rule, lang)` is the full wording (the reply to a new task, the
calendar event's description); `short=True` the marker of a list line ("каждый пн").
The structure comes from organizer.domain.rule_shape, the words from the canon's
`words.rule`.
"""

from __future__ import annotations

from organizer.domain.rule_shape import RuleShape, shape_of
from organizer.wording.words import HasReplies, HasWords, names, plural, word


def rule_text(canon: HasWords, rule: str, lang: str, *, short: bool = False) -> str:
    """The rule in words in `lang`; a rule the words do not cover is shown as written."""
    shape = shape_of(rule)
    if shape is None:
        return word(canon, "rule.unworded", lang, rule=rule)
    text = _words(canon, shape, lang, short)
    if shape.count is not None:
        text += ", " + plural(canon, "rule.count", lang, shape.count)
    elif shape.until is not None:
        year, month, day = shape.until
        shown = word(canon, "rule.until_date", lang, yyyy=year, mm=month, dd=day)
        text += ", " + word(canon, "rule.until", lang, date=shown)
    return text


def _words(canon: HasWords, shape: RuleShape, lang: str, short: bool) -> str:
    if shape.kind == "days":
        return _days(canon, shape, lang, short)
    every = _every(canon, shape.freq, shape.interval, lang)
    if shape.kind == "every_days":
        return word(canon, "rule.every_on_days", lang, every=every,
                    days=_days(canon, shape, lang, short))
    if shape.kind == "month_days":
        days = _join(canon, list(shape.month_days), lang)
        if shape.interval == 1:
            return plural(canon, "rule.month_days", lang, len(shape.month_days), days=days)
        return word(canon, "rule.every_n_month_days", lang, every=every, days=days)
    if shape.kind == "yearly_on":
        month = names(canon, "rule.months", lang)[shape.month - 1]
        return word(canon, "rule.yearly_on", lang, day=shape.day, month=month)
    if shape.kind == "at_hours":
        return word(canon, "rule.at_hours", lang, every=every,
                    hours=_join(canon, list(shape.hours), lang))
    return every


def _every(canon: HasWords, freq: str, interval: int, lang: str) -> str:
    unit = freq.lower()
    if interval == 1:
        return word(canon, f"rule.every_one.{unit}", lang)
    return plural(canon, "rule.every_n", lang, interval,
                  unit=plural(canon, f"rule.unit.{unit}", lang, interval))


def _days(canon: HasWords, shape: RuleShape, lang: str, short: bool) -> str:
    days = list(shape.days)
    if days == [0, 1, 2, 3, 4]:
        return word(canon, "rule.weekdays", lang)
    if days == [5, 6]:
        return word(canon, "rule.weekends", lang)
    if len(days) == 7:
        return word(canon, "rule.every_day", lang)
    if len(days) == 1 and shape.single_day_every:
        key = "rule.every_weekday_short" if short else "rule.every_weekday"
        return names(canon, key, lang)[days[0]]
    day_names = names(canon, "rule.day_names_short" if short else "rule.day_names", lang)
    listed = [day_names[i] for i in days]
    joined = ", ".join(listed) if short else _join(canon, listed, lang)
    return word(canon, "rule.on_days", lang, days=joined)


def _join(canon: HasWords, items: list[str], lang: str) -> str:
    """"1 и 15", "Monday, Tuesday and Friday"."""
    if len(items) == 1:
        return items[0]
    return word(canon, "rule.and", lang, first=", ".join(items[:-1]), last=items[-1])


def repeat_description(canon: HasReplies, rule: str, lang: str) -> str:
    """A repeating task's calendar event description: "↻ Repeats: every Monday"."""
    return canon.reply("calendar_repeat", lang, repeat=rule_text(canon, rule, lang))
